import type { AggregateFunction } from '../store/local-store';

/**
 * One aggregate of `QuerySet.aggregate(…)`: a function over a field. Build it with `Count`, `Sum`,
 * `Avg`, `Min` or `Max` (named as in Django).
 */
export interface Aggregation<F extends AggregateFunction = AggregateFunction, K extends string = string> {
  readonly kind: 'aggregation';
  readonly function: F;
  readonly field: K;
}

/** What `aggregate(spec)` resolves: `count` a number, `sum`/`avg` a number or `null` (no values), `min`/`max` the field's type or `null`. */
export type AggregateResult<T, S extends Readonly<Record<string, Aggregation>>> = {
  -readonly [Name in keyof S]: S[Name] extends Aggregation<'count', string>
    ? number
    : S[Name] extends Aggregation<'min' | 'max', infer K>
      ? (K extends keyof T ? T[K] : unknown) | null
      : number | null;
};

function aggregation<F extends AggregateFunction, K extends string>(fn: F, field: K): Aggregation<F, K> {
  return Object.freeze({ kind: 'aggregation', function: fn, field });
}

/**
 * The number of rows whose `field` is not null (`Count('id')`: every row).
 * @example
 * ```ts
 * await Organisation.objects.aggregate({ total: Count('id') }); // { total: 2 } -- SELECT count(id) …
 * ```
 */
export function Count<K extends string>(field: K): Aggregation<'count', K> {
  return aggregation('count', field);
}

/** The sum of a number field, `null` without values. `SELECT sum(field) …` */
export function Sum<K extends string>(field: K): Aggregation<'sum', K> {
  return aggregation('sum', field);
}

/** The average of a number field, `null` without values. `SELECT avg(field) …` */
export function Avg<K extends string>(field: K): Aggregation<'avg', K> {
  return aggregation('avg', field);
}

/** The smallest value of a field, `null` without values. `SELECT min(field) …` */
export function Min<K extends string>(field: K): Aggregation<'min', K> {
  return aggregation('min', field);
}

/** The largest value of a field, `null` without values. `SELECT max(field) …` */
export function Max<K extends string>(field: K): Aggregation<'max', K> {
  return aggregation('max', field);
}

/** True for an `Aggregation` built by `Count`, `Sum` … @internal */
export function isAggregation(value: unknown): value is Aggregation {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'aggregation';
}
