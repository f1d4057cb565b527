import type { StoreColumn } from '../store/store-column';
import type { CompiledSql } from './compiled-sql';
import { likeCondition, type PatternPosition } from './like-pattern';
import { type DatePart, WhereCompiler } from './where-compiler';

const DATE_FUNCTION: Record<DatePart, string> = {
  year: 'YEAR',
  month: 'MONTH',
  day: 'DAYOFMONTH',
  hour: 'HOUR',
  minute: 'MINUTE',
  second: 'SECOND',
  // DAYOFWEEK is already Django's numbering: 1 = Sunday … 7 = Saturday.
  week_day: 'DAYOFWEEK',
};

/**
 * MySQL / MariaDB: the default collations ignore case (and accents, and trailing spaces), so the
 * case-sensitive lookups compare as binary: `LIKE CAST(? AS BINARY)`, and `exact`/`in` on text
 * columns add a binary comparison next to the plain one (which keeps the index usable). Date parts
 * use `YEAR()` … `DAYOFWEEK()` on the stored UTC wall clock (the connection must use
 * `timezone: 'Z'`). Regex uses `REGEXP` with an inline `(?-i)` / `(?i)` flag, so case sensitivity
 * does not depend on the column's collation.
 *
 * @example
 * // { field: 'name', lookup: 'exact', value: 'Acme' } -> (`name` = ? AND `name` = CAST(? AS BINARY))
 * // { field: 'name', lookup: 'endswith', value: '%' } -> `name` LIKE CAST(? AS BINARY) ESCAPE '!'  -- ? = '%!%'
 */
export class MysqlWhereCompiler extends WhereCompiler {
  readonly dialect = 'mysql' as const;

  protected override orderByTerm(column: StoreColumn, direction: 'asc' | 'desc'): CompiledSql {
    // MySQL sorts NULL first ascending and has no `NULLS LAST`: sort on `IS NULL` first.
    return { sql: `?? IS NULL ${direction}, ?? ${direction}`, bindings: [column.column, column.column] };
  }

  protected override exact(column: StoreColumn, value: unknown): CompiledSql {
    if (!isText(column)) return super.exact(column, value);
    const encoded = this.context.encode(column, value);
    return {
      sql: '(?? = ? AND ?? = CAST(? AS BINARY))',
      bindings: [column.column, encoded, column.column, encoded],
    };
  }

  protected override in(column: StoreColumn, values: readonly unknown[]): CompiledSql {
    if (!isText(column)) return super.in(column, values);
    const encoded = values.map((value) => this.context.encode(column, value));
    return {
      sql: `(?? IN (${encoded.map(() => '?').join(', ')}) AND ?? IN (${encoded.map(() => 'CAST(? AS BINARY)').join(', ')}))`,
      bindings: [column.column, ...encoded, column.column, ...encoded],
    };
  }

  protected override likeCaseSensitive(
    column: StoreColumn,
    value: string,
    position: PatternPosition,
  ): CompiledSql {
    return likeCondition('?? LIKE CAST(? AS BINARY)', column, value, position);
  }

  protected override datePart(column: StoreColumn, part: DatePart): CompiledSql {
    return { sql: `${DATE_FUNCTION[part]}(??)`, bindings: [column.column] };
  }

  protected override regex(column: StoreColumn, pattern: string, caseSensitive: boolean): CompiledSql {
    return { sql: '?? REGEXP ?', bindings: [column.column, `${caseSensitive ? '(?-i)' : '(?i)'}${pattern}`] };
  }
}

function isText(column: StoreColumn): boolean {
  return column.type === 'string' || column.type === 'uuid';
}
