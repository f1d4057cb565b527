import { isCdmsSyncError } from '../errors/cdms-sync-error';
import { ValidationError } from '../errors/errors';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta } from '../model/model-meta';
import { backfillRange } from './backfill-range';
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
  /** Ranges another live process is working on (left to it). */
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
    ...(options.rangeRows === undefined ? {} : { rangeRows: options.rangeRows }),
  });
  const totals = new Map(planned.map((range) => [range.rangeId, range]));
  const resumed = planned.some((range) => range.pages > 0);
  let rows = 0;
  let pages = 0;
  let heldElsewhere = 0;
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
          heldElsewhere += 1;
          continue;
        }
        queue.length = 0;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, worker));
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
    rangesHeldElsewhere: heldElsewhere,
    durationMs: Date.now() - started,
  };
}
