import type { StoreDialect } from '../store/dialect';
import type { StoreColumn } from '../store/store-column';
import type { CompileContext, CompiledSql } from './compiled-sql';
import { likeCondition, type PatternPosition } from './like-pattern';
import { type DatePart, WhereCompiler } from './where-compiler';

const EXTRACT_FIELD: Record<DatePart, string> = {
  year: 'YEAR',
  month: 'MONTH',
  day: 'DAY',
  hour: 'HOUR',
  minute: 'MINUTE',
  second: 'SECOND',
  week_day: 'DOW',
};

/**
 * PostgreSQL and PGlite: `LIKE` is case-sensitive, `ILIKE` is not; text lookups cast the column to
 * `text` so they work on any column type; date parts use `EXTRACT` in UTC; regex uses `~` / `~*`.
 *
 * @example
 * // { field: 'name', lookup: 'istartswith', value: 'a_b' } -> CAST("name" AS text) ILIKE $1 ESCAPE '!'  -- $1 = 'a!_b%'
 * // { field: 'modified', lookup: 'week_day', value: 1 }  -> (CAST(EXTRACT(DOW FROM "modified" AT TIME ZONE 'UTC') AS integer) + 1) = $1
 */
export class PostgresWhereCompiler extends WhereCompiler {
  constructor(
    context: CompileContext,
    readonly dialect: StoreDialect = 'postgresql',
  ) {
    super(context);
  }

  protected override iexact(column: StoreColumn, value: string): CompiledSql {
    return { sql: 'lower(CAST(?? AS text)) = lower(?)', bindings: [column.column, value] };
  }

  protected override likeCaseSensitive(
    column: StoreColumn,
    value: string,
    position: PatternPosition,
  ): CompiledSql {
    return likeCondition('CAST(?? AS text) LIKE ?', column, value, position);
  }

  protected override likeCaseInsensitive(
    column: StoreColumn,
    value: string,
    position: PatternPosition,
  ): CompiledSql {
    return likeCondition('CAST(?? AS text) ILIKE ?', column, value, position);
  }

  protected override datePart(column: StoreColumn, part: DatePart): CompiledSql {
    // `timestamptz AT TIME ZONE 'UTC'` is the UTC wall clock; a plain `timestamp` already is one.
    const source = column.withTimeZone ? `?? AT TIME ZONE 'UTC'` : '??';
    const extracted = `EXTRACT(${EXTRACT_FIELD[part]} FROM ${source})`;
    const integer =
      part === 'second' ? `CAST(FLOOR(${extracted}) AS integer)` : `CAST(${extracted} AS integer)`;
    return { sql: part === 'week_day' ? `(${integer} + 1)` : integer, bindings: [column.column] };
  }

  protected override regex(column: StoreColumn, pattern: string, caseSensitive: boolean): CompiledSql {
    return { sql: `CAST(?? AS text) ${caseSensitive ? '~' : '~*'} ?`, bindings: [column.column, pattern] };
  }
}
