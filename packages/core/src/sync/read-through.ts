import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { DoesNotExistError, MultipleObjectsReturnedError, ObjectsNotInSyncError } from '../errors/errors';
import type { ModelMeta } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import { normaliseGuid } from '../query/guid';
import type { Row } from '../store/local-store';
import { isCdmsNotFound } from './cdms-sync-client';
import { importEntities } from './import-entities';
import { findLocal } from './list-sync';
import { prepareQuery } from './prepare-query';
import type { QueryState } from './query-state';
import { bringUpToDate } from './read-policy';
import { dropDeletedInCdms } from './reconcile';
import { isNewerVersion, isoOf, toTime } from './record-version';
import { cdmsPkEquality, whereEquals } from './store-where';
import type { SyncServices } from './sync-services';

/**
 * `get(…)`: the local store decides DoesNotExist / MultipleObjectsReturned; then one GET
 * (`$select` of the mapped attributes) and a refresh when CDMS is newer.
 *
 * Decisions: a CDMS 404 for an existing local row means the record was deleted in CDMS: the stale
 * local row is deleted (history `delete`, user `cdms`, comment "Deleted in CDMS") and
 * `DoesNotExistError` raised (cause: the `CdmsNotFoundError`); a local row without `cdmsPk`
 * (written only with `skipCdms`) is returned without a request.
 * @internal
 */
export async function getObject<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  state: QueryState,
): Promise<T> {
  const startedAt = performance.now();
  // `get` never lists: no URL to fit (see `prepareQuery`'s `forList`).
  const prepared = await prepareQuery(services, meta, state, undefined, { forList: false });
  const label = `${meta.Model.name} matching the query`;
  if (prepared.matchesNothing && !state.none) {
    throw new DoesNotExistError(`${label} does not exist`);
  }
  if (prepared.fresh) await bringUpToDate(services, prepared.fresh, startedAt);
  const rows = state.none
    ? []
    : await findLocal(
        services,
        meta,
        // Up to two rows decide found / DoesNotExist / MultipleObjectsReturned: their order matters
        // only after an offset (`slice(3).get()`), so no ORDER BY otherwise.
        state.offset === 0 ? { ...prepared, storeOrderBy: [] } : prepared,
        { offset: state.offset, limit: state.limit === undefined ? 2 : Math.min(state.limit, 2) },
      );
  if (rows.length > 1) {
    const count = await services.store.count(meta.table, prepared.storeWhere);
    throw new MultipleObjectsReturnedError(
      `get() returned more than one ${meta.Model.name}: it returned ${count}`,
    );
  }
  const [row] = rows;
  // `'delta'` / staleness: the local store, brought up to date above, is the answer.
  if (prepared.fresh) {
    if (!row) throw new DoesNotExistError(`${label} does not exist`);
    return meta.instantiate(row);
  }
  if (!row) {
    const cdmsPk = state.none ? undefined : cdmsPkEquality(prepared.where);
    if (cdmsPk !== undefined && !state.skipCdms) return importOne(services, meta, cdmsPk, startedAt);
    throw new DoesNotExistError(`${label} does not exist`);
  }
  if (state.skipCdms || typeof row.cdmsPk !== 'string') return meta.instantiate(row);
  return meta.instantiate(await refreshOne(services, meta, row, startedAt));
}

/**
 * Compare one local row with its CDMS record and refresh it when CDMS is newer. A 404 deletes the
 * stale local row (`dropDeletedInCdms`, the one path of `get`, `getOrCreate`, `updateOrCreate`)
 * and raises `DoesNotExistError`.
 */
async function refreshOne(
  services: SyncServices,
  meta: ModelMeta,
  row: Row,
  startedAt: number,
): Promise<Row> {
  const cdmsPk = row.cdmsPk as string;
  let entity: CdmsEntity;
  try {
    entity = await fetchOne(services, meta, cdmsPk, startedAt);
  } catch (error) {
    if (error instanceof DoesNotExistError && isCdmsNotFound(error.cause)) {
      await dropDeletedInCdms(services, meta, [row]);
    }
    throw error;
  }
  const remote = meta.migrator.fromCdms(entity);
  const remoteModified = toTime(remote.modified);
  const localModified = toTime(row.modified);
  const resolved = meta.resolved ?? (await meta.resolve());
  if (remoteModified === localModified && !(resolved.versioned && isNewerVersion(entity, row))) return row;
  if (remoteModified < localModified) {
    throw new ObjectsNotInSyncError(
      `${meta.Model.name} ${cdmsPk}: the local row (modified ${isoOf(row.modified)}) is newer than CDMS (ModifiedOn ${isoOf(remote.modified)})`,
    );
  }
  const [stored] = await importEntities(services, meta, [entity], 0);
  if (stored) return stored;
  const [refreshed] = await services.store.find(meta.table, { where: whereEquals('id', row.id) });
  return refreshed ?? row;
}

/** `get({ cdmsPk })` without a local row: GET the record and import it. */
async function importOne<T extends SyncedModel>(
  services: SyncServices,
  meta: ModelMeta<T>,
  cdmsPk: string,
  startedAt: number,
): Promise<T> {
  const entity = await fetchOne(services, meta, cdmsPk, startedAt);
  const [stored] = await importEntities(services, meta, [entity], 0);
  // A record that cannot be stored locally: say why, rather than that it does not exist.
  const failure = stored ? undefined : services.importFailures.get(meta.Model.name, cdmsPk);
  if (failure) throw failure;
  const [row] = stored
    ? [stored]
    : await services.store.find(meta.table, {
        where: whereEquals('cdmsPk', normaliseGuid(cdmsPk) ?? cdmsPk),
      });
  if (!row) throw new DoesNotExistError(`${meta.Model.name} with cdmsPk ${cdmsPk} does not exist`);
  return meta.instantiate(row);
}

/**
 * GET one record with the mapped attributes; a 404 becomes `DoesNotExistError`. Shared with
 * identical GETs (single-flight) in flight, or sent since the read began at `startedAt`.
 */
async function fetchOne(
  services: SyncServices,
  meta: ModelMeta,
  cdmsPk: string,
  startedAt: number,
): Promise<CdmsEntity> {
  try {
    const { selectAttributes } = meta.resolved ?? (await meta.resolve());
    const { cdms } = services;
    const service = meta.migrator.service;
    return await services.singleFlight.run(
      cdms,
      `GET ${service}(${cdmsPk})`,
      () => cdms.get(service, cdmsPk, { select: selectAttributes }),
      startedAt,
    );
  } catch (error) {
    if (isCdmsNotFound(error)) {
      throw new DoesNotExistError(`${meta.Model.name} with cdmsPk ${cdmsPk} does not exist in CDMS`, {
        cause: error,
      });
    }
    throw error;
  }
}
