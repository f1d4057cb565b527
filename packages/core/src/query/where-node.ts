/**
 * The one query representation. `filter()`, `exclude()` and `Q` build it; the OData compiler
 * (core) and the store compiler (`@cdms-sync/knex`) both read it. Nodes are frozen plain objects.
 */

/** Separates a field from its lookup in filter keys: `name__icontains`. */
export const LOOKUP_SEP = '__';

/** Every lookup a filter key may name. A key without a suffix means `exact`. */
export const LOOKUP_NAMES = [
  'exact',
  'iexact',
  'contains',
  'icontains',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'range',
  'isnull',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'week_day',
  'regex',
  'iregex',
] as const;

/** A lookup name: the part of a filter key after `__`. */
export type LookupName = (typeof LOOKUP_NAMES)[number];

/**
 * One condition: `field` (a model field name, camelCase) compared by `lookup` with `value`.
 * Values are already validated: `in` holds an array, `range` a `[low, high]` pair, `isnull` a boolean,
 * date parts a whole number; a related model instance has been replaced by its key.
 */
export interface LookupNode {
  readonly kind: 'lookup';
  readonly field: string;
  readonly lookup: LookupName;
  readonly value: unknown;
}

/** All children must hold. An empty `and` matches everything. */
export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly WhereNode[];
}

/** At least one child must hold. An empty `or` matches nothing. */
export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly WhereNode[];
}

/** The child must not hold. */
export interface NotNode {
  readonly kind: 'not';
  readonly child: WhereNode;
}

/**
 * A condition across a foreign key (`organisation__name__icontains`): the row's `field` (the local
 * id field of the foreign key, `organisationId`) points at a row of `table` that matches `where`.
 * `where` is over the related model's fields, in local-store form (a foreign key there compares its
 * local id field); it may hold `related` nodes itself (`organisation__parent__name`). The local store
 * evaluates it as a subquery; CDMS cannot, so the OData compiler rejects it (use `skipCdms()`).
 *
 * @example
 * // Contact.objects.skipCdms().filter({ organisation__name__icontains: 'acme' })
 * // { kind: 'related', field: 'organisationId', relation: 'organisation', table: 'organisation',
 * //   where: { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acme' } }
 * // -> "organisation_id" IN (SELECT "id" FROM "organisation" WHERE lower("name") LIKE lower('%acme%'))
 */
export interface RelatedNode {
  readonly kind: 'related';
  /** The local field holding the related row's local `id`, e.g. `organisationId`. */
  readonly field: string;
  /** The relation (foreign key) name in the filter key, e.g. `organisation`; for messages. */
  readonly relation: string;
  /** The related model's table. */
  readonly table: string;
  /** The condition on the related row. */
  readonly where: WhereNode;
}

/** A where tree. */
export type WhereNode = LookupNode | AndNode | OrNode | NotNode | RelatedNode;

/** One ordering key: a model field name and a direction. */
export interface OrderByTerm {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}
