import type { CdmsListQuery } from '@cdms-sync/cdms-client';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta, ResolvedModel } from '../model/model-meta';
import { compileODataQuery } from '../odata/compile-odata-query';
import { type FittedListQueries, fitListQuery, listUrlLength } from '../odata/fit-list-query';
import { buildOrderBy, buildWhere } from '../query/build-where';
import { crossesRelations, loadRelatedSchemas } from '../query/load-related-schemas';
import type { OrderByTerm, WhereNode } from '../query/where-node';
import type { QueryState } from './query-state';
import { planRead } from './read-policy';
import { hasRelated, relatedInCdms } from './related-in-cdms';
import { resolveRelatedIds } from './resolve-related-ids';
import { toStoreOrderBy, toStoreWhere } from './store-where';
import type { SyncServices } from './sync-services';

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
  /**
   * Set under the `'delta'` and staleness read policies: the models to bring up to date (one delta
   * each; none within `maxStalenessMs`) before the local store answers alone. `cdms` is then absent.
   */
  readonly fresh?: readonly ModelMeta[];
}

/**
 * Validate a query state and compile its OData query. Runs before any request or write, so an
 * unsupported filter fails with `NotSupportedError` and nothing sent. `forList: false` (a `get`,
 * which never lists) leaves the list query unfitted to `maxUrlLength`.
 * @internal
 */
export async function prepareQuery(
  services: SyncServices,
  meta: ModelMeta,
  state: QueryState,
  slice?: { offset: number; limit: number | undefined },
  options: { forList?: boolean } = {},
): Promise<PreparedQuery> {
  const resolved = meta.resolved ?? (await meta.resolve());
  // Filters across relations (`organisation__name`) validate against the related models' schemas.
  const inputs = state.filters.map((step) => step.input);
  const relatedSchema = crossesRelations(inputs, resolved.schema)
    ? await loadRelatedSchemas(
        inputs,
        resolved.schema,
        async (Model) => (await bindingOf(Model as ModelClass).meta.resolve()).schema,
      )
    : noRelatedSchema;
  const children: WhereNode[] = state.filters.map((step) => {
    const node = buildWhere(step.input as never, resolved.schema, { relatedSchema });
    return step.negate ? { kind: 'not', child: node } : node;
  });
  const built: WhereNode = children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
  // A bare local id for a foreign key becomes the related row's GUID (one local query).
  // Both steps below answer without a promise in the common case; `await` on a plain value would
  // still make one, so only a promise is awaited.
  const resolving = state.skipCdms || !meta.synced ? built : resolveRelatedIds(services, resolved, built);
  const where = resolving instanceof Promise ? await resolving : resolving;
  const orderBy = state.orderBy.length > 0 ? buildOrderBy(state.orderBy as never, resolved.schema) : [];
  const storeOrderBy = withTiebreak(
    toStoreOrderBy(orderBy.length > 0 ? orderBy : [{ field: 'modified', direction: 'asc' }], resolved),
  );
  const storeWhere = toStoreWhere(where, resolved);
  const offset = slice?.offset ?? state.offset;
  const limit = slice ? slice.limit : state.limit;
  const common = { resolved, where, storeWhere, orderBy, storeOrderBy };
  if (state.none || limit === 0) return { ...common, cdms: undefined, matchesNothing: true };
  if (state.skipCdms || !meta.synced) return { ...common, cdms: undefined, matchesNothing: false };
  const planning = planRead(services, meta, where, state.readPolicy);
  const plan = planning instanceof Promise ? await planning : planning;
  if (plan.kind === 'fresh') {
    return { ...common, cdms: undefined, matchesNothing: false, fresh: plan.deltas };
  }
  // Filters across relations: the related records are filtered in CDMS first (see `relatedInCdms`).
  const cdmsWhere = hasRelated(where)
    ? await relatedInCdms(services, meta, where, { orderBy, offset, limit })
    : where;
  const compiled = compileODataQuery(
    { where: cdmsWhere, orderBy, offset, limit, select: resolved.selectAttributes },
    resolved.schema,
  );
  if (compiled.matchesNothing) {
    return { ...common, cdms: undefined, matchesNothing: true };
  }
  const { query } = compiled;
  // A read that never lists (`get`) skips measuring the URL (it serialises the whole query).
  const fitted =
    options.forList === false ? { queries: [query], exact: true } : fitListQueryToUrl(services, meta, query);
  return {
    ...common,
    cdms: { queries: fitted.queries, exact: compiled.exact && fitted.exact },
    matchesNothing: false,
  };
}

/** Split (or relax) a list query whose URL would be longer than `maxUrlLength`. @internal */
export function fitListQueryToUrl(
  services: SyncServices,
  meta: ModelMeta,
  query: CdmsListQuery,
): FittedListQueries {
  const prefix = `${services.cdms.serviceRoot ?? ''}/${meta.migrator.service}Set?`;
  const fitted = fitListQuery(query, {
    maxUrlLength: services.maxUrlLength,
    urlLengthOf: (candidate) => listUrlLength(prefix, candidate),
  });
  if (fitted.strategy !== 'fits') {
    services.logger?.debug('CDMS list request too long for one URL', {
      model: meta.Model.name,
      strategy: fitted.strategy,
      requests: fitted.queries.length,
    });
  }
  return fitted;
}

/** The related schema lookup of a query that crosses no relation. */
function noRelatedSchema(): undefined {
  return undefined;
}

/** Add `id` (in the first key's direction) so that equal keys still come back in a stable order. */
function withTiebreak(orderBy: readonly OrderByTerm[]): OrderByTerm[] {
  if (orderBy.some((term) => term.field === 'id')) return [...orderBy];
  return [...orderBy, { field: 'id', direction: orderBy[0]?.direction ?? 'asc' }];
}
