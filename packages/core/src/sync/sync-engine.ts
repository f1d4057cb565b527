import { randomUUID } from 'node:crypto';
import type { CdmsEntity, CdmsListQuery, CdmsLogger } from '@cdms-sync/cdms-client';
import type { SyncContextStorage } from '../context/sync-context';
import {
  ConflictError,
  DoesNotExistError,
  FieldError,
  MultipleObjectsReturnedError,
  NotSupportedError,
  ObjectsNotInSyncError,
} from '../errors/errors';
import { CDMS_DELETED_COMMENT, CDMS_REFRESH_USER, type HistoryAuthor } from '../history/history-entry';
import type { HistoryRecorder } from '../history/history-recorder';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import { type ModelMeta, type ResolvedModel, VERSION_ATTRIBUTE, VERSION_FIELD } from '../model/model-meta';
import type { DeleteOptions, SaveOptions, SyncedModel } from '../model/synced-model';
import { compileODataQuery } from '../odata/compile-odata-query';
import { type FittedListQueries, fitListQuery, listUrlLength } from '../odata/fit-list-query';
import { compare, orAll, property, value } from '../odata/odata-tree';
import { isAggregation } from '../query/aggregation';
import { buildOrderBy, buildWhere } from '../query/build-where';
import { normaliseGuid } from '../query/guid';
import type { OrderByTerm, WhereNode } from '../query/where-node';
import type { LocalStore, Row, StoreAggregation, SyncedRow } from '../store/local-store';
import type { CdmsSyncClient } from './cdms-sync-client';
import type { QueryState } from './query-state';
import { cdmsPkEquality, toStoreOrderBy, toStoreWhere, whereEquals, whereIn } from './store-where';

/** The base fields every synced table has; never sent to CDMS as mapped values. */
const BASE_FIELDS: ReadonlySet<string> = new Set(['id', 'cdmsPk', 'created', 'modified']);

/** How deep foreign keys of imported related records are followed. */
const MAX_RELATED_DEPTH = 3;

/** The author of the history entry of a local row removed because its record was deleted in CDMS. */
const DELETED_IN_CDMS: HistoryAuthor = { user: CDMS_REFRESH_USER, comment: CDMS_DELETED_COMMENT };

/** A query ready to run: validated, with the local where tree and (in CDMS mode) the compiled OData query. */
export interface PreparedQuery {
  readonly resolved: ResolvedModel;
  /** The where tree as built (foreign keys hold related keys). */
  readonly where: WhereNode;
  /** The where tree for the local store (foreign keys compare local ids). */
  readonly storeWhere: WhereNode;
  /** The user's ordering. */
  readonly orderBy: readonly OrderByTerm[];
  /** The local ordering: the user's (or `modified`, as CDMS's default `ModifiedOn asc`), then `id`. */
  readonly storeOrderBy: readonly OrderByTerm[];
  /** The CDMS list query, absent with `skipCdms`, `none()`, or when the filter matches nothing. */
  readonly cdms: { readonly queries: readonly CdmsListQuery[]; readonly exact: boolean } | undefined;
  readonly matchesNothing: boolean;
}

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
}

/**
 * The sync engine: read-through (`get`, lists), write-through (`create`, `save`, `delete`) and
 * the local-only paths of `skipCdms`. One per Sync.
 * @internal
 */
export class SyncEngine {
  readonly store: LocalStore;
  readonly context: SyncContextStorage;
  readonly history: HistoryRecorder;
  readonly syncPageLimit: number;
  readonly maxUrlLength: number;
  readonly #defaultCdms: CdmsSyncClient;
  readonly #logger: CdmsLogger | undefined;

  constructor(options: SyncEngineOptions) {
    this.store = options.store;
    this.context = options.context;
    this.history = options.history;
    this.syncPageLimit = options.syncPageLimit;
    this.maxUrlLength = options.maxUrlLength;
    this.#defaultCdms = options.cdms;
    this.#logger = options.logger;
  }

  /** The CDMS client of the current `runAs` context, or the Sync's own. */
  get cdms(): CdmsSyncClient {
    return this.context.current().cdms ?? this.#defaultCdms;
  }

  // ---------------------------------------------------------------- preparing queries

  /**
   * Validate a query state and compile its OData query. Runs before any request or write, so an
   * unsupported filter fails with `NotSupportedError` and nothing sent.
   */
  async prepare(
    meta: ModelMeta,
    state: QueryState,
    slice?: { offset: number; limit: number | undefined },
  ): Promise<PreparedQuery> {
    const resolved = await meta.resolve();
    const children: WhereNode[] = state.filters.map((step) => {
      const node = buildWhere(step.input as never, resolved.schema);
      return step.negate ? { kind: 'not', child: node } : node;
    });
    const where: WhereNode = children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
    const orderBy = state.orderBy.length > 0 ? buildOrderBy(state.orderBy as never, resolved.schema) : [];
    const storeOrderBy = withTiebreak(
      toStoreOrderBy(orderBy.length > 0 ? orderBy : [{ field: 'modified', direction: 'asc' }], resolved),
    );
    const storeWhere = toStoreWhere(where, resolved);
    const offset = slice?.offset ?? state.offset;
    const limit = slice ? slice.limit : state.limit;
    if (state.none || limit === 0) {
      return { resolved, where, storeWhere, orderBy, storeOrderBy, cdms: undefined, matchesNothing: true };
    }
    if (state.skipCdms || !meta.synced) {
      return { resolved, where, storeWhere, orderBy, storeOrderBy, cdms: undefined, matchesNothing: false };
    }
    const compiled = compileODataQuery({ where, orderBy, offset, limit }, resolved.schema);
    if (compiled.matchesNothing) {
      return { resolved, where, storeWhere, orderBy, storeOrderBy, cdms: undefined, matchesNothing: true };
    }
    const query = { ...compiled.query, select: resolved.selectAttributes };
    const fitted = this.#fitListQuery(meta, query);
    return {
      resolved,
      where,
      storeWhere,
      orderBy,
      storeOrderBy,
      cdms: { queries: fitted.queries, exact: compiled.exact && fitted.exact },
      matchesNothing: false,
    };
  }

  /** Split (or relax) a list query whose URL would be longer than `maxUrlLength`. */
  #fitListQuery(meta: ModelMeta, query: CdmsListQuery): FittedListQueries {
    const prefix = `${this.cdms.serviceRoot ?? ''}/${meta.migrator.service}Set?`;
    const fitted = fitListQuery(query, {
      maxUrlLength: this.maxUrlLength,
      urlLengthOf: (candidate) => listUrlLength(prefix, candidate),
    });
    if (fitted.strategy !== 'fits') {
      this.#logger?.debug('CDMS list request too long for one URL', {
        model: meta.Model.name,
        strategy: fitted.strategy,
        requests: fitted.queries.length,
      });
    }
    return fitted;
  }

  // ---------------------------------------------------------------- read-through

  /**
   * Bring the CDMS rows matching a prepared query into the local store: one list request, then the
   * `__next` pages up to the slice's `$top` or `syncPageLimit` rows, one `upsertIfNewer` per page.
   * Then, when the listing is known to hold every matching CDMS record, the local rows it left out
   * are reconciled (see `#reconcile`). Returns the GUIDs listed.
   */
  async syncMatching(meta: ModelMeta, prepared: PreparedQuery): Promise<string[]> {
    const listed: string[] = [];
    if (!prepared.cdms) return listed;
    let complete = prepared.cdms.exact;
    for (const query of prepared.cdms.queries) {
      const listedAll = await this.#syncList(meta, query, listed);
      // A slice lists only its window: rows outside it are missing from the listing, not from CDMS.
      complete &&= listedAll && query.top === undefined && (query.skip ?? 0) === 0;
    }
    if (complete) await this.#reconcile(meta, prepared, listed);
    return listed;
  }

  /**
   * After a complete listing (exact filter, no slice, not cut by `syncPageLimit`): the local rows that
   * match the query and have a `cdmsPk` but were not listed are stale, because CDMS lists every
   * record that matches. Usually there are none, and nothing more is sent. Otherwise their GUIDs are
   * listed (`{Key} eq guid'…' or …`, one request per URL-length-fitted chunk, never one GET per row):
   * a record CDMS returns changed so that it no longer matches, and is refreshed (`cdms-refresh`);
   * a GUID CDMS does not return was deleted in CDMS, and its local row is deleted (history
   * `delete`, user `cdms`, comment "Deleted in CDMS"). Rows without `cdmsPk` (written only with
   * `skipCdms`) are never touched.
   */
  async #reconcile(meta: ModelMeta, prepared: PreparedQuery, listed: readonly string[]): Promise<void> {
    const listedGuids = new Set(listed);
    const hasCdmsPk: WhereNode = { kind: 'lookup', field: 'cdmsPk', lookup: 'isnull', value: false };
    const local = await this.store.find(meta.table, {
      where: { kind: 'and', children: [prepared.storeWhere, hasCdmsPk] },
      orderBy: [{ field: 'id', direction: 'asc' }],
      fields: ['id', 'cdmsPk'],
    });
    const stale = new Map<string, Row>();
    for (const row of local) {
      const guid = normaliseGuid(row.cdmsPk);
      if (guid !== undefined && !listedGuids.has(guid)) stale.set(guid, row);
    }
    if (stale.size === 0) return;
    const remote: CdmsEntity[] = [];
    for await (const entities of this.#pagesByGuids(meta, [...stale.keys()])) remote.push(...entities);
    const found = new Set(remote.map((entity) => normaliseGuid(entity[meta.migrator.primaryKeyAttribute])));
    const deleted = [...stale].filter(([guid]) => !found.has(guid)).map(([, row]) => row);
    this.#logger?.debug('CDMS reconciliation of rows a complete list left out', {
      model: meta.Model.name,
      changed: remote.length,
      deleted: deleted.length,
    });
    await this.store.transaction(async () => {
      await this.importEntities(meta, remote, 0);
      await this.#dropDeletedInCdms(meta, deleted);
    });
  }

  /**
   * Delete local rows whose CDMS records were deleted in CDMS, with one history entry `delete` each
   * (user `cdms`, comment "Deleted in CDMS"), in one transaction and one statement when possible.
   * A row the store refuses to delete (another table still references it) is kept, with a warning:
   * a read must not fail because of it.
   */
  async #dropDeletedInCdms(meta: ModelMeta, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const deleteRows = async (ids: readonly unknown[]) => {
      const stored = await this.store.find(meta.table, {
        where: whereIn('id', ids),
        orderBy: [{ field: 'id', direction: 'asc' }],
        forUpdate: true,
      });
      if (stored.length === 0) return;
      await this.store.delete(meta.table, whereIn('id', ids));
      await this.history.recordMany(meta.table, stored, 'delete', DELETED_IN_CDMS);
    };
    const ids = rows.map((row) => row.id);
    await this.store.transaction(async () => {
      try {
        // Nested: a savepoint, so a refused DELETE leaves the outer transaction usable.
        await this.store.transaction(() => deleteRows(ids));
        this.#logger?.info('Deleted in CDMS: local rows removed', {
          model: meta.Model.name,
          cdmsPks: rows.map((row) => row.cdmsPk),
        });
      } catch {
        // One row may be refused (a foreign key still points at it): delete the others one by one.
        for (const row of rows) {
          try {
            await this.store.transaction(() => deleteRows([row.id]));
          } catch (rowError) {
            this.#logger?.warn('Deleted in CDMS, but the local row could not be deleted; kept', {
              model: meta.Model.name,
              cdmsPk: row.cdmsPk,
              error: rowError instanceof Error ? rowError.message : String(rowError),
            });
          }
        }
      }
    });
  }

  /**
   * `syncMatching`, then the rows from the local store. When CDMS applied the slice's offset
   * (`$skip`), the rows before it may not be local, so a local OFFSET would skip the wrong rows:
   * the answer is then the listed records, in the local order, with the slice's limit only.
   */
  async syncAndFind(
    meta: ModelMeta,
    prepared: PreparedQuery,
    slice: { offset: number; limit: number | undefined },
    fields?: readonly string[],
  ): Promise<Row[]> {
    if (prepared.matchesNothing) return [];
    const listed = await this.syncMatching(meta, prepared);
    const [only, ...others] = prepared.cdms?.queries ?? [];
    if (only?.skip === undefined || only.skip === 0 || others.length > 0) {
      return this.findLocal(meta, prepared, slice, fields);
    }
    const storeWhere: WhereNode = { kind: 'and', children: [prepared.storeWhere, whereIn('cdmsPk', listed)] };
    return this.findLocal(meta, { ...prepared, storeWhere }, { offset: 0, limit: slice.limit }, fields);
  }

  /**
   * One list request and its `__next` pages, up to `query.top` or `syncPageLimit` rows. Resolves
   * true when every row CDMS had to give was taken (no row or page was left because of the cap).
   */
  async #syncList(meta: ModelMeta, query: CdmsListQuery, listed: string[]): Promise<boolean> {
    const cap = query.top ?? this.syncPageLimit;
    let seen = 0;
    for await (const page of this.cdms.pages(meta.migrator.service, query)) {
      const entities = page.results.slice(0, Math.max(0, cap - seen));
      seen += page.results.length;
      await this.importEntities(meta, entities, 0);
      for (const entity of entities) {
        const guid = normaliseGuid(entity[meta.migrator.primaryKeyAttribute]);
        if (guid !== undefined) listed.push(guid);
      }
      if (seen >= cap) {
        const cut = seen > cap || Boolean(page.next);
        if (cut && cap === this.syncPageLimit) {
          this.#logger?.warn('CDMS sync stopped at syncPageLimit; later rows were not refreshed', {
            model: meta.Model.name,
            syncPageLimit: this.syncPageLimit,
          });
        }
        return !cut;
      }
    }
    return true;
  }

  /** Rows of a prepared query from the local store (after `syncMatching`). */
  async findLocal(
    meta: ModelMeta,
    prepared: PreparedQuery,
    slice: { offset: number; limit: number | undefined },
    fields?: readonly string[],
  ): Promise<Row[]> {
    if (prepared.matchesNothing) return [];
    return this.store.find(meta.table, {
      where: prepared.storeWhere,
      orderBy: prepared.storeOrderBy,
      ...(slice.offset > 0 ? { offset: slice.offset } : {}),
      ...(slice.limit !== undefined ? { limit: slice.limit } : {}),
      ...(fields ? { fields } : {}),
    });
  }

  /**
   * `get(…)`: the local store decides DoesNotExist / MultipleObjectsReturned; then one GET
   * (`$select` of the mapped attributes) and a refresh when CDMS is newer.
   *
   * Decisions: a CDMS 404 for an existing local row means the record was deleted in CDMS: the stale
   * local row is deleted (history `delete`, user `cdms`, comment "Deleted in CDMS") and
   * `DoesNotExistError` raised (cause: the `CdmsNotFoundError`); a local row without `cdmsPk`
   * (written only with `skipCdms`) is returned without a request.
   */
  async get<T extends SyncedModel>(meta: ModelMeta<T>, state: QueryState): Promise<T> {
    const prepared = await this.prepare(meta, state);
    const label = `${meta.Model.name} matching the query`;
    if (prepared.matchesNothing && !state.none) {
      throw new DoesNotExistError(`${label} does not exist`);
    }
    const rows = state.none
      ? []
      : await this.findLocal(meta, prepared, {
          offset: state.offset,
          limit: state.limit === undefined ? 2 : Math.min(state.limit, 2),
        });
    if (rows.length > 1) {
      const count = await this.store.count(meta.table, prepared.storeWhere);
      throw new MultipleObjectsReturnedError(
        `get() returned more than one ${meta.Model.name}: it returned ${count}`,
      );
    }
    const [row] = rows;
    if (!row) {
      const cdmsPk = state.none ? undefined : cdmsPkEquality(prepared.where);
      if (cdmsPk !== undefined && !state.skipCdms) return this.#importOne(meta, cdmsPk);
      throw new DoesNotExistError(`${label} does not exist`);
    }
    if (state.skipCdms || typeof row.cdmsPk !== 'string') return meta.instantiate(row);
    return meta.instantiate(await this.#refreshOne(meta, row));
  }

  /**
   * Compare one local row with its CDMS record and refresh it when CDMS is newer. A 404 deletes the
   * stale local row (`#dropDeletedInCdms`, the one path of `get`, `getOrCreate`, `updateOrCreate`)
   * and raises `DoesNotExistError`.
   */
  async #refreshOne(meta: ModelMeta, row: Row): Promise<Row> {
    const cdmsPk = row.cdmsPk as string;
    let entity: CdmsEntity;
    try {
      entity = await this.#fetchOne(meta, cdmsPk);
    } catch (error) {
      if (error instanceof DoesNotExistError && isCdmsNotFound(error.cause)) {
        await this.#dropDeletedInCdms(meta, [row]);
      }
      throw error;
    }
    const remote = meta.migrator.fromCdms(entity);
    const remoteModified = toTime(remote.modified);
    const localModified = toTime(row.modified);
    const resolved = await meta.resolve();
    if (remoteModified === localModified && !(resolved.versioned && isNewerVersion(entity, row))) return row;
    if (remoteModified < localModified) {
      throw new ObjectsNotInSyncError(
        `${meta.Model.name} ${cdmsPk}: the local row (modified ${isoOf(row.modified)}) is newer than CDMS (ModifiedOn ${isoOf(remote.modified)})`,
      );
    }
    const [stored] = await this.importEntities(meta, [entity], 0);
    if (stored) return stored;
    const [refreshed] = await this.store.find(meta.table, { where: whereEquals('id', row.id) });
    return refreshed ?? row;
  }

  /** `get({ cdmsPk })` without a local row: GET the record and import it. */
  async #importOne<T extends SyncedModel>(meta: ModelMeta<T>, cdmsPk: string): Promise<T> {
    const entity = await this.#fetchOne(meta, cdmsPk);
    const [stored] = await this.importEntities(meta, [entity], 0);
    const [row] = stored
      ? [stored]
      : await this.store.find(meta.table, { where: whereEquals('cdmsPk', normaliseGuid(cdmsPk) ?? cdmsPk) });
    if (!row) throw new DoesNotExistError(`${meta.Model.name} with cdmsPk ${cdmsPk} does not exist`);
    return meta.instantiate(row);
  }

  /** GET one record with the mapped attributes; a 404 becomes `DoesNotExistError`. */
  async #fetchOne(meta: ModelMeta, cdmsPk: string): Promise<CdmsEntity> {
    try {
      const { selectAttributes } = await meta.resolve();
      return await this.cdms.get(meta.migrator.service, cdmsPk, { select: selectAttributes });
    } catch (error) {
      if (isCdmsNotFound(error)) {
        throw new DoesNotExistError(`${meta.Model.name} with cdmsPk ${cdmsPk} does not exist in CDMS`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Decode CDMS entities and upsert them (only where newer) in one transaction, with a
   * `cdms-refresh` history entry for each inserted or updated row (one multi-row history insert per
   * call, i.e. per list page). Foreign key GUIDs become local
   * ids; related records missing locally are imported with as few list requests as the URL
   * limit allows (one `or` chain of GUIDs, split by `fitListQuery`). Resolves the inserted and
   * updated rows as stored (taken from `UpsertResult.stored` when the store returns them, else read
   * back once).
   */
  async importEntities(meta: ModelMeta, entities: readonly CdmsEntity[], depth: number): Promise<Row[]> {
    if (entities.length === 0) return [];
    const resolved = await meta.resolve();
    const rows = await this.#toLocalRows(meta, resolved, entities, depth);
    return this.store.transaction(async () => {
      const result = await this.store.upsertIfNewer(meta.table, rows);
      const versionRefreshed =
        resolved.versioned && result.unchanged.length > 0
          ? await this.#refreshNewerVersions(meta, rows, result.unchanged)
          : [];
      const readBack = result.stored
        ? versionRefreshed
        : [...result.inserted, ...result.updated, ...versionRefreshed];
      const stored = [
        ...(result.stored ?? []),
        ...(readBack.length > 0
          ? await this.store.find(meta.table, {
              where: whereIn('cdmsPk', readBack),
              orderBy: [{ field: 'id', direction: 'asc' }],
            })
          : []),
      ];
      if (stored.length === 0) return stored;
      await this.history.recordMany(meta.table, stored, 'cdms-refresh');
      this.#logger?.debug('CDMS refresh', {
        model: meta.Model.name,
        inserted: result.inserted.length,
        updated: result.updated.length,
      });
      return stored;
    });
  }

  /**
   * CDMS entities -> local rows: mapped fields decoded, `cdmsVersion` when the table has it, and
   * foreign key GUIDs replaced by local ids (related records missing locally are imported first).
   */
  async #toLocalRows(
    meta: ModelMeta,
    resolved: ResolvedModel,
    entities: readonly CdmsEntity[],
    depth: number,
  ): Promise<SyncedRow[]> {
    const rows: SyncedRow[] = [];
    for (const entity of entities) {
      const decoded = meta.migrator.fromCdms(entity) as Row;
      const row: Row = {};
      for (const [field, value] of Object.entries(decoded)) {
        if (resolved.foreignKeys.has(field) || resolved.localFields.has(field)) row[field] = value;
      }
      row.cdmsPk = normaliseGuid(row.cdmsPk) ?? row.cdmsPk;
      if (resolved.versioned) row[VERSION_FIELD] = versionOf(entity) ?? null;
      rows.push(row as SyncedRow);
    }
    for (const foreignKey of resolved.foreignKeys.values()) {
      const guids = [...new Set(rows.map((row) => normaliseGuid(row[foreignKey.field])).filter(isString))];
      const ids = await this.#localIdsOf(foreignKey.related(), guids, depth);
      for (const row of rows) {
        const guid = normaliseGuid(row[foreignKey.field]);
        delete row[foreignKey.field];
        row[foreignKey.localField] = guid === undefined ? null : (ids.get(guid) ?? null);
        if (guid !== undefined && !ids.has(guid)) {
          this.#logger?.warn('Related CDMS record not found; foreign key left empty', {
            model: meta.Model.name,
            field: foreignKey.field,
            cdmsPk: guid,
          });
        }
      }
    }
    return rows;
  }

  /**
   * Rows `upsertIfNewer` left alone because `ModifiedOn` equals the local `modified`, but whose
   * `VersionNumber` is greater (two CDMS writes within one second): update them too. The UPDATE is
   * guarded by `modified`, so a concurrent newer refresh is never overwritten. Returns their GUIDs.
   */
  async #refreshNewerVersions(
    meta: ModelMeta,
    rows: readonly SyncedRow[],
    unchanged: readonly string[],
  ): Promise<string[]> {
    const byGuid = new Map(rows.map((row) => [String(row.cdmsPk).toLowerCase(), row]));
    const stored = await this.store.find(meta.table, {
      where: whereIn('cdmsPk', unchanged),
      fields: ['id', 'cdmsPk', 'modified', VERSION_FIELD],
    });
    const refreshed: string[] = [];
    for (const local of stored) {
      const remote = byGuid.get(String(local.cdmsPk).toLowerCase());
      if (!remote || toTime(remote.modified) !== toTime(local.modified)) continue;
      if (!isNewerVersion({ [VERSION_ATTRIBUTE]: remote[VERSION_FIELD] }, local)) continue;
      const { cdmsPk: _cdmsPk, ...values } = remote;
      const where: WhereNode = {
        kind: 'and',
        children: [whereEquals('id', local.id), whereEquals('modified', local.modified)],
      };
      if ((await this.store.update(meta.table, where, values)) > 0) refreshed.push(String(local.cdmsPk));
    }
    return refreshed;
  }

  /** Local ids of `Model` rows by CDMS GUID, importing the missing ones from CDMS first. */
  async #localIdsOf(
    Model: ModelClass,
    guids: readonly string[],
    depth: number,
  ): Promise<Map<string, unknown>> {
    const ids = new Map<string, unknown>();
    if (guids.length === 0) return ids;
    const { meta } = bindingOf(Model);
    const lookUp = async (wanted: readonly string[]) => {
      const rows = await this.store.find(meta.table, {
        where: whereIn('cdmsPk', wanted),
        fields: ['id', 'cdmsPk'],
      });
      for (const row of rows) ids.set(String(row.cdmsPk).toLowerCase(), row.id);
    };
    await lookUp(guids);
    const missing = guids.filter((guid) => !ids.has(guid));
    if (missing.length === 0 || depth >= MAX_RELATED_DEPTH) return ids;
    for await (const entities of this.#pagesByGuids(meta, missing)) {
      await this.importEntities(meta, entities, depth + 1);
    }
    await lookUp(missing);
    return ids;
  }

  /**
   * The CDMS records of `guids`, page by page: one `{Key} eq guid'…' or …` chain with the mapped
   * attributes, split into as few list requests as the URL limit allows (never one GET per record).
   * A GUID whose record was deleted in CDMS is simply not returned.
   */
  async *#pagesByGuids(meta: ModelMeta, guids: readonly string[]): AsyncGenerator<readonly CdmsEntity[]> {
    if (guids.length === 0) return;
    const filter = orAll(
      guids.map((guid) =>
        compare('eq', property(meta.migrator.primaryKeyAttribute), value({ kind: 'guid', value: guid })),
      ),
    );
    const { selectAttributes } = await meta.resolve();
    const fitted = this.#fitListQuery(meta, { filter, select: selectAttributes });
    for (const query of fitted.queries) {
      for await (const page of this.cdms.pages(meta.migrator.service, query)) yield page.results;
    }
  }

  // ---------------------------------------------------------------- write-through

  /**
   * Insert a new row: local INSERT (client-generated GUID as `cdmsPk`), POST carrying
   * `{Service}Id` (a retried POST cannot create a second record), store the returned
   * `CreatedOn`/`ModifiedOn`, history `local`; one transaction.
   */
  async create<T extends SyncedModel>(
    meta: ModelMeta<T>,
    values: Record<string, unknown>,
    skipCdms: boolean,
  ): Promise<T> {
    const resolved = await meta.resolve();
    const row = await this.#toLocalRow(meta, resolved, values);
    const given = new Set(Object.keys(row));
    const stored = await this.store.transaction(async () =>
      this.#insertRow(meta, resolved, row, given, skipCdms),
    );
    return meta.instantiate(stored);
  }

  async #insertRow(
    meta: ModelMeta,
    resolved: ResolvedModel,
    row: Row,
    given: ReadonlySet<string>,
    skipCdms: boolean,
  ): Promise<Row> {
    const now = new Date();
    if (skipCdms) {
      const inserted = await this.store.insert(meta.table, {
        ...row,
        created: row.created ?? now,
        modified: row.modified ?? now,
      });
      await this.history.record(meta.table, inserted, 'local');
      return inserted;
    }
    const cdmsPk = normaliseGuid(row.cdmsPk) ?? randomUUID();
    const inserted = await this.store.insert(meta.table, { ...row, cdmsPk, created: now, modified: now });
    const synced = await this.#postRow(meta, resolved, inserted, given);
    await this.history.record(meta.table, synced, 'local');
    return synced;
  }

  /** POST a locally inserted row to CDMS and store `CreatedOn`/`ModifiedOn`. */
  async #postRow(
    meta: ModelMeta,
    resolved: ResolvedModel,
    inserted: Row,
    given: ReadonlySet<string>,
  ): Promise<Row> {
    const mapped = resolved.mappedFields.filter((field) => {
      const foreignKey = resolved.foreignKeys.get(field);
      return given.has(foreignKey ? foreignKey.localField : field);
    });
    const body = {
      ...(await this.#toCdmsBody(meta, resolved, inserted, mapped)),
      [meta.migrator.primaryKeyAttribute]: inserted.cdmsPk,
    };
    const created = await this.cdms.create(meta.migrator.service, body);
    const timestamps: Row = {
      created: timestampOf(created, 'CreatedOn'),
      modified: timestampOf(created, 'ModifiedOn'),
      ...(resolved.versioned ? { [VERSION_FIELD]: versionOf(created) ?? null } : {}),
    };
    await this.store.update(meta.table, whereEquals('id', inserted.id), timestamps);
    return { ...inserted, ...timestamps };
  }

  /**
   * Save an object. A new one (no `id`) is created. An existing one sends only what changed since it
   * was loaded (or last saved): the row is locked, the changed mapped fields are MERGEd, the mapped
   * attributes read back (2 requests), the changed fields and CDMS's values updated locally, and
   * history recorded.
   * When only local-only fields changed: 0 requests, a local UPDATE and a history entry. When nothing
   * changed: nothing is sent or written. An object that was never loaded (built with `new` and given
   * an `id`) sends every mapped field.
   */
  async saveInstance<T extends SyncedModel>(
    meta: ModelMeta<T>,
    instance: T,
    options: SaveOptions,
  ): Promise<void> {
    const resolved = await meta.resolve();
    const skipCdms = options.skipCdms === true || !meta.synced;
    const row = await this.#toLocalRow(meta, resolved, instanceValues(instance, resolved));
    if (instance.id === undefined || instance.id === null) {
      const stored = await this.store.transaction(async () =>
        this.#insertRow(meta, resolved, row, new Set(Object.keys(row)), skipCdms),
      );
      Object.assign(instance, stored);
      meta.remember(instance, stored);
      return;
    }
    const loaded = meta.loadedValues(instance);
    const changes = changedValues(row, loaded);
    const stored = await this.store.transaction(async () =>
      this.#updateRow(
        meta,
        resolved,
        instance.id,
        changes,
        {
          modified: loaded?.modified ?? instance.modified,
          version: loaded?.[VERSION_FIELD] ?? (instance as unknown as Row)[VERSION_FIELD],
        },
        { ...options, skipCdms },
      ),
    );
    Object.assign(instance, stored);
    meta.remember(instance, stored);
  }

  /**
   * Update one locked row with `row`'s fields (only those given): MERGE the mapped ones among them
   * (none: no request), then write them locally with history `local`.
   */
  async #updateRow(
    meta: ModelMeta,
    resolved: ResolvedModel,
    id: unknown,
    row: Row,
    read: { modified: unknown; version: unknown },
    options: SaveOptions,
  ): Promise<Row> {
    const [locked] = await this.store.find(meta.table, { where: whereEquals('id', id), forUpdate: true });
    if (!locked)
      throw new DoesNotExistError(`${meta.Model.name} with id ${String(id)} does not exist locally`);
    const { id: _id, cdmsPk: _cdmsPk, created: _created, modified: _modified, ...changes } = row;
    if (!options.skipCdms && typeof locked.cdmsPk !== 'string') {
      // A row written only with skipCdms reaches CDMS on its first synced save: POST it.
      const cdmsPk = randomUUID();
      await this.store.update(meta.table, whereEquals('id', id), { ...changes, cdmsPk });
      const synced = await this.#postRow(
        meta,
        resolved,
        { ...locked, ...changes, cdmsPk },
        new Set(resolved.localFields),
      );
      await this.history.record(meta.table, synced, 'local');
      return synced;
    }
    if (Object.keys(changes).length === 0) return locked;
    const mappedChanges = resolved.mappedFields.filter(
      (field) => (resolved.foreignKeys.get(field)?.localField ?? field) in changes,
    );
    if (options.skipCdms || mappedChanges.length === 0) {
      await this.store.update(meta.table, whereEquals('id', id), changes);
      const saved = { ...locked, ...changes };
      await this.history.record(meta.table, saved, 'local');
      return saved;
    }
    const service = meta.migrator.service;
    const cdmsPk = locked.cdmsPk as string;
    const conflictAttributes = resolved.versioned ? ['ModifiedOn', VERSION_ATTRIBUTE] : ['ModifiedOn'];
    if (options.detectConflicts) {
      const current = await this.cdms.get(service, cdmsPk, { select: conflictAttributes });
      if (
        toTime(timestampOf(current, 'ModifiedOn')) !== toTime(read.modified) ||
        (toVersion(read.version) !== undefined && isNewerVersion(current, { [VERSION_FIELD]: read.version }))
      ) {
        throw new ConflictError(
          `${meta.Model.name} ${cdmsPk} changed in CDMS since it was read (ModifiedOn ${isoOf(current.ModifiedOn)})`,
        );
      }
    }
    const merged = { ...locked, ...changes };
    const body = await this.#toCdmsBody(meta, resolved, merged, mappedChanges);
    await this.cdms.update(service, cdmsPk, body);
    // Read back every mapped attribute, not only ModifiedOn: fields this MERGE did not send may have
    // been changed in CDMS meanwhile, and the local row takes CDMS's ModifiedOn, so it must take
    // CDMS's values too (last write wins per field, and the stores agree).
    const readBack = await this.cdms.get(service, cdmsPk, { select: resolved.selectAttributes });
    const [remote] = await this.#toLocalRows(meta, resolved, [readBack], 0);
    const { cdmsPk: _remotePk, ...synced } = remote ?? { modified: timestampOf(readBack, 'ModifiedOn') };
    await this.store.update(meta.table, whereEquals('id', id), { ...changes, ...synced });
    const saved = { ...merged, ...synced };
    await this.history.record(meta.table, saved, 'local');
    return saved;
  }

  /** Delete an object: lock, CDMS DELETE (a 404 counts as already deleted), local DELETE, history `delete`. */
  async deleteInstance<T extends SyncedModel>(
    meta: ModelMeta<T>,
    instance: T,
    options: DeleteOptions,
  ): Promise<void> {
    if (instance.id === undefined || instance.id === null) {
      throw new DoesNotExistError(`${meta.Model.name} object can't be deleted because it has no id`);
    }
    await meta.resolve();
    const skipCdms = options.skipCdms === true || !meta.synced;
    await this.store.transaction(async () => this.#deleteRow(meta, instance.id, skipCdms));
  }

  async #deleteRow(meta: ModelMeta, id: unknown, skipCdms: boolean): Promise<void> {
    const [locked] = await this.store.find(meta.table, { where: whereEquals('id', id), forUpdate: true });
    if (!locked)
      throw new DoesNotExistError(`${meta.Model.name} with id ${String(id)} does not exist locally`);
    if (!skipCdms && typeof locked.cdmsPk === 'string') {
      try {
        await this.cdms.delete(meta.migrator.service, locked.cdmsPk);
      } catch (error) {
        if (!isCdmsNotFound(error)) throw error;
        this.#logger?.info('CDMS record already deleted', { model: meta.Model.name, cdmsPk: locked.cdmsPk });
      }
    }
    await this.store.delete(meta.table, whereEquals('id', id));
    await this.history.record(meta.table, locked, 'delete');
  }

  /** Queryset `update(values)`: every matching row through CDMS, row by row, in one transaction. */
  async updateMatching(meta: ModelMeta, state: QueryState, values: Record<string, unknown>): Promise<number> {
    const prepared = await this.prepare(meta, state);
    if (prepared.matchesNothing) return 0;
    const resolved = prepared.resolved;
    const changes = await this.#toLocalRow(meta, resolved, values);
    for (const base of BASE_FIELDS) {
      if (base in changes) throw new FieldError(`update() cannot change ${meta.Model.name}.${base}`);
    }
    return this.store.transaction(async () => {
      const slice = { offset: state.offset, limit: state.limit };
      const rows = await this.syncAndFind(meta, prepared, slice, ['id']);
      for (const row of rows) {
        await this.#updateRow(
          meta,
          resolved,
          row.id,
          changes,
          { modified: undefined, version: undefined },
          { skipCdms: state.skipCdms },
        );
      }
      return rows.length;
    });
  }

  /** Queryset `delete()`: every matching row through CDMS, row by row, in one transaction. */
  async deleteMatching(meta: ModelMeta, state: QueryState): Promise<number> {
    const prepared = await this.prepare(meta, state);
    if (prepared.matchesNothing) return 0;
    return this.store.transaction(async () => {
      const slice = { offset: state.offset, limit: state.limit };
      const rows = await this.syncAndFind(meta, prepared, slice, ['id']);
      for (const row of rows) await this.#deleteRow(meta, row.id, state.skipCdms);
      return rows.length;
    });
  }

  /** `bulkCreate`: every object through CDMS (one POST each) in one transaction. */
  async bulkCreate<T extends SyncedModel>(
    meta: ModelMeta<T>,
    objects: readonly Record<string, unknown>[],
    skipCdms: boolean,
  ): Promise<T[]> {
    const resolved = await meta.resolve();
    const rows: Row[] = [];
    for (const values of objects) rows.push(await this.#toLocalRow(meta, resolved, values));
    const stored = await this.store.transaction(async () => {
      const result: Row[] = [];
      for (const row of rows)
        result.push(await this.#insertRow(meta, resolved, row, new Set(Object.keys(row)), skipCdms));
      return result;
    });
    return stored.map((row) => meta.instantiate(row));
  }

  /**
   * `aggregate(spec)`: validated before any I/O (store support, no slice, known fields, number fields
   * for `sum`/`avg`), then the matching rows are synced (as `count()`) and aggregated locally.
   */
  async aggregate(
    meta: ModelMeta,
    state: QueryState,
    aggregations: Readonly<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const store = this.store;
    if (!store.aggregate) {
      throw new NotSupportedError(
        `aggregate() needs a local store that can aggregate; the ${store.dialect} store cannot`,
      );
    }
    if (state.offset > 0 || state.limit !== undefined) {
      throw new NotSupportedError('aggregate() on a sliced query is not supported');
    }
    const resolved = await meta.resolve();
    const spec: Record<string, StoreAggregation> = {};
    for (const [name, aggregation] of Object.entries(aggregations)) {
      if (!isAggregation(aggregation)) {
        throw new FieldError(`aggregate(): ${name} must be Count(…), Sum(…), Avg(…), Min(…) or Max(…)`);
      }
      const field = resolved.foreignKeys.get(aggregation.field)?.localField ?? aggregation.field;
      const column = resolved.columns.find((each) => each.field === field);
      if (!column) throw new FieldError(`${meta.Model.name} has no field ${aggregation.field}`);
      if (
        (aggregation.function === 'sum' || aggregation.function === 'avg') &&
        !['integer', 'decimal', 'float'].includes(column.type)
      ) {
        throw new FieldError(
          `aggregate(): ${aggregation.function}(${aggregation.field}) needs a number field; ${meta.Model.name}.${aggregation.field} is ${column.type}`,
        );
      }
      spec[name] = { function: aggregation.function, field };
    }
    const empty = () =>
      Object.fromEntries(
        Object.entries(spec).map(([name, each]) => [name, each.function === 'count' ? 0 : null]),
      );
    if (state.none) return empty();
    const prepared = await this.prepare(meta, state);
    if (prepared.matchesNothing) return empty();
    await this.syncMatching(meta, prepared);
    return store.aggregate(meta.table, prepared.storeWhere, spec);
  }

  /** Run `fn` in one local transaction (used by `getOrCreate` / `updateOrCreate`). */
  transaction<R>(fn: () => Promise<R>): Promise<R> {
    return this.store.transaction(fn);
  }

  // ---------------------------------------------------------------- instances

  /** Reload an instance's fields from the local store. */
  async reloadInstance<T extends SyncedModel>(meta: ModelMeta<T>, instance: T): Promise<void> {
    const [row] = await this.store.find(meta.table, { where: whereEquals('id', instance.id) });
    if (!row)
      throw new DoesNotExistError(`${meta.Model.name} with id ${String(instance.id)} does not exist locally`);
    Object.assign(instance, row);
    meta.remember(instance, row);
  }

  /** The related object of a foreign key, from the local store. */
  async loadRelated<T extends SyncedModel>(
    meta: ModelMeta<T>,
    instance: T,
    field: string,
  ): Promise<SyncedModel | null> {
    const resolved = await meta.resolve();
    const foreignKey = resolved.foreignKeys.get(field);
    if (!foreignKey) throw new FieldError(`${meta.Model.name}.${field} is not a mapped foreign key`);
    const id = (instance as unknown as Row)[foreignKey.localField];
    if (id === null || id === undefined) return null;
    const related = bindingOf(foreignKey.related());
    const [row] = await this.store.find(related.meta.table, { where: whereEquals('id', id) });
    return row ? related.meta.instantiate(row) : null;
  }

  // ---------------------------------------------------------------- values

  /**
   * Values given by the caller -> a local row: a foreign key given as an object (`organisation: acme`)
   * becomes its local id (`organisationId`); unknown fields fail with `FieldError` before any I/O.
   */
  async #toLocalRow(meta: ModelMeta, resolved: ResolvedModel, values: Record<string, unknown>): Promise<Row> {
    const row: Row = {};
    for (const [field, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const foreignKey = resolved.foreignKeys.get(field);
      if (foreignKey) {
        row[foreignKey.localField] = await this.#relatedId(
          meta,
          foreignKey.field,
          foreignKey.related(),
          value,
        );
      } else if (resolved.localFields.has(field)) {
        row[field] = value;
      } else {
        throw new FieldError(`${meta.Model.name} has no field ${field}`);
      }
    }
    return row;
  }

  /** The local id of a related object given as an instance, `{ id }`, or an id. */
  async #relatedId(meta: ModelMeta, field: string, Related: ModelClass, value: unknown): Promise<unknown> {
    if (value === null) return null;
    if (typeof value === 'object') {
      const id = (value as { id?: unknown }).id;
      if (id === undefined || id === null) {
        throw new FieldError(`${meta.Model.name}.${field}: the related ${Related.name} must be saved first`);
      }
      return id;
    }
    return value;
  }

  /** The CDMS body of `fields` of a stored row: foreign keys are sent as the related row's GUID. */
  async #toCdmsBody(
    meta: ModelMeta,
    resolved: ResolvedModel,
    row: Row,
    fields: readonly string[],
  ): Promise<Record<string, unknown>> {
    const values: Row = {};
    for (const field of fields) {
      const foreignKey = resolved.foreignKeys.get(field);
      if (!foreignKey) {
        values[field] = row[field] ?? null;
        continue;
      }
      const id = row[foreignKey.localField];
      if (id === null || id === undefined) {
        values[field] = null;
        continue;
      }
      const related = bindingOf(foreignKey.related());
      const [target] = await this.store.find(related.meta.table, {
        where: whereEquals('id', id),
        fields: ['id', 'cdmsPk'],
      });
      if (!target || typeof target.cdmsPk !== 'string') {
        throw new FieldError(
          `${meta.Model.name}.${field}: the related ${related.meta.Model.name} ${String(id)} has no CDMS record (cdmsPk)`,
        );
      }
      values[field] = target.cdmsPk;
    }
    return meta.migrator.toCdms(values as never, fields as never) as Record<string, unknown>;
  }
}

/** Add `id` (in the first key's direction) so that equal keys still come back in a stable order. */
function withTiebreak(orderBy: readonly OrderByTerm[]): OrderByTerm[] {
  if (orderBy.some((term) => term.field === 'id')) return [...orderBy];
  return [...orderBy, { field: 'id', direction: orderBy[0]?.direction ?? 'asc' }];
}

/**
 * Local field values of an instance: own enumerable properties that are local fields, then a mapped
 * foreign key given as an object (`contact.organisation = acme`), which wins over `organisationId`.
 */
function instanceValues(instance: SyncedModel, resolved: ResolvedModel): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(instance)) {
    if (resolved.localFields.has(field)) values[field] = value;
  }
  for (const foreignKey of resolved.foreignKeys.values()) {
    const value = (instance as unknown as Row)[foreignKey.field];
    if (value !== undefined && Object.hasOwn(instance, foreignKey.field)) {
      delete values[foreignKey.localField];
      values[foreignKey.field] = value;
    }
  }
  return values;
}

/** The fields of `row` whose values differ from `loaded` (every field when nothing was loaded). */
function changedValues(row: Row, loaded: Readonly<Row> | undefined): Row {
  if (!loaded) return row;
  const changes: Row = {};
  for (const [field, value] of Object.entries(row)) {
    if (!sameValue(value, loaded[field])) changes[field] = value;
  }
  return changes;
}

/** Value equality as the store sees it: dates by time, JSON values by their text. */
function sameValue(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (left instanceof Date || right instanceof Date) return toTime(left) === toTime(right);
  if (typeof left === 'object' && left !== null && typeof right === 'object' && right !== null) {
    return JSON.stringify(left) === JSON.stringify(right);
  }
  return false;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isCdmsNotFound(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'CDMS_NOT_FOUND';
}

function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
  return Number.NaN;
}

function isoOf(value: unknown): string {
  const time = toTime(value);
  return Number.isNaN(time) ? String(value) : new Date(time).toISOString();
}

/** A date attribute of a CDMS response (the client decodes `/Date(ms)/` to `Date`). */
function timestampOf(entity: CdmsEntity, attribute: string): Date {
  const value = entity[attribute];
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  return new Date();
}

/**
 * CDMS `VersionNumber` of an entity, as decimal text (CRM sends the Int64 as text; text also keeps
 * history snapshots JSON-safe), when it has one.
 */
function versionOf(entity: Readonly<Record<string, unknown>>): string | undefined {
  return toVersion(entity[VERSION_ATTRIBUTE])?.toString();
}

function toVersion(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (
    (typeof value === 'string' && /^\d+$/.test(value)) ||
    (typeof value === 'number' && Number.isSafeInteger(value))
  ) {
    return BigInt(value);
  }
  return undefined;
}

/** True when the entity's `VersionNumber` is greater than the row's `cdmsVersion` (or the row has none). */
function isNewerVersion(entity: Readonly<Record<string, unknown>>, row: Readonly<Row>): boolean {
  const remote = toVersion(entity[VERSION_ATTRIBUTE]);
  if (remote === undefined) return false;
  const local = toVersion(row[VERSION_FIELD]);
  return local === undefined || remote > local;
}
