import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NotBackfilledError } from '../errors/errors';
import type { HistoryRecorder } from '../history/history-recorder';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import { InProcessLeases } from '../store/in-process-leases';
import type { DeltaSource } from '../sync/delta-source';
import type { SyncServices } from '../sync/sync-services';
import { type BackfillOptions, type BackfillReport, backfill } from './backfill';
import { type BackfillRangeOptions, type BackfillRangeResult, backfillRange } from './backfill-range';
import { type ModelSyncStatus, modelSyncStatus } from './model-sync-status';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';
import { type PlanBackfillOptions, planBackfill } from './plan-backfill';
import { type PollOptions, type PollReport, poll } from './poll';
import { createPollDeltaSource } from './poll-delta-source';
import { type ReconcileOptions, type ReconcileReport, reconcileModels } from './reconcile-models';
import { type Poller, type StartPollingOptions, startPolling } from './start-polling';
import { type BackfillRangeState, SyncStateRepository } from './sync-state';

/** The migration operations of a `Sync`: backfill, poll, reconcile and their status. */
export interface SyncOperations {
  /**
   * The registered models, in registration order.
   * @example
   * ```ts
   * sync.register(Organisation, Contact).models(); // [Organisation, Contact]
   * ```
   */
  models(): readonly ModelClass[];
  /**
   * Import every CDMS record of `models` (default: every registered synced model), parents first,
   * each model split into `CreatedOn` ranges walked `concurrency` at a time; each page is one local
   * transaction (upsert if newer, history, range checkpoint), so a killed process resumes where it
   * stopped and a re-run reads nothing twice. Requests: one `ModifiedOn desc` probe and one `$skip`
   * probe per range when planning, then the ranges' pages.
   * @example
   * ```ts
   * const report = await sync.backfill([Organisation, Contact], {
   *   concurrency: 4,
   *   onProgress: (p) => console.log(`${p.model}: ${p.rows} rows, ${p.rangesDone}/${p.rangesTotal} ranges`),
   * });
   * // GET AccountSet?$filter=CreatedOn ge datetime'…' and CreatedOn lt datetime'…'&$orderby=CreatedOn,AccountId&$select=…
   * // BEGIN; INSERT … ON CONFLICT (cdms_pk) DO UPDATE … WHERE modified < excluded.modified;
   * //   INSERT INTO cdms_sync_history …; UPDATE cdms_sync_state_range SET cursor = ?, rows = ?, … ; COMMIT
   * ```
   */
  backfill(models?: readonly ModelClass[], options?: BackfillOptions): Promise<BackfillReport>;
  /**
   * The backfill ranges of `Model`, planned and stored on the first call (for job engines that
   * run each range as a job: see `backfillRange`).
   * @example
   * ```ts
   * const ranges = await sync.planBackfill(Organisation); // [{ rangeId: 'r0000', lower: null, upper: … }, …]
   * ```
   */
  planBackfill(Model: ModelClass, options?: PlanBackfillOptions): Promise<BackfillRangeState[]>;
  /**
   * Import one planned range of `Model` from its checkpoint (claimed by this process meanwhile;
   * `LeaseHeldError` when another live process works on it; `NotBackfilledError` without a plan).
   * @example
   * ```ts
   * for (const range of await sync.planBackfill(Organisation)) await boss.send('backfill', { rangeId: range.rangeId });
   * // in the worker:
   * await sync.backfillRange(Organisation, job.data.rangeId);
   * ```
   */
  backfillRange(
    Model: ModelClass,
    rangeId: string,
    options?: BackfillRangeOptions,
  ): Promise<BackfillRangeResult>;
  /**
   * One poll round: per model (with its poll lease; skipped when another process holds it), every
   * record with `ModifiedOn ge watermark − overlap`, ordered by `ModifiedOn` then key, applied if
   * newer; the watermark advances after each committed page. 0 changes = 1 request.
   * @example
   * ```ts
   * const { models } = await sync.poll();
   * // GET AccountSet?$filter=ModifiedOn ge datetime'2026-11-27T10:00:00'&$orderby=ModifiedOn,AccountId&$select=…
   * // [{ model: 'Organisation', changes: 3, requests: 1, watermark: 2026-11-27T10:00:30.000Z }]
   * ```
   */
  poll(models?: readonly ModelClass[], options?: PollOptions): Promise<PollReport>;
  /**
   * Poll every `intervalMs` until `stop()` (or `signal`), holding each model's poll lease across
   * rounds; another instance takes a dead holder's models over within one interval.
   * @example
   * ```ts
   * const poller = sync.startPolling({ intervalMs: 30_000, onRound: (r) => log(r) });
   * process.on('SIGTERM', () => poller.stop());
   * ```
   */
  startPolling(options: StartPollingOptions): Poller;
  /**
   * Compare the local store with CDMS (keys, `ModifiedOn`, `VersionNumber` only) and report the
   * records missing locally, deleted in CDMS, stale, and the local-only rows; with `repair`, fix
   * them (imports, refreshes, deletes with history `delete` by `cdms`).
   * @example
   * ```ts
   * const report = await sync.reconcile([Organisation], { repair: true });
   * // GET AccountSet?$select=AccountId,ModifiedOn&$orderby=AccountId (every page)
   * // report.models[0] = { checked: 121, missingLocally: [...10 GUIDs], deletedInCdms: [...], stale: [], localOnly: [], repaired: true }
   * ```
   */
  reconcile(models?: readonly ModelClass[], options?: ReconcileOptions): Promise<ReconcileReport>;
  /**
   * Per model: local rows, watermark, last poll, backfill progress per range, last reconciliation.
   * Local database only, no CDMS request.
   * @example
   * ```ts
   * const [organisations] = await sync.status([Organisation]);
   * // { model: 'Organisation', localRows: 121, watermark: …, backfill: { state: 'complete', … }, … }
   * ```
   */
  status(models?: readonly ModelClass[]): Promise<ModelSyncStatus[]>;
}

/** What `createSyncOperations` needs from `createSync`. @internal */
export interface SyncOperationsInput {
  readonly engine: SyncServices & { readonly history: HistoryRecorder };
  readonly stateTable: string;
  readonly models: () => readonly ModelClass[];
}

/**
 * The operations of one Sync, over its engine and the state tables, and the delta source of the
 * read policies (see `createPollDeltaSource`).
 * @internal
 */
export function createSyncOperations(
  input: SyncOperationsInput,
): SyncOperations & { readonly deltas: DeltaSource } {
  const { engine } = input;
  const services: OperationServices = {
    engine,
    state: new SyncStateRepository(engine.store, input.stateTable),
    leases: engine.store.leases ?? new InProcessLeases(),
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    models: input.models,
  };
  const metaOf = async (Model: ModelClass) => {
    const [meta] = await modelsInForeignKeyOrder(services, [Model]);
    return meta ?? bindingOf(Model).meta;
  };
  return {
    deltas: createPollDeltaSource(services),
    models: () => [...input.models()],
    backfill: (models, options) => backfill(services, models, options),
    async planBackfill(Model, options) {
      return planBackfill(services, await metaOf(Model), options);
    },
    async backfillRange(Model, rangeId, options) {
      const meta = await metaOf(Model);
      const range = (await services.state.ranges(meta.table)).find((r) => r.rangeId === rangeId);
      if (!range) {
        throw new NotBackfilledError(
          `${Model.name} has no backfill range ${rangeId}: plan it first with sync.planBackfill(${Model.name})`,
        );
      }
      return backfillRange(services, meta, range, options);
    },
    poll: (models, options) => poll(services, models, options),
    startPolling: (options) => startPolling(services, options),
    reconcile: (models, options) => reconcileModels(services, models, options),
    status: (models) => modelSyncStatus(services, models),
  };
}
