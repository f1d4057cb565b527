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
  return {
    sql: parts.map((part) => part.sql).join(separator),
    bindings: parts.flatMap((part) => part.bindings),
  };
}
