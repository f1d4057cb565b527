import type { ReadPolicy } from '../migrator/read-policy';

/** One `filter()` (negate false) or `exclude()` (negate true) call, kept as given until the query runs. */
export interface FilterStep {
  readonly negate: boolean;
  /** Filter conditions (`{ name__icontains: 'acm' }`) or a `Q`. */
  readonly input: unknown;
}

/**
 * The immutable state of a QuerySet. Filters stay unvalidated until the query runs, because the
 * model's schema comes from the table description (an async, cached call).
 * @internal
 */
export interface QueryState {
  readonly filters: readonly FilterStep[];
  /** `orderBy('name', '-modified')` keys as given. */
  readonly orderBy: readonly string[];
  readonly offset: number;
  readonly limit: number | undefined;
  /** `none()`: matches nothing, without any request. */
  readonly none: boolean;
  /** `skipCdms()`: local store only. */
  readonly skipCdms: boolean;
  /** `distinct()`: `values()` / `valuesList()` drop repeated results. */
  readonly distinct: boolean;
  /** `only(…)`: the fields objects are loaded with (`undefined`: every field). */
  readonly onlyFields: readonly string[] | undefined;
  /** `defer(…)`: fields objects are loaded without. */
  readonly deferFields: readonly string[];
  /** `prefetchRelated(…)` / `selectRelated(…)`: foreign keys loaded with one query each. */
  readonly prefetchRelated: readonly string[];
  /** `fresh(policy)`: this query's read policy (`undefined`: the migrator's, default `'always'`). */
  readonly readPolicy: ReadPolicy | undefined;
  /**
   * Values every object created through this QuerySet gets (a reverse manager,
   * `acme.relatedSet(Contact, 'organisation')`, links its new children to `acme`). They win over
   * the caller's values, as Django's reverse manager sets the foreign key.
   */
  readonly createValues: Readonly<Record<string, unknown>>;
}

/** The state of `Model.objects`. @internal */
export const EMPTY_QUERY_STATE: QueryState = Object.freeze({
  filters: Object.freeze([]) as readonly FilterStep[],
  orderBy: Object.freeze([]) as readonly string[],
  offset: 0,
  limit: undefined,
  none: false,
  skipCdms: false,
  distinct: false,
  onlyFields: undefined,
  deferFields: Object.freeze([]) as readonly string[],
  prefetchRelated: Object.freeze([]) as readonly string[],
  readPolicy: undefined,
  createValues: Object.freeze({}),
});

/** The state of `Model.objects` for a model without a migrator: local store only. @internal */
export const LOCAL_QUERY_STATE: QueryState = Object.freeze({ ...EMPTY_QUERY_STATE, skipCdms: true });
