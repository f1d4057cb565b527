import type { StoreColumn } from '../store/store-column';

/**
 * A SQL fragment with Knex placeholders: `?` for a value, `??` for an identifier (wrapped by Knex
 * for the dialect). Apply with `builder.whereRaw(sql, bindings)`.
 */
export interface CompiledSql {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * What a compiler needs from the store: the column behind a model field (throws `FieldError` for an
 * unknown field), the driver value for a model value (throws `ValidationError`), and the context of
 * a related table.
 *
 * @internal
 */
export interface CompileContext {
  columnFor(field: string): StoreColumn;
  encode(column: StoreColumn, value: unknown): unknown;
  /**
   * The context of another table, for a condition across a relation (`related` node); the store
   * loads the tables a where tree names before compiling. Absent: such conditions are not supported.
   */
  relatedContext?(table: string): CompileContext;
}

/** Joins fragments with a separator, concatenating their bindings in order. */
export function joinSql(parts: readonly CompiledSql[], separator: string): CompiledSql {
  // One fragment (the common `where` of one condition) is its own join.
  if (parts.length === 1) return parts[0] as CompiledSql;
  let sql = '';
  const bindings: unknown[] = [];
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as CompiledSql;
    sql = index === 0 ? part.sql : `${sql}${separator}${part.sql}`;
    for (const binding of part.bindings) bindings.push(binding);
  }
  return { sql, bindings };
}
