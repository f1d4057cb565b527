import type { ModelClass } from '../model/model-class';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';
import type { ReconcileSummary } from './sync-state';

/** Where one model stands: local rows, poll watermark, backfill progress, last reconciliation. */
export interface ModelSyncStatus {
  readonly model: string;
  readonly table: string;
  readonly localRows: number;
  /** The greatest CDMS `ModifiedOn` the poll has committed; `null` before a backfill was planned. */
  readonly watermark: Date | null;
  readonly lastPollAt: Date | null;
  readonly backfill: {
    /** `never` planned, `running` (a range is claimed by a live process), `partial`, or `complete`. */
    readonly state: 'never' | 'running' | 'partial' | 'complete';
    readonly rows: number;
    readonly pages: number;
    readonly ranges: readonly { id: string; done: boolean; rows: number; pages: number }[];
  };
  readonly lastReconcile: ReconcileSummary | null;
}

/**
 * The status of each of `models` (default: every registered synced model), read from the local
 * database only (no CDMS request): `SELECT count(*) FROM {table}` and the state rows.
 * @internal
 */
export async function modelSyncStatus(
  services: OperationServices,
  models: readonly ModelClass[] | undefined,
): Promise<ModelSyncStatus[]> {
  const metas = await modelsInForeignKeyOrder(services, models);
  const now = Date.now();
  return Promise.all(
    metas.map(async (meta) => {
      const [localRows, state, ranges] = await Promise.all([
        services.engine.store.count(meta.table),
        services.state.model(meta.table),
        services.state.ranges(meta.table),
      ]);
      const done = ranges.filter((range) => range.done).length;
      const claimed = ranges.some(
        (range) => !range.done && range.owner !== null && (range.leaseUntil?.getTime() ?? 0) > now,
      );
      const backfillState =
        ranges.length === 0 ? 'never' : done === ranges.length ? 'complete' : claimed ? 'running' : 'partial';
      return {
        model: meta.Model.name,
        table: meta.table,
        localRows,
        watermark: state?.watermark ?? null,
        lastPollAt: state?.lastPollAt ?? null,
        backfill: {
          state: backfillState,
          rows: ranges.reduce((sum, range) => sum + range.rows, 0),
          pages: ranges.reduce((sum, range) => sum + range.pages, 0),
          ranges: ranges.map((range) => ({
            id: range.rangeId,
            done: range.done,
            rows: range.rows,
            pages: range.pages,
          })),
        },
        lastReconcile: state?.lastReconcile ?? null,
      } satisfies ModelSyncStatus;
    }),
  );
}
