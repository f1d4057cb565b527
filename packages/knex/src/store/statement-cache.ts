import type { Knex } from 'knex';
import type { CompiledSql } from '../compiler/compiled-sql';
import type { StoreDialect } from './dialect';

/** Distinct statement shapes kept per store (then it starts over). */
const MAX_STATEMENTS = 1000;

/** Longer texts (inserts of thousands of rows) are not kept: they would hold megabytes. */
const MAX_KEPT_TEXT_LENGTH = 64 * 1024;

/** Knex placeholders: `?` a value, `??` an identifier, `\?` a literal question mark. */
const PLACEHOLDER = /\\?\?\??/g;

/**
 * The SQL text of the store's statements, kept per shape. Knex builds the same text for every
 * statement of one shape (one table, one list of columns, one number of rows, one compiled where
 * tree …), and building it cost more CPU than the rest of a store call: a 50-row upsert spent
 * most of its JavaScript time in Knex's insert compiler. So the first statement of a shape runs as
 * Knex built it and its text is kept; later ones run that text with their own values through
 * `knex.raw`, which still binds every value as a parameter (`$1` on PostgreSQL, `?` on MySQL and
 * SQLite).
 *
 * A shape is kept only when the built statement takes exactly the given values, in order, and its
 * text has one placeholder per value, so the text cannot depend on anything but the shape: a
 * statement whose values Knex rewrites (a `DEFAULT` for a missing column …) is always built by
 * Knex. A statement with an `undefined` value, also inside an array or object value, is never run
 * from text (Knex refuses one in `raw`, and inserts it as `NULL` from a builder).
 *
 * @example
 * const statements = new StatementCache('postgresql');
 * const rows = await statements.rows(knex, `find\0organisation\0…`, [42], () =>
 *   knex('organisation').where('id', 42),
 * );
 * // first call: Knex builds `select * from "organisation" where "id" = ?` and runs it;
 * // later calls: knex.raw('select * from "organisation" where "id" = ?', [43])
 *
 * @internal
 */
export class StatementCache {
  readonly #dialect: StoreDialect;
  /** Text per shape; `null`: the shape cannot be run from text. */
  readonly #texts = new Map<string, string | null>();
  /** Per fragment text: which of its bindings are values (`?`), not identifiers (`??`). */
  readonly #valueMasks = new Map<string, readonly boolean[]>();

  constructor(dialect: StoreDialect) {
    this.#dialect = dialect;
  }

  /**
   * The rows of a statement of shape `key` with `values` (the statement's values, in order):
   * from the kept text, or from `build()` (whose text is then kept when it qualifies). Without a
   * key or values (a statement whose shape cannot be told, see `split` and `insertValues`) the
   * statement is always built.
   */
  async rows(
    runner: Knex,
    key: string | undefined,
    values: readonly unknown[] | undefined,
    build: () => Knex.QueryBuilder,
  ): Promise<Record<string, unknown>[]> {
    if (key === undefined || values === undefined) return (await build()) as Record<string, unknown>[];
    const text = this.#texts.get(key);
    if (text !== undefined && text !== null && !values.some(holdsUndefined)) {
      return rowsOf(this.#dialect, await runner.raw(text, values as Knex.RawBinding[]));
    }
    const builder = build();
    if (text === undefined) this.#keep(key, builder, values);
    return (await builder) as Record<string, unknown>[];
  }

  /**
   * Compiled fragments (a where tree, an ORDER BY) as part of a statement: their values in order,
   * and their shape: the text with the identifiers (`??` bindings, which Knex writes into the
   * text) and the values removed; no shape when an identifier is not a plain name.
   */
  split(fragments: readonly (CompiledSql | undefined)[]): { shape: string | undefined; values: unknown[] } {
    let named = true;
    const values: unknown[] = [];
    let shape = '';
    for (const fragment of fragments) {
      shape += '\u0000';
      if (fragment === undefined) continue;
      shape += fragment.sql;
      const mask = this.#valueMask(fragment.sql);
      const { bindings } = fragment;
      for (let index = 0; index < bindings.length; index += 1) {
        if (mask[index]) values.push(bindings[index]);
        else if (typeof bindings[index] === 'string') shape += `\u0001${bindings[index]}`;
        else named = false;
      }
    }
    return { shape: named ? shape : undefined, values };
  }

  #valueMask(sql: string): readonly boolean[] {
    let mask = this.#valueMasks.get(sql);
    if (mask === undefined) {
      mask = (sql.match(PLACEHOLDER) ?? []).filter((mark) => mark !== '\\?').map((mark) => mark === '?');
      if (this.#valueMasks.size >= MAX_STATEMENTS) this.#valueMasks.clear();
      this.#valueMasks.set(sql, mask);
    }
    return mask;
  }

  #keep(key: string, builder: Knex.QueryBuilder, values: readonly unknown[]): void {
    const built = builder.toSQL();
    const placeholders = Array.isArray(built)
      ? []
      : (built.sql.match(PLACEHOLDER) ?? []).filter((mark) => mark !== '\\?');
    const qualifies =
      !Array.isArray(built) &&
      built.sql.length <= MAX_KEPT_TEXT_LENGTH &&
      placeholders.length === values.length &&
      placeholders.every((mark) => mark === '?') &&
      built.bindings.length === values.length &&
      built.bindings.every((binding, index) => Object.is(binding, values[index]));
    if (this.#texts.size >= MAX_STATEMENTS) this.#texts.clear();
    this.#texts.set(key, qualifies ? built.sql : null);
  }
}

/** Whether a value is, or holds in an array or plain object, `undefined` (as Knex's `raw` checks). */
function holdsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value).some(holdsUndefined);
}

/**
 * The values of rows that all have the columns of the first row, row after row, each in Knex's
 * insert order (column names sorted); `undefined` when some row has other columns (Knex then
 * fills the gaps with `DEFAULT`, so such a statement is always built by Knex).
 */
export function insertValues(rows: readonly Record<string, unknown>[]): unknown[] | undefined {
  const [first] = rows;
  if (first === undefined) return undefined;
  const columns = Object.keys(first).sort();
  const values = new Array<unknown>(rows.length * columns.length);
  let position = 0;
  for (const row of rows) {
    let count = 0;
    for (const column in row) if (Object.hasOwn(row, column)) count += 1;
    if (count !== columns.length) return undefined;
    for (const column of columns) {
      if (!Object.hasOwn(row, column)) return undefined;
      values[position] = row[column];
      position += 1;
    }
  }
  return values;
}

/** The rows of a `knex.raw` result: `{ rows }` on PostgreSQL/PGlite, `[rows, fields]` on MySQL, rows on SQLite. */
export function rowsOf(dialect: StoreDialect, result: unknown): Record<string, unknown>[] {
  const rows = dialect === 'mysql' && Array.isArray(result) ? result[0] : result;
  const list = Array.isArray(rows) ? rows : (rows as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(list)
    ? list.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null)
    : [];
}
