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
 * The conditions object of `filter()`, `exclude()`, `get()` and `Q()`: each key is a field (exact match)
 * or `field__lookup`; several keys are ANDed.
 *
 * @example
 * const conditions: FilterConditions<Organisation> = { name__icontains: 'acme', created__year: 2016, parent__isnull: true };
 */
export type FilterConditions<T> =
  IsUntyped<T> extends true
    ? Readonly<Record<string, unknown>>
    : { readonly [K in ModelFieldName<T>]?: T[K] | null } & {
        readonly [P in LookupKey<T>]?: LookupKeyValue<T, P>;
      };

/** An `orderBy()` key: a field, or `-field` for descending order. */
export type OrderByField<T> =
  IsUntyped<T> extends true ? string : ModelFieldName<T> | `-${ModelFieldName<T>}`;

/** The values of `create()` and `new Model(…)`: any data fields, no methods. */
export type CreateValues<T> =
  IsUntyped<T> extends true ? Readonly<Record<string, unknown>> : { [K in ModelFieldName<T>]?: T[K] };
