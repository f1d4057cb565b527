import type { CdmsLogger, CdmsMetadata } from '@cdms-sync/cdms-client';
import { type SyncContext, SyncContextStorage } from '../context/sync-context';
import { type ImportRowError, NotRegisteredError, ValidationError } from '../errors/errors';
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
import { describeValue } from '../query/describe-value';
import { checkSyncModels, resolveSyncMetadata, type SyncCheckOptions } from '../schema/check-sync-models';
import { createMetadataValidator, type MetadataValidationOptions } from '../schema/metadata-validator';
import type { SchemaMetadata } from '../schema/schema-metadata';
import type { SchemaProblem } from '../schema/schema-problem';
import type { LocalStore } from '../store/local-store';
import type { CdmsSyncClient } from '../sync/cdms-sync-client';
import { type ImportErrorHandler, ImportFailures } from '../sync/import-failures';
import { SyncEngine } from '../sync/sync-engine';
import { WriteLane } from '../sync/write-lane';

const DEFAULT_MAX_CONCURRENT_WRITES = 4;
const DEFAULT_WRITE_QUEUE_TIMEOUT_MS = 60_000;

/** Every numeric option must be a positive whole number (a count) or milliseconds; anything else is refused here. */
function checkSyncOptions(options: SyncOptions): void {
  if (typeof options !== 'object' || options === null || !options.store || !options.cdms) {
    throw new ValidationError('createSync needs { store, cdms }');
  }
  for (const name of [
    'syncPageLimit',
    'maxUrlLength',
    'maxConcurrentWrites',
    'writeQueueTimeoutMs',
  ] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
      throw new ValidationError(
        `createSync option ${name} must be a positive whole number, got ${describeValue(value)}`,
        {
          field: name,
        },
      );
    }
  }
  if (options.onImportError !== undefined && typeof options.onImportError !== 'function') {
    throw new ValidationError('createSync option onImportError must be a function', {
      field: 'onImportError',
    });
  }
}

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
   * Called with each CDMS record an import could not store locally (a value too long for its
   * column, a constraint …): the rest of its page is stored, and the read answers from what was
   * stored. The same errors are logged (`error`) and listed by `sync.importErrors()`.
   * @default none (logged and listed only)
   */
  onImportError?: ImportErrorHandler;
  /**
   * How many writes may run at once. Each write holds one pooled connection (and its transaction)
   * across its CDMS round trip (MERGE + GET …); the others wait without a connection, so reads keep
   * the rest of the pool however slow CDMS is. Saves' throughput is then at most
   * `maxConcurrentWrites / (CDMS round trip of one write)`.
   * @default the store's pool size minus 2 (at least 1): 3 for a pool of 5, 8 for Knex's default 10; 4 when the store does not say
   */
  maxConcurrentWrites?: number;
  /**
   * How long a write may wait for its turn (or for a connection) before it fails with
   * `WriteQueueTimeoutError` (code `WRITE_QUEUE_TIMEOUT`), having sent and written nothing.
   * @default 60000
   */
  writeQueueTimeoutMs?: number;
  /**
   * The state table of backfill, poll and reconcile (`createSyncStateTables` in `@cdms-sync/knex`);
   * its ranges live in `${stateTable}_range`. @default 'cdms_sync_state'
   */
  stateTable?: string;
  /**
   * Opt-in validation against CDMS's `$metadata`: every create/update body is checked before it is
   * sent (unknown attribute, wrong type, out of range, longer than the known maximum length ->
   * `ValidationError`, no request). The parsed document (`await client.metadata()`) or its EDMX
   * text (a cached file). Also what `sync.check()` compares with. @default no validation
   */
  metadata?: string | CdmsMetadata | SchemaMetadata;
  /** Lengths `$metadata` does not publish (CRM 2011), for validation and `check()`. @default {} */
  maxLengths?: MetadataValidationOptions['maxLengths'];
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
  /**
   * The CDMS records imports could not store locally, one per record (its latest failure), until a
   * later refresh of the record stores it. Nothing retries them by itself.
   *
   * @example
   * ```ts
   * for (const failure of sync.importErrors()) console.log(failure.model, failure.cdmsPk, failure.field, failure.cause);
   * ```
   */
  importErrors(): ImportRowError[];
  /**
   * Compares every registered model's migrator (and table) with `$metadata`: unknown entity sets or
   * attributes (with a "did you mean"), codecs that do not suit the EDM type, string lengths that
   * disagree, lookups pointing elsewhere. Resolves the problems; an empty list means all is well.
   * Uses `options.metadata`, else `createSync({ metadata })`, else `GET $metadata` through the client.
   *
   * @example
   * ```ts
   * const problems = await sync.check(); // GET $metadata (once per client)
   * console.log(formatSchemaProblems(problems));
   * ```
   */
  check(options?: SyncCheckOptions): Promise<SchemaProblem[]>;
  /**
   * The `$metadata` this Sync validates and checks against, indexed: `createSync({ metadata })`,
   * else the one its client fetches (`GET $metadata`, once per client). What `cdms-sync generate`
   * reads when given no file.
   */
  metadata(): Promise<SchemaMetadata>;
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
  checkSyncOptions(options);
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
    importFailures: new ImportFailures(options.logger, options.onImportError),
    writeLane: new WriteLane({
      maxConcurrentWrites:
        options.maxConcurrentWrites ??
        (options.store.maxConnections === undefined
          ? DEFAULT_MAX_CONCURRENT_WRITES
          : Math.max(1, options.store.maxConnections - 2)),
      timeoutMs: options.writeQueueTimeoutMs ?? DEFAULT_WRITE_QUEUE_TIMEOUT_MS,
    }),
  });

  const validateBody =
    options.metadata === undefined
      ? undefined
      : createMetadataValidator(options.metadata, { maxLengths: options.maxLengths ?? {} });
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
        const meta = new ModelMeta(Model, options.store, validateBody);
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
    importErrors() {
      return engine.importFailures.list();
    },
    check(checkOptions = {}) {
      const { models, metadata, ...rest } = checkOptions;
      return checkSyncModels(
        options.store,
        options.cdms,
        models ?? registered,
        metadata ?? options.metadata,
        {
          maxLengths: options.maxLengths ?? {},
          ...rest,
        },
      );
    },
    metadata() {
      return resolveSyncMetadata(options.cdms, options.metadata);
    },
    close() {
      return options.store.close();
    },
  };
  return sync;
}
