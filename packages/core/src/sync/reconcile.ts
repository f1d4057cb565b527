import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { CDMS_DELETED_COMMENT, CDMS_REFRESH_USER, type HistoryAuthor } from '../history/history-entry';
import type { ModelMeta } from '../model/model-meta';
import { normaliseGuid } from '../query/guid';
import type { WhereNode } from '../query/where-node';
import type { Row } from '../store/local-store';
import { importEntities } from './import-entities';
import { pagesByGuids } from './pages-by-guids';
import type { PreparedQuery } from './prepare-query';
import { whereIn } from './store-where';
import type { SyncServices } from './sync-services';

/** The author of the history entry of a local row removed because its record was deleted in CDMS. */
const DELETED_IN_CDMS: HistoryAuthor = { user: CDMS_REFRESH_USER, comment: CDMS_DELETED_COMMENT };

/**
 * After a complete listing (exact filter, no slice, not cut by `syncPageLimit`): the local rows that
 * match the query and have a `cdmsPk` but were not listed are stale, because CDMS lists every
 * record that matches. Usually there are none, and nothing more is sent. Otherwise their GUIDs are
 * listed (`{Key} eq guid'…' or …`, one request per URL-length-fitted chunk, never one GET per row):
 * a record CDMS returns changed so that it no longer matches, and is refreshed (`cdms-refresh`);
 * a GUID CDMS does not return was deleted in CDMS, and its local row is deleted (history
 * `delete`, user `cdms`, comment "Deleted in CDMS"). Rows without `cdmsPk` (written only with
 * `skipCdms`) are never touched.
 * @internal
 */
export async function reconcile(
  services: SyncServices,
  meta: ModelMeta,
  prepared: PreparedQuery,
  listed: readonly string[],
): Promise<void> {
  const { store } = services;
  const listedGuids = new Set(listed);
  const hasCdmsPk: WhereNode = { kind: 'lookup', field: 'cdmsPk', lookup: 'isnull', value: false };
  const local = await store.find(meta.table, {
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
  for await (const entities of pagesByGuids(services, meta, [...stale.keys()])) remote.push(...entities);
  const found = new Set(remote.map((entity) => normaliseGuid(entity[meta.migrator.primaryKeyAttribute])));
  const deleted = [...stale].filter(([guid]) => !found.has(guid)).map(([, row]) => row);
  services.logger?.debug('CDMS reconciliation of rows a complete list left out', {
    model: meta.Model.name,
    changed: remote.length,
    deleted: deleted.length,
  });
  await store.transaction(async () => {
    await importEntities(services, meta, remote, 0);
    await dropDeletedInCdms(services, meta, deleted);
  });
}

/**
 * Delete local rows whose CDMS records were deleted in CDMS, with one history entry `delete` each
 * (user `cdms`, comment "Deleted in CDMS"), in one transaction and one statement when possible.
 * A row the store refuses to delete (another table still references it) is kept, with a warning:
 * a read must not fail because of it. The one "deleted in CDMS" path of lists, `get`,
 * `getOrCreate` and `updateOrCreate`.
 * @internal
 */
export async function dropDeletedInCdms(
  services: SyncServices,
  meta: ModelMeta,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const { store, logger } = services;
  const deleteRows = async (ids: readonly unknown[]) => {
    const stored = await store.find(meta.table, {
      where: whereIn('id', ids),
      orderBy: [{ field: 'id', direction: 'asc' }],
      forUpdate: true,
    });
    if (stored.length === 0) return;
    await store.delete(meta.table, whereIn('id', ids));
    await services.history.recordMany(meta.table, stored, 'delete', DELETED_IN_CDMS);
  };
  const ids = rows.map((row) => row.id);
  await store.transaction(async () => {
    try {
      // Nested: a savepoint, so a refused DELETE leaves the outer transaction usable.
      await store.transaction(() => deleteRows(ids));
      logger?.info('Deleted in CDMS: local rows removed', {
        model: meta.Model.name,
        cdmsPks: rows.map((row) => row.cdmsPk),
      });
    } catch {
      // One row may be refused (a foreign key still points at it): delete the others one by one.
      for (const row of rows) {
        try {
          await store.transaction(() => deleteRows([row.id]));
        } catch (rowError) {
          logger?.warn('Deleted in CDMS, but the local row could not be deleted; kept', {
            model: meta.Model.name,
            cdmsPk: row.cdmsPk,
            error: rowError instanceof Error ? rowError.message : String(rowError),
          });
        }
      }
    }
  });
}
