import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { BASE_ATTRIBUTES } from '../migrator/migrator';
import type { ModelClass } from '../model/model-class';
import { type ModelMeta, VERSION_ATTRIBUTE, VERSION_FIELD } from '../model/model-meta';
import { normaliseGuid } from '../query/guid';
import type { WhereNode } from '../query/where-node';
import type { Row } from '../store/local-store';
import { importEntities } from '../sync/import-entities';
import { pagesByGuids } from '../sync/pages-by-guids';
import { dropDeletedInCdms } from '../sync/reconcile';
import { toTime, toVersion } from '../sync/record-version';
import { whereIn } from '../sync/store-where';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';

/** Options of `sync.reconcile()`. */
export interface ReconcileOptions {
  /** Import the missing, refresh the stale and delete the rows deleted in CDMS. @default false */
  repair?: boolean;
  /** Stop listing; the report says `aborted: true` and nothing is repaired. */
  signal?: AbortSignal;
  onProgress?: (event: ReconcileProgress) => void;
}

/** Progress of one model's reconciliation: CDMS records listed so far. */
export interface ReconcileProgress {
  readonly model: string;
  readonly checked: number;
}

/** What `sync.reconcile()` found (and repaired), per model. */
export interface ReconcileReport {
  readonly aborted: boolean;
  readonly models: readonly ModelReconcileReport[];
}

/** One model's reconciliation. */
export interface ModelReconcileReport {
  readonly model: string;
  /** CDMS records listed. */
  readonly checked: number;
  /** CDMS GUIDs with no local row. */
  readonly missingLocally: string[];
  /** CDMS GUIDs of local rows whose records are gone from CDMS (checked again by GUID before reporting). */
  readonly deletedInCdms: string[];
  /** CDMS GUIDs whose local `modified` / `cdmsVersion` differ from CDMS `ModifiedOn` / `VersionNumber`. */
  readonly stale: string[];
  /** Local ids of rows without `cdmsPk` (written with `skipCdms`, never in CDMS). */
  readonly localOnly: number[];
  readonly repaired: boolean;
}

/** Local rows read per statement when looking for rows CDMS did not list. */
const LOCAL_CHUNK = 5000;

/**
 * Compare each model with CDMS and, with `repair`, make the local store equal to it.
 * @internal
 */
export async function reconcileModels(
  services: OperationServices,
  models: readonly ModelClass[] | undefined,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const metas = await modelsInForeignKeyOrder(services, models);
  const reports: ModelReconcileReport[] = [];
  for (const meta of metas) {
    if (options.signal?.aborted) break;
    const report = await reconcileModel(services, meta, options);
    if (!report) break;
    reports.push(report);
  }
  return { aborted: options.signal?.aborted === true, models: reports };
}

/**
 * One model:
 * 1. `GET {Entity}Set?$select={Key},ModifiedOn[,VersionNumber]&$orderby={Key}` and every page;
 *    per page one `SELECT id, cdms_pk, modified, cdms_version … WHERE cdms_pk IN (…)` decides
 *    missing / stale;
 * 2. `SELECT id, cdms_pk … WHERE id > ? ORDER BY id LIMIT 5000` over the local rows finds those not
 *    listed, and `… WHERE cdms_pk IS NULL` the local-only ones;
 * 3. the rows not listed are asked for again by GUID (`{Key} eq guid'…' or …`, URL-length chunks):
 *    a record created or changed while listing is not reported deleted;
 * 4. with `repair`: the missing and stale records are imported by GUID (batched, `cdms-refresh`
 *    history for the rows that change), the deleted ones removed (history `delete`, user `cdms`).
 * Resolves `undefined` when aborted.
 */
async function reconcileModel(
  services: OperationServices,
  meta: ModelMeta,
  options: ReconcileOptions,
): Promise<ModelReconcileReport | undefined> {
  const { store } = services.engine;
  const engine = services.engine;
  const resolved = await meta.resolve();
  const key = meta.migrator.primaryKeyAttribute;
  const listed = new Set<string>();
  const missingLocally: string[] = [];
  const stale: string[] = [];
  const pages = engine.cdms.pages(meta.migrator.service, {
    select: [key, BASE_ATTRIBUTES.modified, ...(resolved.versioned ? [VERSION_ATTRIBUTE] : [])],
    orderBy: [{ attribute: key, direction: 'asc' }],
  });
  for await (const page of pages) {
    const remote = new Map<string, CdmsEntity>();
    for (const entity of page.results) {
      const guid = normaliseGuid(entity[key]);
      if (guid !== undefined) remote.set(guid, entity);
    }
    const local = await store.find(meta.table, {
      where: whereIn('cdmsPk', [...remote.keys()]),
      fields: ['id', 'cdmsPk', 'modified', ...(resolved.versioned ? [VERSION_FIELD] : [])],
    });
    const localByGuid = new Map(local.map((row) => [normaliseGuid(row.cdmsPk) ?? '', row]));
    for (const [guid, entity] of remote) {
      listed.add(guid);
      const row = localByGuid.get(guid);
      if (!row) missingLocally.push(guid);
      else if (differs(entity, row, resolved.versioned)) stale.push(guid);
    }
    options.onProgress?.({ model: meta.Model.name, checked: listed.size });
    if (page.next && options.signal?.aborted) return undefined;
  }

  const notListed: Row[] = [];
  for (let after: unknown = null; ; ) {
    const hasCdmsPk: WhereNode = { kind: 'lookup', field: 'cdmsPk', lookup: 'isnull', value: false };
    const chunk = await store.find(meta.table, {
      where:
        after === null
          ? hasCdmsPk
          : {
              kind: 'and',
              children: [hasCdmsPk, { kind: 'lookup', field: 'id', lookup: 'gt', value: after }],
            },
      orderBy: [{ field: 'id', direction: 'asc' }],
      limit: LOCAL_CHUNK,
      fields: ['id', 'cdmsPk'],
    });
    for (const row of chunk) if (!listed.has(normaliseGuid(row.cdmsPk) ?? '')) notListed.push(row);
    if (chunk.length < LOCAL_CHUNK) break;
    after = chunk.at(-1)?.id;
  }
  const localOnly = await store.find(meta.table, {
    where: { kind: 'lookup', field: 'cdmsPk', lookup: 'isnull', value: true },
    orderBy: [{ field: 'id', direction: 'asc' }],
    fields: ['id'],
  });

  // Not listed: deleted in CDMS, unless asking by GUID finds it (created or changed meanwhile).
  const foundAgain: CdmsEntity[] = [];
  const guidsNotListed = notListed.map((row) => normaliseGuid(row.cdmsPk) ?? String(row.cdmsPk));
  for await (const entities of pagesByGuids(engine, meta, guidsNotListed)) foundAgain.push(...entities);
  const found = new Set(foundAgain.map((entity) => normaliseGuid(entity[key])));
  const deleted = notListed.filter((row) => !found.has(normaliseGuid(row.cdmsPk)));
  const notListedByGuid = new Map(notListed.map((row) => [normaliseGuid(row.cdmsPk), row]));
  for (const entity of foundAgain) {
    const guid = normaliseGuid(entity[key]);
    const row = notListedByGuid.get(guid);
    if (guid !== undefined && row && differs(entity, row, false)) stale.push(guid);
  }

  const repair = options.repair === true;
  if (repair) {
    const refresh = [...missingLocally, ...stale];
    for await (const entities of pagesByGuids(engine, meta, refresh)) {
      await importEntities(engine, meta, entities, 0);
    }
    await dropDeletedInCdms(engine, meta, deleted);
  }
  const report: ModelReconcileReport = {
    model: meta.Model.name,
    checked: listed.size,
    missingLocally,
    deletedInCdms: deleted.map((row) => normaliseGuid(row.cdmsPk) ?? String(row.cdmsPk)),
    stale,
    localOnly: localOnly.map((row) => Number(row.id)),
    repaired: repair,
  };
  await services.state.ensureModel(meta.table);
  await services.state.updateModel(meta.table, {
    lastReconcile: {
      at: new Date(),
      missingLocally: report.missingLocally.length,
      deletedInCdms: report.deletedInCdms.length,
      stale: report.stale.length,
      localOnly: report.localOnly.length,
      repaired: repair,
    },
  });
  engine.logger?.info('CDMS reconciliation', {
    model: meta.Model.name,
    checked: report.checked,
    missingLocally: report.missingLocally.length,
    deletedInCdms: report.deletedInCdms.length,
    stale: report.stale.length,
    localOnly: report.localOnly.length,
    repaired: repair,
  });
  return report;
}

/** The CDMS record's `ModifiedOn` (and `VersionNumber` when kept) differ from the local row's. */
function differs(entity: CdmsEntity, row: Row, versioned: boolean): boolean {
  if (toTime(entity[BASE_ATTRIBUTES.modified]) !== toTime(row.modified)) return true;
  return versioned && toVersion(entity[VERSION_ATTRIBUTE]) !== toVersion(row[VERSION_FIELD]);
}
