import { FieldError, NotSupportedError } from '../errors/errors';
import type { ModelMeta } from '../model/model-meta';
import { isAggregation } from '../query/aggregation';
import type { StoreAggregation } from '../store/local-store';
import { syncMatching } from './list-sync';
import { prepareQuery } from './prepare-query';
import type { QueryState } from './query-state';
import type { SyncServices } from './sync-services';

/**
 * `aggregate(spec)`: validated before any I/O (store support, no slice, known fields, number fields
 * for `sum`/`avg`), then the matching rows are synced (as `count()`) and aggregated locally.
 * @internal
 */
export async function aggregateMatching(
  services: SyncServices,
  meta: ModelMeta,
  state: QueryState,
  aggregations: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const store = services.store;
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
    const column = resolved.columnsByField.get(field);
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
  const prepared = await prepareQuery(services, meta, state);
  if (prepared.matchesNothing) return empty();
  await syncMatching(services, meta, prepared);
  return store.aggregate(meta.table, prepared.storeWhere, spec);
}
