import { ValidationError } from '../errors/errors';
import type { ModelMeta, ResolvedModel } from '../model/model-meta';
import { describeValue as describe } from '../query/describe-value';
import { normaliseGuid } from '../query/guid';
import type { ColumnDescription, Row } from '../store/local-store';

/** Fields the sync engine fills itself: never required from the caller. */
const ENGINE_FIELDS: ReadonlySet<string> = new Set(['id', 'cdmsPk', 'created', 'modified', 'cdmsVersion']);

/** What `validateRow` checks: a whole new row (`create`) or the fields of an update (`update`). */
export type ValidationMode = 'create' | 'update';

/**
 * Check a local row against its table before any I/O, as far as the table description says: a
 * value too long for its `varchar(n)` column, `null` for a non-nullable column, a value of the wrong
 * type, a NUL character in text (PostgreSQL cannot store it), a `cdmsPk` that is not a GUID and, on
 * `create`, a non-nullable column without a default left out. Throws `ValidationError` naming the
 * model and field; returns the row unchanged.
 *
 * @example
 * ```ts
 * validateRow(meta, resolved, { name: 'x'.repeat(300) }, 'update');
 * // ValidationError: Organisation.name is 300 characters long; its column holds at most 255
 * ```
 * @internal
 */
export function validateRow(meta: ModelMeta, resolved: ResolvedModel, row: Row, mode: ValidationMode): Row {
  const model = meta.Model.name;
  // for…in rather than Object.entries: no pair arrays to allocate for every row of an import.
  for (const field in row) {
    if (!Object.hasOwn(row, field)) continue;
    const value = row[field];
    if (value === undefined) continue;
    if (field === 'cdmsPk') {
      if (value !== null && normaliseGuid(value) === undefined) {
        throw new ValidationError(`${model}.cdmsPk must be a GUID, got ${describe(value)}`, {
          field,
        });
      }
      continue;
    }
    const column = resolved.columnsByField.get(field);
    if (column === undefined) continue;
    const problem = valueProblem(column, value);
    if (problem !== undefined) throw new ValidationError(`${model}.${field} ${problem}`, { field });
  }
  if (mode === 'create') {
    for (const column of resolved.columns) {
      if (ENGINE_FIELDS.has(column.field) || column.nullable || column.hasDefault !== false) continue;
      if (row[column.field] === undefined) {
        throw new ValidationError(
          `${model}.${column.field} is required: its column is not nullable and has no default`,
          { field: column.field },
        );
      }
    }
  }
  return row;
}

/**
 * Why a filter or write value cannot be stored or compared by the local database, or `undefined`:
 * text with a NUL character (PostgreSQL rejects it in any text value).
 * @internal
 */
export function textProblem(value: string): string | undefined {
  return value.includes('\u0000') ? 'contains a NUL character, which the database cannot store' : undefined;
}

/** Why `value` does not fit `column`, or `undefined`. */
function valueProblem(column: ColumnDescription, value: unknown): string | undefined {
  if (value === null) return column.nullable ? undefined : 'cannot be null: its column is not nullable';
  switch (column.type) {
    case 'string': {
      if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
      const text = textProblem(value);
      if (text !== undefined) return text;
      // Characters are code points; a string has at least as many UTF-16 units, so only a string
      // with more units than the limit needs counting.
      if (column.maxLength === undefined || value.length <= column.maxLength) return undefined;
      const length = [...value].length;
      return length > column.maxLength
        ? `is ${length} characters long; its column holds at most ${column.maxLength}`
        : undefined;
    }
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) ||
        typeof value === 'bigint' ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : `must be an integer, got ${describe(value)}`;
    case 'decimal':
    case 'float':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        typeof value === 'bigint' ||
        (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        ? undefined
        : `must be a number, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' || value === 0 || value === 1
        ? undefined
        : `must be a boolean, got ${describe(value)}`;
    case 'datetime':
    case 'date':
      return (value instanceof Date && !Number.isNaN(value.getTime())) ||
        (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? undefined
        : `must be a Date, got ${describe(value)}`;
    case 'uuid':
      return normaliseGuid(value) === undefined ? `must be a GUID, got ${describe(value)}` : undefined;
    default:
      return undefined;
  }
}
