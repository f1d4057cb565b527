import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { ImportRowError, ValidationError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import { type ModelMeta, type ResolvedModel, VERSION_ATTRIBUTE, VERSION_FIELD } from '../model/model-meta';
import { normaliseGuid } from '../query/guid';
import type { WhereNode } from '../query/where-node';
import type { LocalStore, Row, SyncedRow, UpsertOptions, UpsertResult } from '../store/local-store';
import { pagesByGuids } from './pages-by-guids';
import { isNewerVersion, toTime, versionOf } from './record-version';
import { whereEquals, whereIn } from './store-where';
import type { SyncServices } from './sync-services';
import { validateRow } from './validate-row';

/** How deep foreign keys of imported related records are followed. */
const MAX_RELATED_DEPTH = 3;

/**
 * Decode CDMS entities and upsert them (only where newer) in one transaction, with a
 * record that cannot be stored locally left out and reported (see `ImportRowError`), and a
 * `cdms-refresh` history entry for each inserted or updated row (one multi-row history insert per
 * call, i.e. per list page). Foreign key GUIDs become local
 * ids; related records missing locally are imported with as few list requests as the URL
 * limit allows (one `or` chain of GUIDs, split by `fitListQuery`). Resolves the inserted and
 * updated rows as stored (taken from `UpsertResult.stored` when the store returns them, else read
 * back once).
 * @internal
 */
export async function importEntities(
  services: SyncServices,
  meta: ModelMeta,
  entities: readonly CdmsEntity[],
  depth: number,
): Promise<Row[]> {
  if (entities.length === 0) return [];
  const { store } = services;
  const resolved = meta.resolved ?? (await meta.resolve());
  const undecodable = (entity: CdmsEntity, error: unknown) =>
    services.importFailures.report(
      new ImportRowError({
        model: meta.Model.name,
        cdmsPk: String(
          normaliseGuid(entity[meta.migrator.primaryKeyAttribute]) ??
            entity[meta.migrator.primaryKeyAttribute],
        ),
        cause: error,
      }),
    );
  const rows = storableRows(
    services,
    meta,
    resolved,
    await toLocalRows(services, meta, resolved, entities, depth, undecodable),
  );
  if (rows.length === 0) return [];
  try {
    // Optimistic: the page's batch upsert is the first statement of this transaction (or of its
    // savepoint, inside a caller's transaction), so a refusal rolls back nothing else.
    return await store.transaction(() => storePage(services, meta, resolved, rows, 'batch'));
  } catch (error) {
    if (!(error instanceof RefusedBatch)) throw error;
    const refusal = error.cause;
    // Only a refusal about the rows' data is worth a retry row by row; a deadlock, a timeout, a
    // lost connection … fails the page, so its caller's watermark or checkpoint does not move.
    if (!isRowError(store, refusal)) throw refusal;
    return store.transaction(() => storePage(services, meta, resolved, rows, { refusal }));
  }
}

/** The page's batch upsert was refused by the database (`cause`): retry it row by row. */
class RefusedBatch extends Error {}

/**
 * Whether the database refused a write because of the rows' data (`LocalStore.isRowError`); a
 * store without the classifier has every refusal count as one.
 */
function isRowError(store: LocalStore, error: unknown): boolean {
  return store.isRowError?.(error) ?? true;
}

/**
 * One page in the current transaction: the upsert (the whole batch, or each row under its own
 * savepoint with refused rows reported), `VersionNumber` refreshes, history, and the stored rows.
 */
async function storePage(
  services: SyncServices,
  meta: ModelMeta,
  resolved: ResolvedModel,
  rows: readonly SyncedRow[],
  mode: 'batch' | { readonly refusal: unknown },
): Promise<Row[]> {
  const { store } = services;
  let result: UpsertResult;
  let upserted: readonly SyncedRow[] = rows;
  // Equal `modified`, greater `VersionNumber` (two CDMS writes within one second) is newer too.
  const options: UpsertOptions | undefined = resolved.versioned ? { versionField: VERSION_FIELD } : undefined;
  if (mode === 'batch') {
    try {
      result = await store.upsertIfNewer(meta.table, rows, options);
    } catch (error) {
      throw new RefusedBatch('The page was refused as a whole', { cause: error });
    }
  } else {
    ({ result, rows: upserted } = await upsertEachRow(services, meta, rows, options, mode.refusal));
  }
  services.importFailures.clear(meta.Model.name, [
    ...result.inserted,
    ...result.updated,
    ...result.unchanged,
  ]);
  const versionRefreshed =
    resolved.versioned && !result.versionCompared && result.unchanged.length > 0
      ? await refreshNewerVersions(services, meta, upserted, result.unchanged)
      : [];
  const readBack = result.stored
    ? versionRefreshed
    : [...result.inserted, ...result.updated, ...versionRefreshed];
  const stored = [
    ...(result.stored ?? []),
    ...(readBack.length > 0
      ? await store.find(meta.table, {
          where: whereIn('cdmsPk', readBack),
          orderBy: [{ field: 'id', direction: 'asc' }],
        })
      : []),
  ];
  if (stored.length === 0) return stored;
  await services.history.recordMany(meta.table, stored, 'cdms-refresh');
  services.logger?.debug('CDMS refresh', {
    model: meta.Model.name,
    inserted: result.inserted.length,
    updated: result.updated.length,
  });
  return stored;
}

/**
 * The rows that fit their columns (`validateRow`); each other one is reported as an
 * `ImportRowError` (logger `error`, `onImportError`, `sync.importErrors()`) and left out.
 */
function storableRows(
  services: SyncServices,
  meta: ModelMeta,
  resolved: ResolvedModel,
  rows: readonly SyncedRow[],
): SyncedRow[] {
  return rows.filter((row) => {
    try {
      validateRow(meta, resolved, row, 'update');
      return true;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      services.importFailures.report(
        new ImportRowError({ model: meta.Model.name, cdmsPk: row.cdmsPk, field: error.field, cause: error }),
      );
      return false;
    }
  });
}

const NO_ROWS: UpsertResult = { inserted: [], updated: [], unchanged: [], stored: [] };

/**
 * `upsertIfNewer` of each row on its own (under a savepoint), after the database refused the page
 * as one statement (a CHECK, a foreign key, a trigger … that `validateRow` cannot know), so that one
 * unstorable record never breaks the reads of its whole page. Refused rows are reported (a refusal
 * that is not about the row's data, see `LocalStore.isRowError`, is rethrown); a page of one row is
 * that row's `refusal`.
 */
async function upsertEachRow(
  services: SyncServices,
  meta: ModelMeta,
  rows: readonly SyncedRow[],
  options: UpsertOptions | undefined,
  refusal: unknown,
): Promise<{ result: UpsertResult; rows: SyncedRow[] }> {
  const { store } = services;
  if (rows.length === 1) {
    reportRefused(services, meta, rows[0] as SyncedRow, refusal);
    return { result: NO_ROWS, rows: [] };
  }
  const results: UpsertResult[] = [];
  const upserted: SyncedRow[] = [];
  for (const row of rows) {
    try {
      results.push(await store.transaction(() => store.upsertIfNewer(meta.table, [row], options)));
      upserted.push(row);
    } catch (error) {
      if (!isRowError(store, error)) throw error;
      reportRefused(services, meta, row, error);
    }
  }
  const merged: UpsertResult = {
    inserted: results.flatMap((result) => result.inserted),
    updated: results.flatMap((result) => result.updated),
    unchanged: results.flatMap((result) => result.unchanged),
    versionCompared: results.every((result) => result.versionCompared === true),
    ...(results.every((result) => result.stored)
      ? {
          stored: [
            ...results.flatMap((result) => result.stored?.slice(0, result.inserted.length) ?? []),
            ...results.flatMap((result) => result.stored?.slice(result.inserted.length) ?? []),
          ],
        }
      : {}),
  };
  return { result: merged, rows: upserted };
}

function reportRefused(services: SyncServices, meta: ModelMeta, row: SyncedRow, cause: unknown): void {
  services.importFailures.report(new ImportRowError({ model: meta.Model.name, cdmsPk: row.cdmsPk, cause }));
}

/**
 * CDMS entities -> local rows: mapped fields decoded, `cdmsVersion` when the table has it, and
 * foreign key GUIDs replaced by local ids (related records missing locally are imported first).
 * @internal
 */
export async function toLocalRows(
  services: SyncServices,
  meta: ModelMeta,
  resolved: ResolvedModel,
  entities: readonly CdmsEntity[],
  depth: number,
  onUndecodable?: (entity: CdmsEntity, error: unknown) => void,
): Promise<SyncedRow[]> {
  const rows: SyncedRow[] = [];
  for (const entity of entities) {
    let decoded: Row;
    try {
      decoded = meta.migrator.fromCdms(entity) as Row;
    } catch (error) {
      // An import reports a record it cannot decode and stores the rest of its page.
      if (!onUndecodable) throw error;
      onUndecodable(entity, error);
      continue;
    }
    const row: Row = {};
    // `decoded` is the plain object `fromCdms` just built: its own keys only.
    for (const field in decoded) {
      if (resolved.foreignKeys.has(field) || resolved.localFields.has(field)) row[field] = decoded[field];
    }
    row.cdmsPk = normaliseGuid(row.cdmsPk) ?? row.cdmsPk;
    if (resolved.versioned) row[VERSION_FIELD] = versionOf(entity) ?? null;
    rows.push(row as SyncedRow);
  }
  for (const foreignKey of resolved.foreignKeys.values()) {
    const guids = [...new Set(rows.map((row) => normaliseGuid(row[foreignKey.field])).filter(isString))];
    const ids = await localIdsOf(services, foreignKey.related(), guids, depth);
    for (const row of rows) {
      const guid = normaliseGuid(row[foreignKey.field]);
      delete row[foreignKey.field];
      row[foreignKey.localField] = guid === undefined ? null : (ids.get(guid) ?? null);
      if (guid !== undefined && !ids.has(guid)) {
        services.logger?.warn('Related CDMS record not found; foreign key left empty', {
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
async function refreshNewerVersions(
  services: SyncServices,
  meta: ModelMeta,
  rows: readonly SyncedRow[],
  unchanged: readonly string[],
): Promise<string[]> {
  const byGuid = new Map(rows.map((row) => [String(row.cdmsPk).toLowerCase(), row]));
  const stored = await services.store.find(meta.table, {
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
    if ((await services.store.update(meta.table, where, values)) > 0) refreshed.push(String(local.cdmsPk));
  }
  return refreshed;
}

/** Local ids of `Model` rows by CDMS GUID, importing the missing ones from CDMS first. */
async function localIdsOf(
  services: SyncServices,
  Model: ModelClass,
  guids: readonly string[],
  depth: number,
): Promise<Map<string, unknown>> {
  const ids = new Map<string, unknown>();
  if (guids.length === 0) return ids;
  const { meta } = bindingOf(Model);
  const lookUp = async (wanted: readonly string[]) => {
    const rows = await services.store.find(meta.table, {
      where: whereIn('cdmsPk', wanted),
      fields: ['id', 'cdmsPk'],
    });
    for (const row of rows) ids.set(String(row.cdmsPk).toLowerCase(), row.id);
  };
  await lookUp(guids);
  const missing = guids.filter((guid) => !ids.has(guid));
  if (missing.length === 0 || depth >= MAX_RELATED_DEPTH) return ids;
  for await (const entities of pagesByGuids(services, meta, missing)) {
    await importEntities(services, meta, entities, depth + 1);
  }
  await lookUp(missing);
  return ids;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
