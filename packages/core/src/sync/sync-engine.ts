import type { CdmsLogger } from '@cdms-sync/cdms-client';
import type { SyncContextStorage } from '../context/sync-context';
import type { HistoryRecorder } from '../history/history-recorder';
import type { ModelMeta } from '../model/model-meta';
import type { DeleteOptions, SaveOptions, SyncedModel } from '../model/synced-model';
import type { LocalStore, Row } from '../store/local-store';
import { aggregateMatching } from './aggregate-matching';
import type { CdmsSyncClient } from './cdms-sync-client';
import type { DeltaSource } from './delta-source';
import type { ImportFailures } from './import-failures';
import { syncAndFind, syncMatching } from './list-sync';
import { type PreparedQuery, prepareQuery } from './prepare-query';
import type { QueryState } from './query-state';
import { getObject } from './read-through';
import { loadRelated, reloadInstance } from './reload-instance';
import { SingleFlight } from './single-flight';
import type { SyncServices } from './sync-services';
import type { WriteLane } from './write-lane';
import {
  bulkCreate,
  createObject,
  deleteInstance,
  deleteMatching,
  saveInstance,
  updateMatching,
} from './write-through';

/** Options of the engine, from `createSync`. @internal */
export interface SyncEngineOptions {
  readonly store: LocalStore;
  readonly cdms: CdmsSyncClient;
  readonly context: SyncContextStorage;
  readonly history: HistoryRecorder;
  readonly logger: CdmsLogger | undefined;
  readonly syncPageLimit: number;
  /** The longest list request URL; longer filters are split or relaxed (see `fitListQuery`). */
  readonly maxUrlLength: number;
  readonly importFailures: ImportFailures;
  readonly writeLane: WriteLane;
}

/**
 * The sync engine: what `QuerySet`, `Manager` and `SyncedModel` call, one per Sync. It holds what
 * the parts share (`SyncServices`) and hands each call to its part: `prepare-query` (validate and
 * compile), `list-sync` (lists, with `reconcile`), `read-through` (`get`), `write-through`
 * (`create`, `save`, `delete`) and the local-only paths of `skipCdms`.
 * @internal
 */
export class SyncEngine implements SyncServices {
  readonly store: LocalStore;
  readonly context: SyncContextStorage;
  readonly history: HistoryRecorder;
  readonly logger: CdmsLogger | undefined;
  readonly syncPageLimit: number;
  readonly maxUrlLength: number;
  readonly singleFlight = new SingleFlight();
  #deltas: DeltaSource | undefined;
  readonly importFailures: ImportFailures;
  readonly writeLane: WriteLane;
  readonly #defaultCdms: CdmsSyncClient;

  constructor(options: SyncEngineOptions) {
    this.store = options.store;
    this.context = options.context;
    this.history = options.history;
    this.logger = options.logger;
    this.syncPageLimit = options.syncPageLimit;
    this.maxUrlLength = options.maxUrlLength;
    this.importFailures = options.importFailures;
    this.writeLane = options.writeLane;
    this.#defaultCdms = options.cdms;
  }

  /** The incremental sync behind the `'delta'` and staleness read policies, once wired. */
  get deltas(): DeltaSource | undefined {
    return this.#deltas;
  }

  /** Wire the incremental sync (`createSync` does, with the operations' poll). */
  useDeltaSource(source: DeltaSource): void {
    this.#deltas = source;
  }

  /** The CDMS client of the current `runAs` context, or the Sync's own. */
  get cdms(): CdmsSyncClient {
    return this.context.current().cdms ?? this.#defaultCdms;
  }

  /** See {@link prepareQuery}. */
  prepare(
    meta: ModelMeta,
    state: QueryState,
    slice?: { offset: number; limit: number | undefined },
  ): Promise<PreparedQuery> {
    return prepareQuery(this, meta, state, slice);
  }

  /** See {@link syncMatching}. */
  syncMatching(meta: ModelMeta, prepared: PreparedQuery): Promise<string[]> {
    return syncMatching(this, meta, prepared);
  }

  /** See {@link syncAndFind}. */
  syncAndFind(
    meta: ModelMeta,
    prepared: PreparedQuery,
    slice: { offset: number; limit: number | undefined },
    fields?: readonly string[],
  ): Promise<Row[]> {
    return syncAndFind(this, meta, prepared, slice, fields);
  }

  /** See {@link getObject}. */
  get<T extends SyncedModel>(meta: ModelMeta<T>, state: QueryState): Promise<T> {
    return getObject(this, meta, state);
  }

  /** See {@link aggregateMatching}. */
  aggregate(
    meta: ModelMeta,
    state: QueryState,
    aggregations: Readonly<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    return aggregateMatching(this, meta, state, aggregations);
  }

  /** See {@link createObject}. */
  create<T extends SyncedModel>(
    meta: ModelMeta<T>,
    values: Record<string, unknown>,
    skipCdms: boolean,
  ): Promise<T> {
    return this.writeLane.run(() => createObject(this, meta, values, skipCdms));
  }

  /** See {@link bulkCreate}. */
  bulkCreate<T extends SyncedModel>(
    meta: ModelMeta<T>,
    objects: readonly Record<string, unknown>[],
    skipCdms: boolean,
  ): Promise<T[]> {
    return this.writeLane.run(() => bulkCreate(this, meta, objects, skipCdms));
  }

  /** See {@link saveInstance}. */
  saveInstance<T extends SyncedModel>(meta: ModelMeta<T>, instance: T, options: SaveOptions): Promise<void> {
    return this.writeLane.run(() => saveInstance(this, meta, instance, options));
  }

  /** See {@link deleteInstance}. */
  deleteInstance<T extends SyncedModel>(
    meta: ModelMeta<T>,
    instance: T,
    options: DeleteOptions,
  ): Promise<void> {
    return this.writeLane.run(() => deleteInstance(this, meta, instance, options));
  }

  /** See {@link updateMatching}. */
  updateMatching(meta: ModelMeta, state: QueryState, values: Record<string, unknown>): Promise<number> {
    return this.writeLane.run(() => updateMatching(this, meta, state, values));
  }

  /** See {@link deleteMatching}. */
  deleteMatching(meta: ModelMeta, state: QueryState): Promise<number> {
    return this.writeLane.run(() => deleteMatching(this, meta, state));
  }

  /** Run `fn` in one local transaction, in a turn of the write lane (used by `getOrCreate` / `updateOrCreate`). */
  transaction<R>(fn: () => Promise<R>): Promise<R> {
    return this.writeLane.run(() => this.store.transaction(fn));
  }

  /** See {@link reloadInstance}. */
  reloadInstance<T extends SyncedModel>(meta: ModelMeta<T>, instance: T): Promise<void> {
    return reloadInstance(this.store, meta, instance);
  }

  /** See {@link loadRelated}. */
  loadRelated<T extends SyncedModel>(
    meta: ModelMeta<T>,
    instance: T,
    field: string,
  ): Promise<SyncedModel | null> {
    return loadRelated(this.store, meta, instance, field);
  }
}
