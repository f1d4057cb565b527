import type { CdmsLogger } from '@cdms-sync/cdms-client';
import { type SyncContext, SyncContextStorage } from '../context/sync-context';
import { NotRegisteredError } from '../errors/errors';
import { DEFAULT_HISTORY_TABLE, type HistoryEntry } from '../history/history-entry';
import { HistoryRecorder } from '../history/history-recorder';
import { Manager } from '../manager/manager';
import { bindingOf, isBound, MODEL_BINDING, type ModelBinding } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import { ModelMeta } from '../model/model-meta';
import { SyncedModel } from '../model/synced-model';
import { DEFAULT_MAX_URL_LENGTH } from '../odata/fit-list-query';
import { createSyncOperations, type SyncOperations } from '../operations/sync-operations';
import { DEFAULT_SYNC_STATE_TABLE } from '../operations/sync-state';
import type { LocalStore } from '../store/local-store';
import type { CdmsSyncClient } from './cdms-sync-client';
import { SyncEngine } from './sync-engine';

/** Options of `createSync(…)`. */
export interface SyncOptions {
  /** The local store, e.g. `knexStore(knex)` from `@cdms-sync/knex`. */
  store: LocalStore;
  /** The CDMS client (a `CdmsClient`), used unless `runAs({ cdms })` supplies another. */
  cdms: CdmsSyncClient;
  /** Where the sync engine logs refreshes and warnings. @default no logging */
  logger?: CdmsLogger;
  /**
   * The most CDMS rows one unsliced read (`filter`, `count` …) brings in before answering locally.
   * A slice (`slice(0, 10)`) brings in its own size instead. @default 1000
   */
  syncPageLimit?: number;
  /**
   * The longest list request URL (service root, `/{Entity}Set?` and the encoded query string).
   * CRM 2011 answers 404 to a longer one, so a long `or` chain (an `in` lookup with many values,
   * the import of many related GUIDs) is split into several list requests whose rows are merged;
   * a long part that cannot be split (under `not` …) is left out of `$filter`, as a condition on a
   * local-only field is, and the local store gives the exact answer. @default 2000
   */
  maxUrlLength?: number;
  /** The history table. @default 'cdms_sync_history' */
  historyTable?: string;
  /**
   * The state table of backfill, poll and reconcile (`createSyncStateTables` in `@cdms-sync/knex`);
   * its ranges live in `${stateTable}_range`. @default 'cdms_sync_state'
   */
  stateTable?: string;
}

/**
 * The object `createSync` returns: registers models, scopes the acting user, and runs the
 * migration operations (`backfill`, `poll`, `startPolling`, `reconcile`, `status`).
 */
export interface Sync extends SyncOperations {
  /**
   * Bind models to this Sync (each model to one Sync only); returns the Sync for chaining. A model
   * without a `static migrator` is a plain local model: every call behaves as with `skipCdms()`.
   */
  register(...models: ModelClass[]): Sync;
  /**
   * Run `fn` with the acting user, a comment (both recorded in history) and optionally a CDMS
   * client of that user. The context follows `fn`'s async calls and is invisible to other Syncs.
   */
  runAs<T>(context: SyncContext, fn: () => T): T;
  /** The history of one object, or of `Model`'s row `id`, or of the whole model; newest first. */
  history(target: SyncedModel | ModelClass, id?: number): Promise<HistoryEntry[]>;
  /** Close the local store. */
  close(): Promise<void>;
}

/**
 * Wire a local store and a CDMS client together.
 *
 * @example
 * ```ts
 * const sync = createSync({ store: knexStore(db), cdms: new CdmsClient({ baseUrl, auth }) });
 * sync.register(Organisation, Contact);
 * await sync.runAs({ user: 'alice', comment: 'import' }, () => acme.save());
 * ```
 */
export function createSync(options: SyncOptions): Sync {
  const context = new SyncContextStorage();
  const history = new HistoryRecorder(options.store, options.historyTable ?? DEFAULT_HISTORY_TABLE, context);
  const engine = new SyncEngine({
    store: options.store,
    cdms: options.cdms,
    context,
    history,
    logger: options.logger,
    syncPageLimit: options.syncPageLimit ?? 1000,
    maxUrlLength: options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH,
  });

  const registered: ModelClass[] = [];
  const { deltas, ...operations } = createSyncOperations({
    engine,
    stateTable: options.stateTable ?? DEFAULT_SYNC_STATE_TABLE,
    models: () => registered,
  });
  // Dependency inversion: the read policies (sync/) reach the poll (operations/) through DeltaSource.
  engine.useDeltaSource(deltas);

  const sync: Sync = {
    ...operations,
    register(...models) {
      for (const Model of models) {
        if (!(Model.prototype instanceof SyncedModel)) {
          throw new NotRegisteredError(`${Model.name} does not extend SyncedModel`);
        }
        // A model without a migrator is registered as a plain local model (the exit path).
        if (typeof Model.table !== 'string' || Model.table === '') {
          throw new NotRegisteredError(`${Model.name} needs a static table`);
        }
        if (isBound(Model)) {
          if (bindingOf(Model).engine === engine) continue;
          throw new NotRegisteredError(`${Model.name} is already registered with another Sync`);
        }
        const meta = new ModelMeta(Model, options.store);
        const binding: ModelBinding = { engine, meta, manager: new Manager(engine, meta) };
        Object.defineProperty(Model, MODEL_BINDING, { value: binding, enumerable: false });
        registered.push(Model);
      }
      return sync;
    },
    runAs(runContext, fn) {
      return context.run(runContext, fn);
    },
    async history(target, id) {
      const Model = (target instanceof SyncedModel ? target.constructor : target) as ModelClass;
      const { meta } = bindingOf(Model);
      if (bindingOf(Model).engine !== engine)
        throw new NotRegisteredError(`${Model.name} belongs to another Sync`);
      const rowId = target instanceof SyncedModel ? target.id : id;
      return history.list(meta.table, rowId);
    },
    close() {
      return options.store.close();
    },
  };
  return sync;
}
