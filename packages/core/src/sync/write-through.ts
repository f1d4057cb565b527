import { randomUUID } from 'node:crypto';
import { ConflictError, DoesNotExistError, FieldError, ValidationError } from '../errors/errors';
import { type ModelMeta, type ResolvedModel, VERSION_ATTRIBUTE, VERSION_FIELD } from '../model/model-meta';
import type { DeleteOptions, SaveOptions, SyncedModel } from '../model/synced-model';
import { normaliseGuid } from '../query/guid';
import type { LocalStore, Row, StoreUpdate } from '../store/local-store';
import { isCdmsNotFound } from './cdms-sync-client';
import { toLocalRows } from './import-entities';
import { syncAndFind } from './list-sync';
import { prepareQuery } from './prepare-query';
import type { QueryState } from './query-state';
import { isNewerVersion, isoOf, timestampOf, toTime, toVersion, versionOf } from './record-version';
import { changedValues, instanceValues, toCdmsBody, toLocalRow } from './row-values';
import { whereEquals } from './store-where';
import type { SyncServices } from './sync-services';
import { validateRow } from './validate-row';

/** The base fields every synced table has; never sent to CDMS as mapped values. */
const BASE_FIELDS: ReadonlySet<string> = new Set(['id', 'cdmsPk', 'created', 'modified']);

/**
 * Insert a new row: values validated (before any I/O), local INSERT (client-generated GUID as
 * `cdmsPk`, or the caller's GUID) and history `local`, then POST carrying `{Service}Id` (a retried
 * POST cannot create a second record), then the returned `CreatedOn`/`ModifiedOn` stored; one
 * transaction.
 * @internal
 */
export async function createObject<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  values: Record<string, unknown>,
  skipCdms: boolean,
): Promise<T> {
  const resolved = meta.resolved ?? (await meta.resolve());
  const row = validateRow(meta, resolved, toLocalRow(meta, resolved, values), 'create');
  const stored = await services.store.transaction(async () =>
    insertRow(services, meta, resolved, row, skipCdms),
  );
  return meta.instantiate(stored);
}

/** `bulkCreate`: every object through CDMS (one POST each) in one transaction. @internal */
export async function bulkCreate<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  objects: readonly Record<string, unknown>[],
  skipCdms: boolean,
): Promise<T[]> {
  const resolved = await meta.resolve();
  const rows = objects.map((values) =>
    validateRow(meta, resolved, toLocalRow(meta, resolved, values), 'create'),
  );
  const stored = await services.store.transaction(async () => {
    const result: Row[] = [];
    for (const row of rows) result.push(await insertRow(services, meta, resolved, row, skipCdms));
    return result;
  });
  return stored.map((row) => meta.instantiate(row));
}

/**
 * Save an object. A new one (no `id`) is created. An existing one sends only what changed since it
 * was loaded (or last saved): the values are validated (before any I/O), the row is locked, the
 * changed fields written locally with their history entry, then the changed mapped fields are
 * MERGEd and the mapped attributes read back (2 requests), and CDMS's values (`ModifiedOn`,
 * `VersionNumber`, fields changed in CDMS meanwhile) applied locally; one transaction.
 * When only local-only fields changed: 0 requests, a local UPDATE and a history entry. When nothing
 * changed: nothing is sent or written. An object that was never loaded (built with `new` and given
 * an `id`) sends every mapped field.
 * @internal
 */
export async function saveInstance<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  instance: T,
  options: SaveOptions,
): Promise<void> {
  checkWriteOptions(meta, options, ['skipCdms', 'detectConflicts']);
  const resolved = meta.resolved ?? (await meta.resolve());
  const skipCdms = options.skipCdms === true || !meta.synced;
  const row = toLocalRow(meta, resolved, instanceValues(instance, resolved));
  if (instance.id === undefined || instance.id === null) {
    validateRow(meta, resolved, row, 'create');
    const stored = await services.store.transaction(async () =>
      insertRow(services, meta, resolved, row, skipCdms),
    );
    Object.assign(instance, stored);
    meta.remember(instance, stored);
    return;
  }
  const loaded = meta.loadedValues(instance);
  const changes = validateRow(meta, resolved, changedValues(row, loaded), 'update');
  const stored = await services.store.transaction(async () =>
    updateRow(
      services,
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
 * Delete an object: lock, local DELETE, history `delete`, then CDMS DELETE (a 404 counts as already
 * deleted); one transaction, so a CDMS failure rolls the local part back.
 * @internal
 */
export async function deleteInstance<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  instance: T,
  options: DeleteOptions,
): Promise<void> {
  checkWriteOptions(meta, options, ['skipCdms']);
  if (instance.id === undefined || instance.id === null) {
    throw new DoesNotExistError(`${meta.Model.name} object can't be deleted because it has no id`);
  }
  await meta.resolve();
  const skipCdms = options.skipCdms === true || !meta.synced;
  await services.store.transaction(async () => deleteRow(services, meta, instance.id, skipCdms));
}

/**
 * Queryset `update(values)`: every matching row through CDMS, row by row, in one transaction.
 * @internal
 */
export async function updateMatching(
  services: SyncServices,
  meta: ModelMeta,
  state: QueryState,
  values: Record<string, unknown>,
): Promise<number> {
  // Writes find their rows as `'always'` reads do, whatever the read policy.
  const prepared = await prepareQuery(services, meta, { ...state, readPolicy: 'always' });
  if (prepared.matchesNothing) return 0;
  const resolved = prepared.resolved;
  const changes = toLocalRow(meta, resolved, values);
  for (const base of BASE_FIELDS) {
    if (base in changes) throw new FieldError(`update() cannot change ${meta.Model.name}.${base}`);
  }
  validateRow(meta, resolved, changes, 'update');
  return services.store.transaction(async () => {
    const slice = { offset: state.offset, limit: state.limit };
    const rows = await syncAndFind(services, meta, prepared, slice, ['id']);
    for (const row of rows) {
      await updateRow(
        services,
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

/** Queryset `delete()`: every matching row through CDMS, row by row, in one transaction. @internal */
export async function deleteMatching(
  services: SyncServices,
  meta: ModelMeta,
  state: QueryState,
): Promise<number> {
  // Writes find their rows as `'always'` reads do, whatever the read policy.
  const prepared = await prepareQuery(services, meta, { ...state, readPolicy: 'always' });
  if (prepared.matchesNothing) return 0;
  return services.store.transaction(async () => {
    const slice = { offset: state.offset, limit: state.limit };
    const rows = await syncAndFind(services, meta, prepared, slice, ['id']);
    for (const row of rows) await deleteRow(services, meta, row.id, state.skipCdms);
    return rows.length;
  });
}

/** `save()`/`delete()` options: known names, boolean values; anything else fails before any I/O. */
function checkWriteOptions(meta: ModelMeta, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(`${meta.Model.name}: write options must be an object`);
  }
  for (const [name, value] of Object.entries(options)) {
    if (!known.includes(name)) {
      throw new ValidationError(
        `${meta.Model.name}: unknown write option ${name} (known: ${known.join(', ')})`,
        {
          field: name,
        },
      );
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ValidationError(`${meta.Model.name}: write option ${name} must be true or false`, {
        field: name,
      });
    }
  }
}

/** INSERT one row (history `local`); in CDMS mode then POST the fields it was given. */
async function insertRow(
  services: SyncServices,
  meta: ModelMeta,
  resolved: ResolvedModel,
  row: Row,
  skipCdms: boolean,
): Promise<Row> {
  const { store, history } = services;
  const now = new Date();
  if (skipCdms) {
    const inserted = await store.insert(meta.table, {
      ...row,
      created: row.created ?? now,
      modified: row.modified ?? now,
    });
    await history.record(meta.table, inserted, 'local');
    return inserted;
  }
  // validateRow has rejected a cdmsPk that is not a GUID: a caller-chosen key is kept as given.
  const cdmsPk = normaliseGuid(row.cdmsPk) ?? randomUUID();
  const inserted = await store.insert(meta.table, { ...row, cdmsPk, created: now, modified: now });
  const entry = await history.record(meta.table, inserted, 'local');
  const timestamps = await postRow(services, meta, resolved, inserted, new Set(Object.keys(row)));
  const synced = { ...inserted, ...timestamps };
  await completeWrite(services, [
    { table: meta.table, where: whereEquals('id', inserted.id), values: timestamps },
    history.amendment(entry, synced),
  ]);
  return synced;
}

/**
 * Completes a write with CDMS's answer: the row and its history entry, in one statement where the
 * store can (`updateMany`), else one `update` each.
 */
async function completeWrite(services: SyncServices, updates: readonly StoreUpdate[]): Promise<void> {
  const { store } = services;
  if (store.updateMany) {
    await store.updateMany(updates);
    return;
  }
  for (const { table, where, values } of updates) await store.update(table, where, values);
}

/** POST a locally inserted row to CDMS; resolves what CDMS stored (`CreatedOn`, `ModifiedOn`, version). */
async function postRow(
  services: SyncServices,
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
    ...(await toCdmsBody(services.store, meta, resolved, inserted, mapped)),
    [meta.migrator.primaryKeyAttribute]: inserted.cdmsPk,
  };
  const created = await services.cdms.create(meta.migrator.service, body);
  const timestamps: Row = {
    created: timestampOf(created, 'CreatedOn'),
    modified: timestampOf(created, 'ModifiedOn'),
    ...(resolved.versioned ? { [VERSION_FIELD]: versionOf(created) ?? null } : {}),
  };
  return timestamps;
}

/**
 * Update one locked row with `row`'s fields (only those given): MERGE the mapped ones among them
 * (none: no request), then write them locally with history `local`.
 */
async function updateRow(
  services: SyncServices,
  meta: ModelMeta,
  resolved: ResolvedModel,
  id: unknown,
  row: Row,
  read: { modified: unknown; version: unknown },
  options: SaveOptions,
): Promise<Row> {
  const { store, history, cdms } = services;
  const { id: _id, cdmsPk: _cdmsPk, created: _created, modified: _modified, ...changes } = row;
  // Local write first: what the local database refuses (a CHECK, a foreign key, a trigger …) is
  // refused before CDMS is touched; CDMS's answer completes the row below.
  const { row: locked, written } = await lockRow(store, meta, id, changes);
  if (!options.skipCdms && typeof locked.cdmsPk !== 'string') {
    // A row written only with skipCdms reaches CDMS on its first synced save: POST it.
    const cdmsPk = randomUUID();
    await store.update(meta.table, whereEquals('id', id), written ? { cdmsPk } : { ...changes, cdmsPk });
    const posted = { ...locked, ...changes, cdmsPk };
    const entry = await history.record(meta.table, posted, 'local');
    const timestamps = await postRow(services, meta, resolved, posted, new Set(resolved.localFields));
    const synced = { ...posted, ...timestamps };
    await completeWrite(services, [
      { table: meta.table, where: whereEquals('id', id), values: timestamps },
      history.amendment(entry, synced),
    ]);
    return synced;
  }
  if (Object.keys(changes).length === 0) return locked;
  const mappedChanges = resolved.mappedFields.filter(
    (field) => (resolved.foreignKeys.get(field)?.localField ?? field) in changes,
  );
  if (options.skipCdms || mappedChanges.length === 0) {
    if (!written) await store.update(meta.table, whereEquals('id', id), changes);
    const saved = { ...locked, ...changes };
    await history.record(meta.table, saved, 'local');
    return saved;
  }
  const service = meta.migrator.service;
  const cdmsPk = locked.cdmsPk as string;
  const conflictAttributes = resolved.versioned ? ['ModifiedOn', VERSION_ATTRIBUTE] : ['ModifiedOn'];
  if (options.detectConflicts) {
    const current = await cdms.get(service, cdmsPk, { select: conflictAttributes });
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
  const body = await toCdmsBody(store, meta, resolved, merged, mappedChanges);
  // Local write and history first (see `lockRow`); CDMS's answer completes both below.
  if (!written) await store.update(meta.table, whereEquals('id', id), changes);
  const entry = await history.record(meta.table, merged, 'local');
  await cdms.update(service, cdmsPk, body);
  // Read back every mapped attribute, not only ModifiedOn: fields this MERGE did not send may have
  // been changed in CDMS meanwhile, and the local row takes CDMS's ModifiedOn, so it must take
  // CDMS's values too (last write wins per field, and the stores agree).
  const readBack = await cdms.get(service, cdmsPk, { select: resolved.selectAttributes });
  const [remote] = await toLocalRows(services, meta, resolved, [readBack], 0);
  const { cdmsPk: _remotePk, ...synced } = remote ?? { modified: timestampOf(readBack, 'ModifiedOn') };
  const saved = { ...merged, ...synced };
  await completeWrite(services, [
    { table: meta.table, where: whereEquals('id', id), values: synced },
    history.amendment(entry, saved),
  ]);
  return saved;
}

/**
 * Locks row `id` for the rest of the transaction and returns it. With `changes` and a store that
 * has `updateReturning`, the lock is the UPDATE of `changes` itself (one statement, `written`: the
 * row returned holds them); otherwise a locking read (`select … for update`), and the caller
 * writes `changes`.
 */
async function lockRow(
  store: LocalStore,
  meta: ModelMeta,
  id: unknown,
  changes: Row,
): Promise<{ row: Row; written: boolean }> {
  const where = whereEquals('id', id);
  // `undefined` values are not written (the store drops them): nothing to UPDATE without others.
  const written =
    store.updateReturning !== undefined && Object.values(changes).some((value) => value !== undefined);
  const [row] =
    written && store.updateReturning
      ? await store.updateReturning(meta.table, where, changes)
      : await store.find(meta.table, { where, forUpdate: true });
  if (!row) throw new DoesNotExistError(`${meta.Model.name} with id ${String(id)} does not exist locally`);
  return { row, written };
}

async function deleteRow(
  services: SyncServices,
  meta: ModelMeta,
  id: unknown,
  skipCdms: boolean,
): Promise<void> {
  const { store } = services;
  const where = whereEquals('id', id);
  // Local DELETE and history first: a row another table still references (ON DELETE RESTRICT) is
  // refused before CDMS is touched; a CDMS failure then rolls both back. With `deleteReturning` the
  // DELETE is also the lock and the read (one statement).
  const [locked] = store.deleteReturning
    ? await store.deleteReturning(meta.table, where)
    : await store.find(meta.table, { where, forUpdate: true });
  if (!locked) throw new DoesNotExistError(`${meta.Model.name} with id ${String(id)} does not exist locally`);
  if (!store.deleteReturning) await store.delete(meta.table, where);
  await services.history.record(meta.table, locked, 'delete');
  if (!skipCdms && typeof locked.cdmsPk === 'string') {
    try {
      await services.cdms.delete(meta.migrator.service, locked.cdmsPk);
    } catch (error) {
      if (!isCdmsNotFound(error)) throw error;
      services.logger?.info('CDMS record already deleted', { model: meta.Model.name, cdmsPk: locked.cdmsPk });
    }
  }
}
