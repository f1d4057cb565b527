import type { LookupName } from '@cdms-sync/core';
import type { StoreColumn } from '../store/store-column';
import type { CompiledSql } from './compiled-sql';
import { globPattern, type PatternPosition } from './like-pattern';
import { type DatePart, WhereCompiler } from './where-compiler';

const STRFTIME_FORMAT: Record<DatePart, string> = {
  year: '%Y',
  month: '%m',
  day: '%d',
  hour: '%H',
  minute: '%M',
  second: '%S',
  week_day: '%w',
};

/**
 * SQLite: its `LIKE` ignores ASCII case, so the case-sensitive lookups use `GLOB` (with `*`, `?`
 * and `[` escaped as classes); the case-insensitive ones use `lower(…) LIKE lower(…)`, which folds
 * ASCII only (SQLite has no Unicode case folding without ICU). Date parts use `strftime` on the
 * UTC ISO-8601 text the store writes. No `regex`/`iregex`: SQLite has no `REGEXP` function built in.
 *
 * @example
 * // { field: 'name', lookup: 'contains', value: 'a*' } -> `name` GLOB ?  -- ? = '*a[*]*'
 * // { field: 'modified', lookup: 'year', value: 2024 } -> CAST(strftime('%Y', `modified`) AS INTEGER) = ?
 */
export class SqliteWhereCompiler extends WhereCompiler {
  readonly dialect = 'sqlite' as const;

  override get unsupportedLookups(): readonly LookupName[] {
    return ['regex', 'iregex'];
  }

  protected override likeCaseSensitive(
    column: StoreColumn,
    value: string,
    position: PatternPosition,
  ): CompiledSql {
    return { sql: '?? GLOB ?', bindings: [column.column, globPattern(value, position)] };
  }

  protected override datePart(column: StoreColumn, part: DatePart): CompiledSql {
    const extracted = `CAST(strftime('${STRFTIME_FORMAT[part]}', ??) AS INTEGER)`;
    return { sql: part === 'week_day' ? `(${extracted} + 1)` : extracted, bindings: [column.column] };
  }
}
