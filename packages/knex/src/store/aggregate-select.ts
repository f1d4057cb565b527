import type { AggregateFunction, StoreAggregation } from '@cdms-sync/core';
import { FieldError, ValidationError } from '@cdms-sync/core';
import type { Knex } from 'knex';
import type { StoreDialect } from './dialect';
import type { StoreColumn } from './store-column';
import { decodeValue } from './value-codec';

const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set<AggregateFunction>([
  'count',
  'sum',
  'avg',
  'min',
  'max',
]);

/** Column types `sum` and `avg` accept: the same on every dialect (SQLite would sum text as 0). */
const NUMBER_TYPES: ReadonlySet<string> = new Set(['integer', 'decimal', 'float']);

/** One aggregation, checked and resolved to its column, ready to select. @internal */
export interface ResolvedAggregation {
  /** The caller's result key. */
  readonly name: string;
  /** The SQL alias: `a0`, `a1` … (see `aggregateSelect`). */
  readonly alias: string;
  readonly function: AggregateFunction;
  readonly column: StoreColumn;
}

/**
 * Checks `aggregations` and resolves their fields, throwing before any SQL: `FieldError` for an
 * unknown field (through `columnFor`, the store's field resolution), for `sum`/`avg` on a field that
 * is not a number, and for `min`/`max` on JSON (no order on PostgreSQL); `ValidationError` for an
 * unknown function.
 *
 * @internal
 */
export function resolveAggregations(
  table: string,
  aggregations: Readonly<Record<string, StoreAggregation>>,
  columnFor: (field: string) => StoreColumn,
): ResolvedAggregation[] {
  return Object.entries(aggregations).map(([name, aggregation], index) => {
    const aggregateFunction = (aggregation as Partial<StoreAggregation> | undefined)?.function;
    if (typeof aggregateFunction !== 'string' || !AGGREGATE_FUNCTIONS.has(aggregateFunction)) {
      throw new ValidationError(
        `aggregate("${table}"): "${name}" must use count, sum, avg, min or max, got ${String(aggregateFunction)}.`,
      );
    }
    const column = columnFor(aggregation.field);
    if ((aggregateFunction === 'sum' || aggregateFunction === 'avg') && !NUMBER_TYPES.has(column.type)) {
      throw new FieldError(
        `aggregate("${table}"): ${aggregateFunction}(${column.field}) needs a number field; "${column.field}" is ${column.type}.`,
      );
    }
    if ((aggregateFunction === 'min' || aggregateFunction === 'max') && column.type === 'json') {
      throw new FieldError(
        `aggregate("${table}"): ${aggregateFunction}(${column.field}) cannot order a JSON field.`,
      );
    }
    return { name, alias: `a${index}`, function: aggregateFunction, column };
  });
}

/**
 * The select list of one aggregate query: `count("price") as "a0", sum("price") as "a1" …`, with
 * every identifier quoted by Knex. The aliases are positional (`a0`, `a1` …), never the caller's
 * names: those may hold any character and PostgreSQL would silently truncate one longer than 63
 * bytes; `decodeAggregates` maps them back.
 *
 * PostgreSQL has no `min`/`max` over booleans or UUIDs: it gets `bool_and`/`bool_or` and
 * `min(CAST(col AS text))` instead, so every dialect answers the same.
 *
 * @internal
 */
export function aggregateSelect(
  knex: Knex,
  dialect: StoreDialect,
  aggregations: readonly ResolvedAggregation[],
): Knex.Raw[] {
  const postgres = dialect === 'postgresql' || dialect === 'pglite';
  // The function name is one of the five checked by `resolveAggregations`; identifiers go through `??`.
  return aggregations.map(({ alias, function: aggregateFunction, column }) => {
    const ordered = aggregateFunction === 'min' || aggregateFunction === 'max';
    if (postgres && ordered && column.type === 'boolean') {
      return knex.raw(`${aggregateFunction === 'min' ? 'bool_and' : 'bool_or'}(??) as ??`, [
        column.column,
        alias,
      ]);
    }
    if (postgres && ordered && column.type === 'uuid') {
      return knex.raw(`${aggregateFunction}(CAST(?? AS text)) as ??`, [column.column, alias]);
    }
    return knex.raw(`${aggregateFunction}(??) as ??`, [column.column, alias]);
  });
}

/**
 * Turns the one row of an aggregate query into the caller's result: `count` a number (0 without
 * rows); `sum`/`avg` a JS number (drivers answer `bigint`/`numeric` as strings) or `null`; `min`/`max`
 * the value decoded exactly as `find` decodes the column, or `null`.
 *
 * @internal
 */
export function decodeAggregates(
  dialect: StoreDialect,
  aggregations: readonly ResolvedAggregation[],
  row: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return Object.fromEntries(
    aggregations.map(({ name, alias, function: aggregateFunction, column }) => {
      const value = row?.[alias] ?? null;
      switch (aggregateFunction) {
        case 'count':
          return [name, Number(value ?? 0)];
        case 'sum':
        case 'avg':
          return [name, value === null ? null : Number(value)];
        default:
          return [name, decodeValue(dialect, column, value)];
      }
    }),
  );
}
