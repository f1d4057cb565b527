/**
 * Compile-time types of the query API, generic over a model INSTANCE type. They make a misspelt field,
 * an unknown lookup or a wrongly typed value a compile error:
 *
 * @example
 * Organisation.objects.filter({ name__icontains: 'acme' }); // ok
 * Organisation.objects.filter({ nmae__icontains: 'acme' }); // error: no such key
 * Organisation.objects.filter({ created__year: '2016' }); // error: a year is a number
 */
import type { LookupName } from './where-node';

/** True when `T` is `any` or `unknown`: the API then accepts any keys (untyped use). */
type IsUntyped<T> = unknown extends T ? true : false;

/** The data properties of a model instance: no methods, no `_internal` keys. */
export type ModelFieldName<T> = {
  [K in keyof T]-?: K extends string
    ? K extends `_${string}`
      ? never
      : T[K] extends (...args: never[]) => unknown
        ? never
        : K
    : never;
}[keyof T];

/** Lookups on text: case-sensitive and case-insensitive matching, and regular expressions. */
export type TextLookupName =
  | 'iexact'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'istartswith'
  | 'endswith'
  | 'iendswith'
  | 'regex'
  | 'iregex';

/** Lookups that compare with an order. */
export type OrderedLookupName = 'gt' | 'gte' | 'lt' | 'lte' | 'range';

/** Lookups on a part of a date or date-time; the value is a whole number. */
export type DatePartLookupName = 'year' | 'month' | 'day' | 'week_day' | 'hour' | 'minute' | 'second';

/** Lookups every field has. */
export type EqualityLookupName = 'exact' | 'in' | 'isnull';

/** The lookups that make sense for a field holding `V`. */
export type LookupsFor<V> = [NonNullable<V>] extends [string]
  ? EqualityLookupName | OrderedLookupName | TextLookupName
  : [NonNullable<V>] extends [Date]
    ? EqualityLookupName | OrderedLookupName | DatePartLookupName
    : [NonNullable<V>] extends [number | bigint]
      ? EqualityLookupName | OrderedLookupName
      : EqualityLookupName;

/** The value a lookup takes on a field holding `V`. */
export type LookupValue<V, L extends LookupName> = L extends 'exact'
  ? V | null
  : L extends 'in'
    ? readonly NonNullable<V>[]
    : L extends 'range'
      ? readonly [NonNullable<V>, NonNullable<V>]
      : L extends 'isnull'
        ? boolean
        : L extends DatePartLookupName
          ? number
          : L extends TextLookupName
            ? string
            : NonNullable<V>;

/** Every `field__lookup` key of `T`. */
type LookupKey<T> = { [K in ModelFieldName<T>]: `${K}__${LookupsFor<T[K]>}` }[ModelFieldName<T>];

/** The value type of one `field__lookup` key. */
type LookupKeyValue<T, P> = P extends `${infer F}__${infer L}`
  ? F extends keyof T
    ? L extends LookupName
      ? LookupValue<T[F], L>
      : never
    : never
  : never;

/**
 * The foreign keys a model names by its local id fields: `organisationId: number | null` implies the
 * relation `organisation` (the runtime stores foreign key `organisation` as `organisationId`, see
 * `foreignKeyLocalField`). A name the model declares itself (`declare organisation?: Organisation`)
 * is a field of its own, with that declared type, and not listed here.
 *
 * @example
 * type Names = RelationName<Contact>; // 'organisation'
 */
export type RelationName<T> = {
  [K in ModelFieldName<T>]: K extends `${infer R}Id`
    ? R extends '' | ModelFieldName<T>
      ? never
      : [NonNullable<T[K]>] extends [number]
        ? R
        : never
    : never;
}[ModelFieldName<T>];

/**
 * A related row given by value, as `filter()`, `create()` and `update()` take it: a saved model
 * instance (anything with its local `id`), or that `id` itself.
 *
 * @example
 * Contact.objects.filter({ organisation: acme }); // or { organisation: acme.id }
 */
export type RelatedValue<Id = number> = { readonly id: NonNullable<Id> } | NonNullable<Id>;

/** The related value of relation `R` of `T`: typed by its `${R}Id` field. */
type RelationValue<T, R extends string> = RelatedValue<T[`${R}Id` & keyof T]>;

/** Filter keys of the implied relations: `organisation`, `organisation__exact`, `__in`, `__isnull`. */
type RelationConditions<T> = { readonly [R in RelationName<T>]?: RelationValue<T, R> | null } & {
  readonly [R in RelationName<T> as `${R}__exact`]?: RelationValue<T, R> | null;
} & { readonly [R in RelationName<T> as `${R}__in`]?: readonly RelationValue<T, R>[] } & {
  readonly [R in RelationName<T> as `${R}__isnull`]?: boolean;
};

/**
 * The conditions object of `filter()`, `exclude()`, `get()` and `Q()`: each key is a field (exact match)
 * or `field__lookup`; several keys are ANDed. A foreign key is also accepted by its relation name
 * (see {@link RelationName}) with a related object or its id.
 *
 * @example
 * const conditions: FilterConditions<Organisation> = { name__icontains: 'acme', created__year: 2016, parent__isnull: true };
 * const ofAcme: FilterConditions<Contact> = { organisation: acme }; // $filter=ParentCustomerId/Id eq guid'…'
 */
export type FilterConditions<T> =
  IsUntyped<T> extends true
    ? Readonly<Record<string, unknown>>
    : Flatten<
        { readonly [K in ModelFieldName<T>]?: T[K] | null } & {
          readonly [P in LookupKey<T>]?: LookupKeyValue<T, P>;
        } & RelationConditions<T>
      >;

/**
 * One object type of an intersection. Keeps the conditions a "weak" type (only optional keys), so
 * TypeScript still rejects an object with none of its keys, such as a `Q` of another model; an
 * intersection with an empty member (a model without relations) would accept any object.
 */
type Flatten<T> = { [K in keyof T]: T[K] };

/** An `orderBy()` key: a field, or `-field` for descending order. */
export type OrderByField<T> =
  IsUntyped<T> extends true ? string : ModelFieldName<T> | `-${ModelFieldName<T>}`;

/**
 * The values of `create()`, `update()` and `getOrCreate()` defaults: any data fields, no methods; a
 * foreign key also by its relation name (see {@link RelationName}) with a related object or its id.
 *
 * @example
 * const values: CreateValues<Contact> = { lastName: 'Smith', organisation: acme }; // stored as organisationId
 */
export type CreateValues<T> =
  IsUntyped<T> extends true
    ? Readonly<Record<string, unknown>>
    : Flatten<{ [K in ModelFieldName<T>]?: T[K] } & { [R in RelationName<T>]?: RelationValue<T, R> | null }>;
