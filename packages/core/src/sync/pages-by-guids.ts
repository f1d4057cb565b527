import type { CdmsEntity } from '@cdms-sync/cdms-client';
import type { ModelMeta } from '../model/model-meta';
import { compare, orAll, property, value } from '../odata/odata-tree';
import { fitListQueryToUrl } from './prepare-query';
import type { SyncServices } from './sync-services';

/**
 * The CDMS records of `guids`, page by page: one `{Key} eq guid'…' or …` chain with the mapped
 * attributes, split into as few list requests as the URL limit allows (never one GET per record).
 * A GUID whose record was deleted in CDMS is simply not returned.
 * @internal
 */
export async function* pagesByGuids(
  services: SyncServices,
  meta: ModelMeta,
  guids: readonly string[],
): AsyncGenerator<readonly CdmsEntity[]> {
  if (guids.length === 0) return;
  const filter = orAll(
    guids.map((guid) =>
      compare('eq', property(meta.migrator.primaryKeyAttribute), value({ kind: 'guid', value: guid })),
    ),
  );
  const { selectAttributes } = await meta.resolve();
  const fitted = fitListQueryToUrl(services, meta, { filter, select: selectAttributes });
  for (const query of fitted.queries) {
    for await (const page of services.cdms.pages(meta.migrator.service, query)) yield page.results;
  }
}
