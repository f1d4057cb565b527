import { DoesNotExistError, FieldError, NotSupportedError } from '../errors/errors';
import { checkReadPolicy, type ReadPolicy } from '../migrator/read-policy';
import type { ModelMeta, ResolvedModel } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import { resolveCodec } from '../odata/resolve-codec';
import type { AggregateResult, Aggregation } from '../query/aggregation';
import type { CreateValues, FilterConditions, ModelFieldName, OrderByField } from '../query/filter-types';
import { isQ, type QChild } from '../query/q';
import type { AggregateFunction } from '../store/local-store';
import { loadedFields, narrowObject, prefetchedForeignKeys, prefetchRelated } from '../sync/load-options';
import type { QueryState } from '../sync/query-state';
import type { SyncEngine } from '../sync/sync-engine';
import { getOrCreate, updateOrCreate } from './get-or-create';

/**
 * A `filter()` / `exclude()` / `get()` argument: a conditions object, a `Q` of the model, or a `Q`
 * built without a model (an `UnboundQ`) whose conditions fit the model. `Q({…})` written as the
 * argument infers the model from it, so its keys are checked.
 *
 * @example
 * Organisation.objects.filter(Q({ name__icontains: 'acme' }).or({ ukOrganisation: true }));
 * // $filter=substringof('acme', Name) or optevia_ukorganisation eq true
 */
export type QueryInput<T> = QChild<T>;

/**
 * A foreign key of `T` by its relation name: `organisation` for every `organisationId` field of type
 * `number` (whether or not `organisation` itself is declared). A name that is not a mapped foreign
 * key fails at runtime with `FieldError`, before any request.
 *
 * @example
 * type Names = ForeignKeyName<Contact>; // 'organisation'
 */
export type ForeignKeyName<T> = {
  [K in ModelFieldName<T>]: K extends `${infer R}Id`
    ? R extends ''
      ? never
      : [NonNullable<T[K]>] extends [number]
        ? R
        : never
    : never;
}[ModelFieldName<T>];

/** Options of `inBulk(ids, { fieldName })`. */
export interface InBulkOptions<K extends string> {
  /** The field the ids are values of; it should be unique. @default 'id' */
  fieldName?: K;
}

/** Options of `valuesList(field, { flat: true })`. */
export interface ValuesListOptions {
  /** Return the single field's values instead of one-element tuples. */
  flat: true;
}

/**
 * A lazy, immutable query over one synced model: every chained call returns a new QuerySet, and
 * nothing runs until it is awaited, iterated, or a terminal method (`get`, `count` …) is called.
 *
 * In CDMS mode a read first brings the matching CDMS rows into the local store (one list request,
 * following `__next` up to the slice or `syncPageLimit`), then answers from the local store. After an
 * exact, unsliced listing that `syncPageLimit` did not cut, local rows the listing left out are
 * checked by GUID (one extra request, only when there are such rows): deleted in CDMS -> deleted
 * locally, changed so that they no longer match -> refreshed. With
 * `skipCdms()` it only reads and writes the local store. See docs/api-support.md for the requests
 * each call makes.
 *
 * @example
 * ```ts
 * const found = await Organisation.objects.filter({ name__icontains: 'acm' }).orderBy('-modified').slice(0, 10);
 * // GET AccountSet?$filter=substringof('acm',Name)&$orderby=ModifiedOn desc&$top=10&$select=…
 * // SELECT … WHERE name ILIKE '%acm%' ORDER BY modified DESC, id LIMIT 10
 * ```
 */
export class QuerySet<T extends SyncedModel> implements PromiseLike<T[]>, AsyncIterable<T> {
  /** @internal */
  constructor(
    /** @internal */ readonly engine: SyncEngine,
    /** @internal */ readonly meta: ModelMeta<T>,
    /** @internal */ readonly state: QueryState,
  ) {}

  #clone(changes: Partial<QueryState>): QuerySet<T> {
    return new QuerySet(this.engine, this.meta, Object.freeze({ ...this.state, ...changes }));
  }

  /**
   * Rows matching all conditions (and every earlier filter).
   * @example
   * ```ts
   * Organisation.objects.filter({ name: "O'Neil" }); // $filter=Name eq 'O''Neil'
   * Contact.objects.filter({ organisation: acme }); // $filter=ParentCustomerId/Id eq guid'…'
   * ```
   */
  filter(conditions: QueryInput<T>): QuerySet<T> {
    return filterOrExclude(this, false, conditions);
  }

  /**
   * Rows NOT matching the conditions.
   * @example
   * ```ts
   * Organisation.objects.exclude({ ukOrganisation: true }); // $filter=not (optevia_ukorganisation eq true)
   * ```
   */
  exclude(conditions: QueryInput<T>): QuerySet<T> {
    return filterOrExclude(this, true, conditions);
  }

  /**
   * Order by fields; `-field` descends. Default: `modified` ascending (CDMS's `ModifiedOn asc`), then `id`.
   * @example
   * ```ts
   * Organisation.objects.orderBy('name', '-modified'); // $orderby=Name asc,ModifiedOn desc
   * ```
   */
  orderBy(...fields: OrderByField<T>[]): QuerySet<T> {
    return this.#clone({ orderBy: Object.freeze([...fields] as string[]) });
  }

  /** A copy of this query. */
  all(): QuerySet<T> {
    return this.#clone({});
  }

  /** A query matching nothing; it never makes a request. */
  none(): QuerySet<T> {
    return this.#clone({ none: true });
  }

  /** The same query on the local store only: no CDMS request. */
  skipCdms(): QuerySet<T> {
    return this.#clone({ skipCdms: true });
  }

  /**
   * This query's read policy, instead of the migrator's `readPolicy` (default `'always'`): how the
   * read uses CDMS before the local store answers. `'delta'` and `{ maxStalenessMs }` need a
   * completed backfill of the model (and of the models its filters cross): without one the read
   * throws `NotBackfilledError` before any request. An invalid policy is a `ValidationError`.
   * Writes (`update()`, `delete()`) always find their rows as `'always'` does.
   * @example
   * ```ts
   * await Organisation.objects.fresh('delta').count();
   * // GET AccountSet?$filter=ModifiedOn ge datetime'…'&$orderby=ModifiedOn,AccountId&$select=… (1 request when nothing changed)
   * // SELECT count(*) FROM organisation
   * await Organisation.objects.fresh({ maxStalenessMs: 60_000 }).filter({ name__icontains: 'acme' });
   * // no request when the last poll or delta is under a minute old
   * ```
   */
  fresh(policy: ReadPolicy): QuerySet<T> {
    return this.#clone({ readPolicy: checkReadPolicy(policy, 'fresh()') });
  }

  /**
   * Rows `start` (inclusive) to `end` (exclusive), like `Array.prototype.slice` without negative
   * indexes. `$skip`/`$top` in CDMS, `OFFSET`/`LIMIT` locally.
   * @example
   * ```ts
   * Organisation.objects.orderBy('name').slice(10, 20); // $orderby=Name asc&$top=10&$skip=10
   * ```
   */
  slice(start: number, end?: number): QuerySet<T> {
    if (!Number.isInteger(start) || start < 0 || (end !== undefined && (!Number.isInteger(end) || end < 0))) {
      throw new NotSupportedError('slice() takes whole numbers >= 0 (negative indexes are not supported)');
    }
    const offset = this.state.offset + start;
    let limit = end === undefined ? undefined : Math.max(0, end - start);
    if (this.state.limit !== undefined) {
      const remaining = Math.max(0, this.state.limit - start);
      limit = limit === undefined ? remaining : Math.min(limit, remaining);
    }
    return this.#clone({ offset, limit });
  }

  /**
   * The one row matching the conditions. The local store decides `DoesNotExistError` /
   * `MultipleObjectsReturnedError` without a CDMS request; then one GET refreshes the row when CDMS
   * is newer (`ObjectsNotInSyncError` when the local row is newer). `get({ cdmsPk })` imports a row
   * that is only in CDMS. A CDMS 404 deletes the stale local row (history `delete`, "Deleted in
   * CDMS") and raises `DoesNotExistError`.
   * @example
   * ```ts
   * await Organisation.objects.get({ id: 7 }); // GET AccountSet(guid'…')?$select=AccountId,CreatedOn,ModifiedOn,Name
   * ```
   */
  async get(conditions?: QueryInput<T>): Promise<T> {
    const query = conditions === undefined ? this : this.filter(conditions);
    const resolved = this.meta.resolved ?? (await this.meta.resolve());
    const fields = loadedFields(this.meta, resolved, this.state);
    const foreignKeys = prefetchedForeignKeys(this.meta, resolved, this.state.prefetchRelated);
    const object = await this.engine.get(this.meta, query.state);
    if (fields) narrowObject(this.meta, object, fields);
    if (foreignKeys.length > 0) await prefetchRelated(this.engine.store, this.meta, foreignKeys, [object]);
    return object;
  }

  /** The first row in the ordering (default `modified`, then `id`), or `null`. Syncs one row (`$top=1`). */
  async first(): Promise<T | null> {
    const [row] = await this.slice(0, 1).#fetch();
    return row ?? null;
  }

  /** The last row in the ordering, or `null`: the ordering reversed, then one row (`$top=1`). */
  async last(): Promise<T | null> {
    const ordering = this.state.orderBy.length > 0 ? this.state.orderBy : ['modified'];
    const reversed = ordering.map((field) => (field.startsWith('-') ? field.slice(1) : `-${field}`));
    const [row] = await this.#clone({ orderBy: Object.freeze(reversed) })
      .slice(0, 1)
      .#fetch();
    return row ?? null;
  }

  /**
   * The latest row by `fields` (default `modified`): the ordering reversed, then one row
   * (`$top=1`). Throws `DoesNotExistError` when nothing matches.
   * @example
   * ```ts
   * await Organisation.objects.filter({ ukOrganisation: true }).latest('created');
   * // $filter=optevia_ukorganisation eq true&$orderby=CreatedOn desc&$top=1
   * ```
   */
  async latest(...fields: OrderByField<T>[]): Promise<T> {
    const ordering = (fields.length > 0 ? fields : ['modified']) as string[];
    return this.#firstBy(
      'latest',
      ordering.map((field) => (field.startsWith('-') ? field.slice(1) : `-${field}`)),
    );
  }

  /**
   * The earliest row by `fields` (default `modified`): one row (`$top=1`). Throws
   * `DoesNotExistError` when nothing matches.
   * @example
   * ```ts
   * await Organisation.objects.earliest('name'); // $orderby=Name asc&$top=1
   * ```
   */
  async earliest(...fields: OrderByField<T>[]): Promise<T> {
    return this.#firstBy('earliest', (fields.length > 0 ? fields : ['modified']) as string[]);
  }

  async #firstBy(method: string, ordering: readonly string[]): Promise<T> {
    if (this.state.offset > 0 || this.state.limit !== undefined) {
      throw new NotSupportedError(`Cannot call ${method}() once a slice has been taken`);
    }
    const [row] = await this.#clone({ orderBy: Object.freeze([...ordering]) })
      .slice(0, 1)
      .#fetch();
    if (!row) throw new DoesNotExistError(`${this.meta.Model.name} matching the query does not exist`);
    return row;
  }

  /**
   * The matching objects keyed by `fieldName` (default `id`), as a `Map`; all matching objects when
   * `ids` is not given. The field should be unique (a repeated value keeps the last object).
   *
   * In CDMS mode a mapped field is synced with `$filter=F eq … or …` (split into several requests
   * when the URL would be too long). A local-only field (such as `id`) cannot be sent to CDMS: the
   * rows it names are looked up locally and refreshed by their GUIDs (`AccountId eq guid'…' or …`).
   * @example
   * ```ts
   * const byId = await Organisation.objects.inBulk([1, 2]); // Map { 1 => Organisation, 2 => Organisation }
   * const byName = await Organisation.objects.inBulk(['Acme'], { fieldName: 'name' }); // $filter=Name eq 'Acme'
   * ```
   */
  async inBulk<K extends ModelFieldName<T> = 'id' & ModelFieldName<T>>(
    ids?: readonly T[K][],
    options: InBulkOptions<K> = {},
  ): Promise<Map<T[K], T>> {
    const fieldName: string = options.fieldName ?? 'id';
    if (this.state.offset > 0 || this.state.limit !== undefined) {
      throw new NotSupportedError('Cannot call inBulk() once a slice has been taken');
    }
    const resolved = await this.meta.resolve();
    if (!resolved.localFields.has(fieldName)) {
      throw new FieldError(`${this.meta.Model.name} has no field ${fieldName}`);
    }
    const byKey = new Map<T[K], T>();
    if (ids !== undefined && ids.length === 0) return byKey;
    let query = ids === undefined ? this.all() : this.filter({ [`${fieldName}__in`]: [...ids] } as never);
    if (
      ids !== undefined &&
      !this.state.skipCdms &&
      this.meta.synced &&
      !isMappedField(resolved, fieldName)
    ) {
      const guids = (await query.skipCdms().valuesList('cdmsPk' as never, { flat: true })) as unknown[];
      const known = guids.filter((guid): guid is string => typeof guid === 'string');
      if (known.length > 0) {
        const refresh = this.filter({ cdmsPk__in: known } as never);
        await this.engine.syncMatching(this.meta, await this.engine.prepare(this.meta, refresh.state));
      }
      query = query.skipCdms();
    }
    for (const object of await query)
      byKey.set((object as Record<string, unknown>)[fieldName] as T[K], object);
    return byKey;
  }

  /**
   * Drop repeated results of `values()` / `valuesList()` (Django's `distinct()`); objects are
   * already distinct. Answered from the local store, so it works in CDMS mode too.
   * @example
   * ```ts
   * await Organisation.objects.distinct().valuesList('ukOrganisation', { flat: true }); // [false, true]
   * // SELECT uk_organisation FROM organisation ORDER BY modified, id -- then repeated values dropped
   * ```
   */
  distinct(): QuerySet<T> {
    return this.#clone({ distinct: true });
  }

  /**
   * Aggregates over the matching rows, computed by the local store in one query (after syncing the
   * matching rows, as `count()` does). Needs a store with `aggregate`; otherwise, and on a sliced
   * query, `NotSupportedError` before any request.
   * @example
   * ```ts
   * await Organisation.objects.skipCdms().aggregate({ total: Count('id'), newest: Max('created') });
   * // { total: 2, newest: Date } -- SELECT count(id) AS total, max(created) AS newest FROM organisation
   * ```
   */
  async aggregate<S extends Readonly<Record<string, Aggregation<AggregateFunction, ModelFieldName<T>>>>>(
    aggregations: S,
  ): Promise<AggregateResult<T, S>> {
    return (await this.engine.aggregate(this.meta, this.state, aggregations)) as AggregateResult<T, S>;
  }

  /**
   * Load objects with only these local fields (Django's `only()`; replaces an earlier `only()` or
   * `defer()`). `id`, `cdmsPk` and `modified` are always loaded. In CDMS mode the sync still
   * `$select`s every mapped attribute (the local row stays complete); only the local answer is
   * narrowed. A field left out is `undefined` on the object (it cannot be loaded lazily: reading a
   * property is synchronous) until `refreshFromDb()`, and `save()` never writes it, locally or in
   * CDMS: it sends only the loaded fields that changed. An unknown field is a `FieldError` before
   * any request.
   * @example
   * ```ts
   * const [acme] = await Organisation.objects.only('name');
   * // GET AccountSet?$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation&…
   * // SELECT id, cdms_pk, modified, name FROM organisation ORDER BY modified, id
   * acme.notes; // undefined: not loaded
   * ```
   */
  only(...fields: (ModelFieldName<T> | ForeignKeyName<T>)[]): QuerySet<T> {
    return this.#clone({
      onlyFields: Object.freeze([...fields] as string[]),
      deferFields: Object.freeze([]),
    });
  }

  /**
   * Load objects without these local fields (Django's `defer()`; adds to an earlier `defer()`). The
   * opposite of `only()`, with the same rules: `id`, `cdmsPk` and `modified` are always loaded, a
   * deferred field is `undefined` until `refreshFromDb()`, and `save()` never writes it.
   * @example
   * ```ts
   * await Organisation.objects.skipCdms().defer('notes');
   * // SELECT id, cdms_pk, created, modified, name, uk_organisation FROM organisation ORDER BY modified, id
   * ```
   */
  defer(...fields: (ModelFieldName<T> | ForeignKeyName<T>)[]): QuerySet<T> {
    return this.#clone({ deferFields: Object.freeze([...this.state.deferFields, ...(fields as string[])]) });
  }

  /**
   * Load the objects these foreign keys point at with ONE local query per relation after the
   * objects (`SELECT * FROM organisation WHERE id IN (…)`; none when no object has one), and keep
   * them on the objects: `await contact.related('organisation')` then answers without a query
   * (until the foreign key changes). No extra CDMS request: the list sync already imports the
   * related records it meets. Only forward foreign keys; an unknown one is a `FieldError` before
   * any request.
   * @example
   * ```ts
   * const contacts = await Contact.objects.prefetchRelated('organisation');
   * // SELECT * FROM contact ORDER BY modified, id; SELECT * FROM organisation WHERE id IN (1, 2)
   * await contacts[0]?.related('organisation'); // no query
   * ```
   */
  prefetchRelated(...relations: ForeignKeyName<T>[]): QuerySet<T> {
    return this.#clone({
      prefetchRelated: Object.freeze([
        ...new Set([...this.state.prefetchRelated, ...(relations as string[])]),
      ]),
    });
  }

  /**
   * Django's `selectRelated()`, implemented as `prefetchRelated()`: a second local query per
   * relation, not a join (the store contract has no joins), with the same result.
   * @example
   * ```ts
   * await Contact.objects.selectRelated('organisation'); // 2 local queries, 1 CDMS list request
   * ```
   */
  selectRelated(...relations: ForeignKeyName<T>[]): QuerySet<T> {
    return this.prefetchRelated(...relations);
  }

  /**
   * Objects from your own SQL, on the local store only: call it on `Model.objects.skipCdms()` (or a
   * model without a migrator), with no filter, ordering or slice. `?` placeholders are bound to
   * `bindings` by the driver, never interpolated. Columns of the model's table are named and decoded
   * as every read does; select `id` (an object without it saves as a new row). A column left out is
   * `undefined`, as with `defer()`. In CDMS mode, or on a store without `raw`, it throws
   * `NotSupportedError` before any I/O: CDMS cannot run SQL.
   * @example
   * ```ts
   * await Organisation.objects.skipCdms().raw('SELECT * FROM organisation WHERE name = ?', ['Acme']);
   * ```
   */
  async raw(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
    if (!this.state.skipCdms) {
      throw new NotSupportedError(
        `raw() runs SQL on the local store only: use ${this.meta.Model.name}.objects.skipCdms().raw(…)`,
      );
    }
    const { filters, orderBy, offset, limit, none } = this.state;
    if (filters.length > 0 || orderBy.length > 0 || offset > 0 || limit !== undefined || none) {
      throw new NotSupportedError('raw() runs the SQL as given: call it without filter/orderBy/slice/none');
    }
    if (typeof sql !== 'string' || !Array.isArray(bindings)) {
      throw new NotSupportedError('raw() takes an SQL string and an array of bindings');
    }
    const store = this.engine.store;
    if (!store.raw) throw new NotSupportedError(`The local store (${store.dialect}) cannot run raw SQL`);
    const resolved = await this.meta.resolve();
    const foreignKeys = prefetchedForeignKeys(this.meta, resolved, this.state.prefetchRelated);
    const rows = await store.raw(sql, bindings, { table: this.meta.table });
    const objects = rows.map((row) => this.meta.instantiate(row));
    if (foreignKeys.length > 0) await prefetchRelated(store, this.meta, foreignKeys, objects);
    return objects;
  }

  /** True when at least one row matches. Syncs at most one row (`$top=1`); under `'delta'` / staleness, the delta only. */
  async exists(): Promise<boolean> {
    // An empty slice (`slice(3, 3)`) can hold nothing, whatever matches: no request.
    if (this.state.none || this.state.limit === 0) return false;
    const prepared = await this.engine.prepare(this.meta, this.state, {
      offset: this.state.offset,
      limit: 1,
    });
    // Whether a row exists does not depend on the order, unless an offset skips some: no ORDER BY then.
    const unordered = this.state.offset === 0 ? { ...prepared, storeOrderBy: [] } : prepared;
    const rows = await this.engine.syncAndFind(
      this.meta,
      unordered,
      { offset: this.state.offset, limit: 1 },
      ['id'],
    );
    return rows.length > 0;
  }

  /**
   * The number of matching rows. CDMS has no server-side count: under `'always'` the matching rows
   * are synced first (up to `syncPageLimit`), then counted locally; under `'delta'` / staleness the
   * count is exact from the local store after the delta (no cap, no warning).
   */
  async count(): Promise<number> {
    if (this.state.none) return 0;
    const prepared = await this.engine.prepare(this.meta, this.state);
    if (prepared.matchesNothing) return 0;
    if (this.state.offset === 0 && this.state.limit === undefined) {
      await this.engine.syncMatching(this.meta, prepared);
      return this.engine.store.count(this.meta.table, prepared.storeWhere);
    }
    const slice = { offset: this.state.offset, limit: this.state.limit };
    return (await this.engine.syncAndFind(this.meta, prepared, slice, ['id'])).length;
  }

  /**
   * Create one row: local INSERT + POST (1 request) in one transaction, history `local`.
   * @example
   * ```ts
   * await Organisation.objects.create({ name: 'Acme' }); // POST AccountSet {"Name":"Acme","AccountId":"<new guid>"}
   * ```
   */
  async create(values: CreateValues<T>): Promise<T> {
    return this.engine.create(
      this.meta,
      { ...(values as Record<string, unknown>), ...this.state.createValues },
      this.state.skipCdms,
    );
  }

  /**
   * Create many rows in one transaction: one POST per row.
   * @example
   * ```ts
   * await acme.relatedSet(Contact, 'organisation').bulkCreate([{ lastName: 'Smith' }, { lastName: 'Jones' }]);
   * // POST ContactSet {"LastName":"Smith","ParentCustomerId":{"Id":"<acme's guid>",…},…} (one per object)
   * ```
   */
  async bulkCreate(objects: readonly CreateValues<T>[]): Promise<T[]> {
    return this.engine.bulkCreate(
      this.meta,
      objects.map((values) => ({ ...(values as Record<string, unknown>), ...this.state.createValues })),
      this.state.skipCdms,
    );
  }

  /**
   * This QuerySet, with `values` given to every object it creates (`create`, `bulkCreate`,
   * `getOrCreate`, `updateOrCreate`): what a reverse manager uses to link new children.
   * @internal
   */
  withCreateValues(values: Readonly<Record<string, unknown>>): QuerySet<T> {
    return this.#clone({ createValues: Object.freeze({ ...this.state.createValues, ...values }) });
  }

  /**
   * `get(conditions)`, or create it from the exact-match conditions plus `defaults`; in one
   * transaction. Resolves `[object, created]`. When the local row's record was deleted in CDMS (a
   * 404), `get()` deletes the stale row first, so no duplicate survives beside the new one.
   */
  async getOrCreate(
    conditions: FilterConditions<T>,
    defaults: CreateValues<T> = {} as CreateValues<T>,
  ): Promise<[T, boolean]> {
    return getOrCreate(this, conditions, defaults);
  }

  /**
   * `get(conditions)` and save it with `defaults` applied (MERGE + GET), or create it; in one
   * transaction. Resolves `[object, created]`.
   */
  async updateOrCreate(
    conditions: FilterConditions<T>,
    defaults: CreateValues<T> = {} as CreateValues<T>,
  ): Promise<[T, boolean]> {
    return updateOrCreate(this, conditions, defaults);
  }

  /**
   * Update every matching row through CDMS (MERGE + GET per row) in one transaction; resolves the
   * number of rows.
   * @example
   * ```ts
   * await Organisation.objects.filter({ name__startswith: 'Acme' }).update({ ukOrganisation: true });
   * ```
   */
  async update(values: CreateValues<T>): Promise<number> {
    return this.engine.updateMatching(this.meta, this.state, values as Record<string, unknown>);
  }

  /** Delete every matching row through CDMS (one DELETE per row) in one transaction; resolves the number of rows. */
  async delete(): Promise<number> {
    return this.engine.deleteMatching(this.meta, this.state);
  }

  /**
   * The matching rows as plain objects of the given fields (all fields when none are given).
   * @example
   * ```ts
   * await Organisation.objects.values('id', 'name'); // [{ id: 1, name: 'Acme' }]
   * ```
   */
  async values<K extends ModelFieldName<T>>(...fields: K[]): Promise<Pick<T, K>[]> {
    const rows = await this.#rows(fields.length > 0 ? fields : undefined);
    return rows as Pick<T, K>[];
  }

  /**
   * The matching rows as tuples of the given fields, or with `{ flat: true }` the values of one field.
   * @example
   * ```ts
   * await Organisation.objects.valuesList('name', { flat: true }); // ['Acme', 'Bravo']
   * await Organisation.objects.valuesList('id', 'name'); // [[1, 'Acme'], [2, 'Bravo']]
   * ```
   */
  valuesList<K extends ModelFieldName<T>>(field: K, options: ValuesListOptions): Promise<T[K][]>;
  valuesList<K extends ModelFieldName<T>>(...fields: K[]): Promise<T[K][][]>;
  async valuesList(...args: unknown[]): Promise<unknown[]> {
    const last = args[args.length - 1];
    const flat = typeof last === 'object' && last !== null && (last as ValuesListOptions).flat === true;
    const fields = (flat ? args.slice(0, -1) : args) as string[];
    if (flat && fields.length !== 1)
      throw new NotSupportedError('valuesList(…, { flat: true }) takes exactly one field');
    const rows = await this.#rows(fields.length > 0 ? fields : undefined);
    if (flat) return rows.map((row) => row[fields[0] as string]);
    return rows.map((row) => (fields.length > 0 ? fields : Object.keys(row)).map((field) => row[field]));
  }

  /** Await the query: the matching objects. */
  // biome-ignore lint/suspicious/noThenProperty: a QuerySet is awaitable by design, like Kysely's builders
  then<R1 = T[], R2 = never>(
    onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#fetch().then(onFulfilled, onRejected);
  }

  /** Iterate the matching objects (`for await (const organisation of Organisation.objects.all())`). */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const object of await this.#fetch()) yield object;
  }

  async #rows(fields: readonly string[] | undefined, forObjects = false): Promise<Record<string, unknown>[]> {
    if (this.state.none) return [];
    if (this.state.distinct && fields && !forObjects) return this.#distinctRows(fields);
    const prepared = await this.engine.prepare(this.meta, this.state);
    if (prepared.matchesNothing) return [];
    if (fields) {
      for (const field of fields) {
        if (!prepared.resolved.localFields.has(field)) {
          throw new FieldError(`${this.meta.Model.name} has no field ${field}`);
        }
      }
    }
    return this.engine.syncAndFind(
      this.meta,
      prepared,
      { offset: this.state.offset, limit: this.state.limit },
      fields,
    );
  }

  /** `distinct()` values: repeated results dropped before the slice is taken, as SQL's DISTINCT does. */
  async #distinctRows(fields: readonly string[]): Promise<Record<string, unknown>[]> {
    const unsliced = this.#clone({ offset: 0, limit: undefined, distinct: false });
    const seen = new Set<string>();
    const unique = (await unsliced.#rows(fields)).filter((row) => {
      const key = JSON.stringify(fields.map((field) => row[field]));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const end = this.state.limit === undefined ? undefined : this.state.offset + this.state.limit;
    return unique.slice(this.state.offset, end);
  }

  async #fetch(): Promise<T[]> {
    if (this.state.none) return [];
    const resolved = this.meta.resolved ?? (await this.meta.resolve());
    const fields = loadedFields(this.meta, resolved, this.state);
    const foreignKeys = prefetchedForeignKeys(this.meta, resolved, this.state.prefetchRelated);
    const rows = await this.#rows(fields, true);
    const objects = rows.map((row) => this.meta.instantiate(row));
    if (foreignKeys.length > 0) await prefetchRelated(this.engine.store, this.meta, foreignKeys, objects);
    return objects;
  }
}

/**
 * The one path of `filter()` and `exclude()`. A function rather than a private method: a method
 * taking `QueryInput<T>` would make `Manager<Organisation>` unassignable to `Manager<SyncedModel>`,
 * which `declare static objects: Manager<Organisation>` needs.
 */
function filterOrExclude<T extends SyncedModel>(
  query: QuerySet<T>,
  negate: boolean,
  input: QueryInput<T>,
): QuerySet<T> {
  if (query.state.offset > 0 || query.state.limit !== undefined) {
    throw new NotSupportedError('Cannot filter a query once a slice has been taken');
  }
  if (!isQ(input) && (typeof input !== 'object' || input === null)) {
    throw new NotSupportedError('filter()/exclude() take a conditions object or a Q');
  }
  const filters = Object.freeze([...query.state.filters, { negate, input }]);
  return new QuerySet(query.engine, query.meta, Object.freeze({ ...query.state, filters }));
}

/** True when CDMS can filter by `field`: a mapped field, `cdmsPk`, `created` or `modified`. */
function isMappedField(resolved: ResolvedModel, field: string): boolean {
  const modelField = resolved.schema.fields.get(field);
  const migrator = resolved.schema.migrator;
  return (
    modelField !== undefined && migrator !== undefined && resolveCodec(modelField, migrator) !== undefined
  );
}
