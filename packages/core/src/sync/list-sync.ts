import { buildQueryString, type CdmsEntity, type CdmsListQuery, type CdmsPage } from '@cdms-sync/cdms-client';
import type { ModelMeta } from '../model/model-meta';
import { normaliseGuid } from '../query/guid';
import type { WhereNode } from '../query/where-node';
import type { Row } from '../store/local-store';
import { importEntities } from './import-entities';
import type { PreparedQuery } from './prepare-query';
import { bringUpToDate } from './read-policy';
import { reconcile } from './reconcile';
import { whereIn } from './store-where';
import type { SyncServices } from './sync-services';

/** The part of the matching rows a read answers: `OFFSET`/`LIMIT` locally, `$skip`/`$top` in CDMS. */
type Slice = { offset: number; limit: number | undefined };

/**
 * Bring the CDMS rows matching a prepared query into the local store. Under the `'delta'` and
 * staleness read policies (`prepared.fresh`): the models' deltas only, nothing listed. Otherwise one list request, then the
 * `__next` pages up to the slice's `$top` or `syncPageLimit` rows, one `upsertIfNewer` per page.
 * Then, when the listing is known to hold every matching CDMS record, the local rows it left out
 * are reconciled (see `reconcile`). Returns the GUIDs listed.
 * @internal
 */
export async function syncMatching(
  services: SyncServices,
  meta: ModelMeta,
  prepared: PreparedQuery,
): Promise<string[]> {
  const listed: string[] = [];
  const startedAt = performance.now();
  if (prepared.fresh) {
    await bringUpToDate(services, prepared.fresh, startedAt);
    return listed;
  }
  if (!prepared.cdms) return listed;
  let complete = prepared.cdms.exact;
  for (const query of prepared.cdms.queries) {
    const listedAll = await syncList(services, meta, query, listed, startedAt);
    // A slice lists only its window: rows outside it are missing from the listing, not from CDMS.
    complete &&= listedAll && query.top === undefined && (query.skip ?? 0) === 0;
  }
  if (complete) await reconcile(services, meta, prepared, listed);
  return listed;
}

/**
 * `syncMatching`, then the rows from the local store. When CDMS applied the slice's offset
 * (`$skip`), the rows before it may not be local, so a local OFFSET would skip the wrong rows:
 * the answer is then the listed records, in the local order, with the slice's limit only.
 * @internal
 */
export async function syncAndFind(
  services: SyncServices,
  meta: ModelMeta,
  prepared: PreparedQuery,
  slice: Slice,
  fields?: readonly string[],
): Promise<Row[]> {
  if (prepared.matchesNothing) return [];
  // `skipCdms()` and unsynced models: nothing to bring up to date.
  if (prepared.cdms === undefined && prepared.fresh === undefined) {
    return findLocal(services, meta, prepared, slice, fields);
  }
  const listed = await syncMatching(services, meta, prepared);
  const [only, ...others] = prepared.cdms?.queries ?? [];
  if (only?.skip === undefined || only.skip === 0 || others.length > 0) {
    return findLocal(services, meta, prepared, slice, fields);
  }
  const storeWhere: WhereNode = { kind: 'and', children: [prepared.storeWhere, whereIn('cdmsPk', listed)] };
  return findLocal(services, meta, { ...prepared, storeWhere }, { offset: 0, limit: slice.limit }, fields);
}

/** Rows of a prepared query from the local store (after `syncMatching`). @internal */
export function findLocal(
  services: SyncServices,
  meta: ModelMeta,
  prepared: PreparedQuery,
  slice: Slice,
  fields?: readonly string[],
): Promise<Row[]> {
  // Not `async`: the store's promise is returned as is (one promise fewer per read).
  if (prepared.matchesNothing) return Promise.resolve([]);
  return services.store.find(meta.table, {
    where: prepared.storeWhere,
    orderBy: prepared.storeOrderBy,
    ...(slice.offset > 0 ? { offset: slice.offset } : {}),
    ...(slice.limit !== undefined ? { limit: slice.limit } : {}),
    ...(fields ? { fields } : {}),
  });
}

/**
 * The pages of one list query up to `cap` rows (and the page that crosses it). Identical list
 * reads through the same CDMS client share one series of requests (in flight, or sent since the
 * read began: see `SingleFlight`); each caller then imports the rows itself (in its own transaction).
 */
function listPages(
  services: SyncServices,
  service: string,
  query: CdmsListQuery,
  cap: number,
  startedAt: number,
): Promise<CdmsPage<CdmsEntity>[]> {
  const { cdms } = services;
  const key = `LIST ${service} ${buildQueryString(query)} cap=${cap}`;
  return services.singleFlight.run(
    cdms,
    key,
    async () => {
      const pages: CdmsPage<CdmsEntity>[] = [];
      let seen = 0;
      for await (const page of cdms.pages(service, query)) {
        pages.push(page);
        seen += page.results.length;
        if (seen >= cap) break;
      }
      return pages;
    },
    startedAt,
  );
}

/**
 * One list request and its `__next` pages, up to `query.top` or `syncPageLimit` rows. Resolves
 * true when every row CDMS had to give was taken (no row or page was left because of the cap).
 */
async function syncList(
  services: SyncServices,
  meta: ModelMeta,
  query: CdmsListQuery,
  listed: string[],
  startedAt: number,
): Promise<boolean> {
  const { syncPageLimit } = services;
  const cap = query.top ?? syncPageLimit;
  let seen = 0;
  for (const page of await listPages(services, meta.migrator.service, query, cap, startedAt)) {
    const entities = page.results.slice(0, Math.max(0, cap - seen));
    seen += page.results.length;
    await importEntities(services, meta, entities, 0);
    for (const entity of entities) {
      const guid = normaliseGuid(entity[meta.migrator.primaryKeyAttribute]);
      if (guid !== undefined) listed.push(guid);
    }
    if (seen >= cap) {
      const cut = seen > cap || Boolean(page.next);
      if (cut && cap === syncPageLimit) {
        services.logger?.warn('CDMS sync stopped at syncPageLimit; later rows were not refreshed', {
          model: meta.Model.name,
          syncPageLimit,
        });
      }
      return !cut;
    }
  }
  return true;
}
