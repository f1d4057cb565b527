import { ValidationError } from '../errors/errors';
import { BASE_ATTRIBUTES } from '../migrator/migrator';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta } from '../model/model-meta';
import { compare, literal, property, value } from '../odata/odata-tree';
import type { SyncLease } from '../store/sync-leases';
import { importEntities } from '../sync/import-entities';
import { timestampOf } from '../sync/record-version';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';

/**
 * How far before the watermark each poll reads again, in seconds. CRM 2011 stamps `ModifiedOn`
 * to the second and a transaction can commit seconds after its `ModifiedOn`; a write that becomes
 * visible less than this long after its `ModifiedOn` is never missed. Re-reading is harmless:
 * unchanged rows (same `ModifiedOn` and `VersionNumber`) are neither written nor recorded.
 */
export const DEFAULT_POLL_OVERLAP_SECONDS = 30;

/** Options of `sync.poll()`. */
export interface PollOptions {
  /** Stop after the page being imported; the watermark stays at the last committed page. */
  signal?: AbortSignal;
  onProgress?: (event: PollProgress) => void;
  /** Seconds before the watermark to read again (late commits, same-second writes). @default 30 */
  overlapSeconds?: number;
}

/** Progress of one model's poll, after every committed page. */
export interface PollProgress {
  readonly model: string;
  /** Rows inserted or updated so far (re-read unchanged rows do not count). */
  readonly changes: number;
  readonly pages: number;
  readonly watermark: Date | null;
}

/** What one poll round did, per model. */
export interface PollReport {
  readonly aborted: boolean;
  readonly models: readonly ModelPollReport[];
}

/** One model's poll. */
export interface ModelPollReport {
  readonly model: string;
  readonly changes: number;
  /** List requests sent (pages read). */
  readonly requests: number;
  readonly watermark: Date | null;
  /** Not polled: another process holds the model's poll lease, or it has no watermark yet (run a backfill). */
  readonly skipped?: 'lease-held' | 'not-backfilled';
}

/** The lease name of a model's poller. */
export function pollLeaseName(meta: ModelMeta): string {
  return `poll:${meta.table}`;
}

/** @internal */
export function checkOverlap(options: { overlapSeconds?: number }): number {
  const overlap = options.overlapSeconds ?? DEFAULT_POLL_OVERLAP_SECONDS;
  if (!Number.isFinite(overlap) || overlap < 0) {
    throw new ValidationError(`overlapSeconds must be a number of at least 0, got ${overlap}`);
  }
  return overlap;
}

/**
 * One poll round over `models` (default: every registered synced model, parents first): each model
 * whose poll lease this process can take is polled (see `pollModel`) and its lease released; a
 * model whose lease another process holds is skipped (`skipped: 'lease-held'`).
 * @internal
 */
export async function poll(
  services: OperationServices,
  models: readonly ModelClass[] | undefined,
  options: PollOptions = {},
): Promise<PollReport> {
  checkOverlap(options);
  const metas = await modelsInForeignKeyOrder(services, models);
  const reports: ModelPollReport[] = [];
  for (const meta of metas) {
    if (options.signal?.aborted) break;
    const lease = await services.leases.tryLease(pollLeaseName(meta));
    if (!lease) {
      const state = await services.state.model(meta.table);
      reports.push(skipped(meta, 'lease-held', state?.watermark ?? null));
      continue;
    }
    try {
      reports.push(await pollModel(services, meta, lease, options));
    } finally {
      await lease.release();
    }
  }
  return { aborted: options.signal?.aborted === true, models: reports };
}

function skipped(meta: ModelMeta, reason: 'lease-held' | 'not-backfilled', watermark: Date | null) {
  return { model: meta.Model.name, changes: 0, requests: 0, watermark, skipped: reason };
}

/**
 * Poll one model while holding its lease: `GET {Entity}Set?$filter=ModifiedOn ge datetime'W'
 * &$orderby=ModifiedOn,{Key}&$select=…` with `W` = watermark − overlap, and every `__next` page.
 * Each page is one local transaction: `upsertIfNewer` (also comparing `VersionNumber`), history
 * for the rows that changed only, and the watermark advanced to the page's last `ModifiedOn`
 * (`UPDATE cdms_sync_state SET watermark = ? WHERE model = ? AND watermark < ?`). The watermark
 * only ever holds CDMS's own `ModifiedOn` values. No change: one request.
 * @internal
 */
export async function pollModel(
  services: OperationServices,
  meta: ModelMeta,
  lease: SyncLease,
  options: PollOptions = {},
): Promise<ModelPollReport> {
  const { state, engine } = services;
  const overlap = checkOverlap(options);
  const current = await state.model(meta.table);
  if (!current?.watermark) return skipped(meta, 'not-backfilled', null);
  const { selectAttributes } = await meta.resolve();
  const since = new Date(current.watermark.getTime() - overlap * 1000);
  let watermark = current.watermark;
  let changes = 0;
  let requests = 0;
  const pages = engine.cdms.pages(meta.migrator.service, {
    filter: compare('ge', property(BASE_ATTRIBUTES.modified), value(literal.datetime(since))),
    select: selectAttributes,
    orderBy: [
      { attribute: BASE_ATTRIBUTES.modified, direction: 'asc' },
      { attribute: meta.migrator.primaryKeyAttribute, direction: 'asc' },
    ],
  });
  for await (const page of pages) {
    requests += 1;
    const last = page.results.at(-1);
    const pageWatermark = last ? timestampOf(last, BASE_ATTRIBUTES.modified) : null;
    if (!(await lease.held())) break;
    const stored = await engine.store.transaction(async () => {
      const rows = await importEntities(engine, meta, page.results, 0);
      await state.advanceWatermark(meta.table, pageWatermark, new Date());
      return rows;
    });
    changes += stored.length;
    if (pageWatermark && pageWatermark > watermark) watermark = pageWatermark;
    options.onProgress?.({ model: meta.Model.name, changes, pages: requests, watermark });
    if (page.next && options.signal?.aborted) break;
  }
  if (changes > 0) engine.logger?.info('CDMS poll', { model: meta.Model.name, changes, requests });
  return { model: meta.Model.name, changes, requests, watermark };
}
