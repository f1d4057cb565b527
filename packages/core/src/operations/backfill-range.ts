import { hostname } from 'node:os';
import type { CdmsPage, ODataFilter } from '@cdms-sync/cdms-client';
import { LeaseHeldError } from '../errors/errors';
import { BASE_ATTRIBUTES } from '../migrator/migrator';
import type { ModelMeta } from '../model/model-meta';
import { andAll, compare, literal, property, value } from '../odata/odata-tree';
import { importEntities } from '../sync/import-entities';
import { timestampOf } from '../sync/record-version';
import type { OperationServices } from './operation-services';
import { type ImportHistory, servicesWithHistory } from './page-history';
import type { BackfillRangeState } from './sync-state';

/** How long a range claim lasts without a committed page before another process may take it over. @default 60 s */
export const DEFAULT_RANGE_LEASE_MS = 60_000;

/** Options of `sync.backfillRange()`. */
export interface BackfillRangeOptions {
  /** Stop after the page being imported: the range keeps its checkpoint and is released. */
  signal?: AbortSignal;
  /** Called after every committed page, with the range's totals. */
  onPage?: (range: BackfillRangeState, pageRows: number) => void;
  /** One `cdms-refresh` history entry per row, or one summary entry per page. @default 'row' */
  history?: ImportHistory;
  /** How long the claim lasts without progress (renewed by every page). @default 60000 */
  leaseMs?: number;
}

/** What one range's walk did. */
export interface BackfillRangeResult {
  readonly range: BackfillRangeState;
  /** Rows and pages this call imported (the range's totals are in `range`). */
  readonly rows: number;
  readonly pages: number;
  readonly aborted: boolean;
}

/**
 * Import one backfill range: claim it (`UPDATE … SET owner, lease_until WHERE … (owner IS NULL OR
 * lease_until < now)`; `LeaseHeldError` when another live process has it), then walk it from its
 * checkpoint: `GET {Entity}Set?$filter=CreatedOn ge datetime'lower' and CreatedOn lt
 * datetime'upper' [and CreatedOn ge datetime'cursor']&$orderby=CreatedOn,{Key}&$select=…` and its
 * `__next` pages. Each page is one local transaction: `upsertIfNewer` of its rows (parents missing
 * locally imported in batches first), their history, and the range's checkpoint (cursor = the
 * page's last `CreatedOn`, counts, `done` on the last page). A process killed mid-page loses only
 * that page's uncommitted work; the resumed walk re-reads the rows of the cursor's second (at most
 * about one page) and finds them unchanged.
 * @internal
 */
export async function backfillRange(
  services: OperationServices,
  meta: ModelMeta,
  start: BackfillRangeState,
  options: BackfillRangeOptions = {},
): Promise<BackfillRangeResult> {
  const { state, owner } = services;
  const leaseMs = options.leaseMs ?? DEFAULT_RANGE_LEASE_MS;
  if (start.done) return { range: start, rows: 0, pages: 0, aborted: false };
  const deadOwner = start.owner !== null && isDeadLocalOwner(start.owner) ? start.owner : undefined;
  if (
    !(await state.claimRange(meta.table, start.rangeId, owner, new Date(Date.now() + leaseMs), deadOwner))
  ) {
    throw new LeaseHeldError(
      `Backfill range ${start.rangeId} of ${meta.Model.name} is being imported by ${start.owner ?? 'another process'}`,
    );
  }
  const engine = servicesWithHistory(services.engine, options.history ?? 'row');
  const { selectAttributes } = await meta.resolve();
  let range: BackfillRangeState = { ...start, owner };
  let rows = 0;
  let pages = 0;
  let upcoming: Promise<IteratorResult<CdmsPage, void>> | undefined;
  try {
    const pagesOfRange = engine.cdms
      .pages(meta.migrator.service, {
        filter: rangeFilter(range),
        select: selectAttributes,
        orderBy: [
          { attribute: BASE_ATTRIBUTES.created, direction: 'asc' },
          { attribute: meta.migrator.primaryKeyAttribute, direction: 'asc' },
        ],
      })
      [Symbol.asyncIterator]();
    // One page ahead: the next page is fetched while this one is imported (memory stays at two
    // pages per range). A prefetched page is not checkpointed: a killed process loses it, the
    // resumed walk fetches it again from the cursor.
    upcoming = pagesOfRange.next();
    while (upcoming) {
      const fetched = await upcoming;
      upcoming = undefined;
      if (fetched.done) break;
      const page = fetched.value;
      if (page.next !== undefined && !options.signal?.aborted) {
        const prefetch = pagesOfRange.next();
        // Awaited on the next turn; an import failing first must not leave it unhandled.
        prefetch.catch(() => {});
        upcoming = prefetch;
      }
      const last = page.results.at(-1);
      const next: BackfillRangeState = {
        ...range,
        cursor: last ? timestampOf(last, BASE_ATTRIBUTES.created) : range.cursor,
        done: page.next === undefined,
        rows: range.rows + page.results.length,
        pages: range.pages + 1,
        leaseUntil: new Date(Date.now() + leaseMs),
      };
      await engine.store.transaction(async () => {
        await importEntities(engine, meta, page.results, 0);
        const kept = await state.checkpointRange(meta.table, range.rangeId, owner, next);
        if (!kept) {
          throw new LeaseHeldError(
            `Backfill range ${range.rangeId} of ${meta.Model.name} was taken over by another process`,
          );
        }
      });
      range = next.done ? { ...next, owner: null, leaseUntil: null } : next;
      rows += page.results.length;
      pages += 1;
      options.onPage?.(range, page.results.length);
      if (!range.done && options.signal?.aborted) break;
    }
  } finally {
    // Stopped with a page still being fetched (abort, failure): let its request end first, so no
    // request outlives the call; the page is dropped (it was never checkpointed).
    if (upcoming) await upcoming.catch(() => {});
    if (!range.done) await state.releaseRange(meta.table, range.rangeId, owner).catch(() => {});
  }
  return { range, rows, pages, aborted: !range.done };
}

/**
 * An owner id (`host:pid:random`, see `createSyncOperations`) of a process on this host that no
 * longer runs (`kill(pid, 0)` fails with ESRCH): its claims need not wait for their lease to end.
 * @internal
 */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid) || Number(pid) === process.pid)
    return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** `CreatedOn ge lower and CreatedOn lt upper and CreatedOn ge cursor`, open bounds left out. */
function rangeFilter(range: BackfillRangeState): ODataFilter | undefined {
  const created = property(BASE_ATTRIBUTES.created);
  const parts: ODataFilter[] = [];
  const from = range.cursor ?? range.lower;
  if (from) parts.push(compare('ge', created, value(literal.datetime(from))));
  if (range.upper) parts.push(compare('lt', created, value(literal.datetime(range.upper))));
  return parts.length === 0 ? undefined : andAll(parts);
}
