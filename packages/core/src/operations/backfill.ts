import { isCdmsSyncError } from '../errors/cdms-sync-error';
import { ValidationError } from '../errors/errors';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta } from '../model/model-meta';
import { backfillRange, isDeadLocalOwner } from './backfill-range';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';
import type { ImportHistory } from './page-history';
import { planBackfill } from './plan-backfill';
import type { BackfillRangeState } from './sync-state';

/** Options of `sync.backfill()`. */
export interface BackfillOptions {
  /**
   * How many ranges are walked at once, i.e. list requests in flight (a shared on-premises CRM
   * serves its users too). @default 4
   */
  concurrency?: number;
  /** Abort: every walk stops after the page it is importing, checkpoints, and the call resolves `aborted: true`. */
  signal?: AbortSignal;
  /** Called after every committed page, with the model's totals. */
  onProgress?: (event: BackfillProgress) => void;
  /** One `cdms-refresh` history entry per row, or one summary entry per page. @default 'row' */
  history?: ImportHistory;
  /** About how many records each range holds (used when the plan is made). @default 1250 */
  rangeRows?: number;
  /**
   * How long a range claim lasts without a committed page: another process takes over a range
   * whose owner died after this long (at once when the owner was a process of this host).
   * @default 60000
   */
  leaseMs?: number;
}

/** Progress of one model's backfill, cumulative (also across resumed runs). */
export interface BackfillProgress {
  /** `Model.name`. */
  readonly model: string;
  readonly rows: number;
  readonly pages: number;
  readonly rangesDone: number;
  readonly rangesTotal: number;
  readonly done: boolean;
}

/** What `sync.backfill()` did, per model in the order it ran them (parents first). */
export interface BackfillReport {
  readonly aborted: boolean;
  readonly models: readonly ModelBackfillReport[];
}

/** One model's backfill. */
export interface ModelBackfillReport {
  readonly model: string;
  /** Rows and pages imported by this call. */
  readonly rows: number;
  readonly pages: number;
  readonly ranges: number;
  /** True when an earlier run had already imported some of it (or finished it). */
  readonly resumed: boolean;
  /** Ranges found claimed by another live process (waited for, or taken over when its lease ended). */
  readonly rangesHeldElsewhere: number;
  readonly durationMs: number;
}

/** The default number of ranges walked at once. */
export const DEFAULT_BACKFILL_CONCURRENCY = 4;

/**
 * Import every CDMS record of each model (default: every registered synced model), parents before
 * children. Per model: plan its ranges once (see `planBackfill`), then walk the ranges not done,
 * `concurrency` at a time (see `backfillRange`); ranges another live process has claimed are left
 * to it. Resumable and idempotent: a finished range is never read again.
 * @internal
 */
export async function backfill(
  services: OperationServices,
  models: readonly ModelClass[] | undefined,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const concurrency = options.concurrency ?? DEFAULT_BACKFILL_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const metas = await modelsInForeignKeyOrder(services, models);
  const reports: ModelBackfillReport[] = [];
  for (const meta of metas) {
    if (options.signal?.aborted) return { aborted: true, models: reports };
    reports.push(await backfillModel(services, meta, concurrency, options));
  }
  return { aborted: options.signal?.aborted === true, models: reports };
}

async function backfillModel(
  services: OperationServices,
  meta: ModelMeta,
  concurrency: number,
  options: BackfillOptions,
): Promise<ModelBackfillReport> {
  const started = Date.now();
  const planned = await planBackfill(services, meta, {
    concurrency,
    ...(options.rangeRows === undefined ? {} : { rangeRows: options.rangeRows }),
  });
  const totals = new Map(planned.map((range) => [range.rangeId, range]));
  const resumed = planned.some((range) => range.pages > 0);
  let rows = 0;
  let pages = 0;
  const heldElsewhere = new Set<string>();
  const progress = (): BackfillProgress => {
    const ranges = [...totals.values()];
    const rangesDone = ranges.filter((range) => range.done).length;
    return {
      model: meta.Model.name,
      rows: ranges.reduce((sum, range) => sum + range.rows, 0),
      pages: ranges.reduce((sum, range) => sum + range.pages, 0),
      rangesDone,
      rangesTotal: ranges.length,
      done: rangesDone === ranges.length,
    };
  };
  const queue: BackfillRangeState[] = planned.filter((range) => !range.done);
  const worker = async () => {
    for (let range = queue.shift(); range; range = queue.shift()) {
      if (options.signal?.aborted) return;
      try {
        const result = await backfillRange(services, meta, range, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.history ? { history: options.history } : {}),
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          onPage: (state, pageRows) => {
            totals.set(state.rangeId, state);
            rows += pageRows;
            pages += 1;
            options.onProgress?.(progress());
          },
        });
        totals.set(result.range.rangeId, result.range);
      } catch (error) {
        if (isCdmsSyncError(error) && error.code === 'LEASE_HELD') {
          heldElsewhere.add(range.rangeId);
          continue;
        }
        queue.length = 0;
        throw error;
      }
    }
  };
  // Ranges another process holds are waited for: done by it, or taken over when its lease ends
  // (at once when it was a process of this host that died).
  for (;;) {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, worker));
    if (options.signal?.aborted) break;
    const current = await services.state.ranges(meta.table);
    for (const range of current) totals.set(range.rangeId, range);
    const undone = current.filter((range) => !range.done);
    if (undone.length === 0) break;
    const now = Date.now();
    const claimable = undone.filter(
      (range) =>
        range.owner === null || (range.leaseUntil?.getTime() ?? 0) < now || isDeadLocalOwner(range.owner),
    );
    if (claimable.length > 0) {
      queue.push(...claimable);
      continue;
    }
    await sleep(
      Math.min(1000, ...undone.map((range) => (range.leaseUntil?.getTime() ?? now) - now + 10)),
      options.signal,
    );
  }
  const finished = progress();
  if (finished.done && pages === 0) options.onProgress?.(finished);
  services.engine.logger?.info('CDMS backfill', {
    model: meta.Model.name,
    rows,
    pages,
    rangesDone: finished.rangesDone,
    rangesTotal: finished.rangesTotal,
  });
  return {
    model: meta.Model.name,
    rows,
    pages,
    ranges: planned.length,
    resumed,
    rangesHeldElsewhere: heldElsewhere.size,
    durationMs: Date.now() - started,
  };
}

/** Wait `ms` (or until `signal` aborts). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
