import type { ReadPolicy } from '../migrator/read-policy';
import type { ModelMeta } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import type { AggregateResult, Aggregation } from '../query/aggregation';
import type { CreateValues, FilterConditions, ModelFieldName, OrderByField } from '../query/filter-types';
import type { AggregateFunction } from '../store/local-store';
import { EMPTY_QUERY_STATE, LOCAL_QUERY_STATE } from '../sync/query-state';
import type { SyncEngine } from '../sync/sync-engine';
import {
  type ForeignKeyName,
  type InBulkOptions,
  type QueryInput,
  QuerySet,
  type ValuesListOptions,
} from './query-set';

/**
 * A model's entry point, `Organisation.objects`: every QuerySet method, starting from all rows.
 * A Manager is not itself awaitable; `Organisation.objects.all()` is.
 *
 * @example
 * ```ts
 * await Organisation.objects.create({ name: 'Acme' });
 * await Organisation.objects.filter({ name__icontains: 'acm' }).orderBy('-modified');
 * await Organisation.objects.skipCdms().count(); // local only
 * ```
 */
export class Manager<T extends SyncedModel> {
  /** @internal */
  constructor(
    /** @internal */ readonly engine: SyncEngine,
    /** @internal */ readonly meta: ModelMeta<T>,
  ) {}

  /** A QuerySet of every row (local only for a model without a migrator). */
  all(): QuerySet<T> {
    return new QuerySet(this.engine, this.meta, this.meta.synced ? EMPTY_QUERY_STATE : LOCAL_QUERY_STATE);
  }

  /** See {@link QuerySet.filter}. */
  filter(conditions: QueryInput<T>): QuerySet<T> {
    return this.all().filter(conditions);
  }

  /** See {@link QuerySet.exclude}. */
  exclude(conditions: QueryInput<T>): QuerySet<T> {
    return this.all().exclude(conditions);
  }

  /** See {@link QuerySet.orderBy}. */
  orderBy(...fields: OrderByField<T>[]): QuerySet<T> {
    return this.all().orderBy(...fields);
  }

  /** See {@link QuerySet.none}. */
  none(): QuerySet<T> {
    return this.all().none();
  }

  /** See {@link QuerySet.slice}. */
  slice(start: number, end?: number): QuerySet<T> {
    return this.all().slice(start, end);
  }

  /** See {@link QuerySet.fresh}. */
  fresh(policy: ReadPolicy): QuerySet<T> {
    return this.all().fresh(policy);
  }

  /** The same API on the local store only: no CDMS request. */
  skipCdms(): QuerySet<T> {
    return this.all().skipCdms();
  }

  /** See {@link QuerySet.get}. */
  get(conditions?: QueryInput<T>): Promise<T> {
    return this.all().get(conditions);
  }

  /** See {@link QuerySet.first}. */
  first(): Promise<T | null> {
    return this.all().first();
  }

  /** See {@link QuerySet.last}. */
  last(): Promise<T | null> {
    return this.all().last();
  }

  /** See {@link QuerySet.latest}. */
  latest(...fields: OrderByField<T>[]): Promise<T> {
    return this.all().latest(...fields);
  }

  /** See {@link QuerySet.earliest}. */
  earliest(...fields: OrderByField<T>[]): Promise<T> {
    return this.all().earliest(...fields);
  }

  /** See {@link QuerySet.inBulk}. */
  inBulk<K extends ModelFieldName<T> = 'id' & ModelFieldName<T>>(
    ids?: readonly T[K][],
    options?: InBulkOptions<K>,
  ): Promise<Map<T[K], T>> {
    return this.all().inBulk(ids, options);
  }

  /** See {@link QuerySet.distinct}. */
  distinct(): QuerySet<T> {
    return this.all().distinct();
  }

  /** See {@link QuerySet.aggregate}: over every row. */
  aggregate<S extends Readonly<Record<string, Aggregation<AggregateFunction, ModelFieldName<T>>>>>(
    aggregations: S,
  ): Promise<AggregateResult<T, S>> {
    return this.all().aggregate(aggregations);
  }

  /** See {@link QuerySet.only}. */
  only(...fields: (ModelFieldName<T> | ForeignKeyName<T>)[]): QuerySet<T> {
    return this.all().only(...fields);
  }

  /** See {@link QuerySet.defer}. */
  defer(...fields: (ModelFieldName<T> | ForeignKeyName<T>)[]): QuerySet<T> {
    return this.all().defer(...fields);
  }

  /** See {@link QuerySet.prefetchRelated}. */
  prefetchRelated(...relations: ForeignKeyName<T>[]): QuerySet<T> {
    return this.all().prefetchRelated(...relations);
  }

  /** See {@link QuerySet.selectRelated}: a second local query, not a join. */
  selectRelated(...relations: ForeignKeyName<T>[]): QuerySet<T> {
    return this.all().selectRelated(...relations);
  }

  /**
   * See {@link QuerySet.raw}. On a synced model it throws `NotSupportedError` (CDMS mode): use
   * `Model.objects.skipCdms().raw(…)`.
   */
  raw(sql: string, bindings?: readonly unknown[]): Promise<T[]> {
    return this.all().raw(sql, bindings);
  }

  /** See {@link QuerySet.exists}. */
  exists(): Promise<boolean> {
    return this.all().exists();
  }

  /** See {@link QuerySet.count}. */
  count(): Promise<number> {
    return this.all().count();
  }

  /** See {@link QuerySet.create}. */
  create(values: CreateValues<T>): Promise<T> {
    return this.all().create(values);
  }

  /** See {@link QuerySet.bulkCreate}. */
  bulkCreate(objects: readonly CreateValues<T>[]): Promise<T[]> {
    return this.all().bulkCreate(objects);
  }

  /** See {@link QuerySet.getOrCreate}. */
  getOrCreate(conditions: FilterConditions<T>, defaults?: CreateValues<T>): Promise<[T, boolean]> {
    return this.all().getOrCreate(conditions, defaults);
  }

  /** See {@link QuerySet.updateOrCreate}. */
  updateOrCreate(conditions: FilterConditions<T>, defaults?: CreateValues<T>): Promise<[T, boolean]> {
    return this.all().updateOrCreate(conditions, defaults);
  }

  /** See {@link QuerySet.update}: every row. */
  update(values: CreateValues<T>): Promise<number> {
    return this.all().update(values);
  }

  /** See {@link QuerySet.delete}: every row. */
  delete(): Promise<number> {
    return this.all().delete();
  }

  /** See {@link QuerySet.values}. */
  values<K extends ModelFieldName<T>>(...fields: K[]): Promise<Pick<T, K>[]> {
    return this.all().values(...fields);
  }

  /** See {@link QuerySet.valuesList}. */
  valuesList<K extends ModelFieldName<T>>(field: K, options: ValuesListOptions): Promise<T[K][]>;
  valuesList<K extends ModelFieldName<T>>(...fields: K[]): Promise<T[K][][]>;
  valuesList(...args: unknown[]): Promise<unknown[]> {
    const all = this.all();
    return (all.valuesList as (...values: unknown[]) => Promise<unknown[]>).apply(all, args);
  }
}
