import type { StoreColumn } from '../store/store-column';
import type { CompiledSql } from './compiled-sql';

/**
 * The escape character of every `LIKE` the store emits (`… LIKE ? ESCAPE '!'`). Not the
 * backslash: MySQL string literals treat `\` as an escape themselves, `!` means the same everywhere.
 */
export const LIKE_ESCAPE = '!';

/** Where the user's text sits in a pattern: `contains` -> anywhere, `startswith` -> start, `endswith` -> end. */
export type PatternPosition = 'contains' | 'startswith' | 'endswith';

/**
 * A `LIKE` pattern matching `text` literally: `%`, `_` and the escape character are escaped.
 *
 * @example likePattern('50%_off', 'contains') // '%50!%!_off%'
 */
export function likePattern(text: string, position: PatternPosition): string {
  const escaped = text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`);
  return wrap(escaped, position, '%');
}

/**
 * A `LIKE` condition: `template` (`??` stands for the column, `?` for the pattern) with the
 * store's `ESCAPE` clause, bound to `column` and the pattern matching `text` literally. Dialects
 * differ only in the template (casts, `ILIKE`, `BINARY`).
 *
 * @example likeCondition('CAST(?? AS text) ILIKE ?', name, '50%', 'startswith')
 * // { sql: "CAST(?? AS text) ILIKE ? ESCAPE '!'", bindings: ['name', '50!%%'] }
 */
export function likeCondition(
  template: string,
  column: StoreColumn,
  text: string,
  position: PatternPosition,
): CompiledSql {
  return {
    sql: `${template} ESCAPE '${LIKE_ESCAPE}'`,
    bindings: [column.column, likePattern(text, position)],
  };
}

/**
 * A SQLite `GLOB` pattern (case-sensitive, unlike SQLite's `LIKE`) matching `text` literally:
 * `*`, `?` and `[` become one-character classes.
 *
 * @example globPattern('a*b', 'startswith') // 'a[*]b*'
 */
export function globPattern(text: string, position: PatternPosition): string {
  const escaped = text.replace(/[*?[]/g, (character) => `[${character}]`);
  return wrap(escaped, position, '*');
}

function wrap(escaped: string, position: PatternPosition, anything: string): string {
  if (position === 'startswith') return `${escaped}${anything}`;
  if (position === 'endswith') return `${anything}${escaped}`;
  return `${anything}${escaped}${anything}`;
}
