import { ValidationError } from '@cdms-sync/core';
import type { StoreDialect } from './dialect';
import type { StoreColumn } from './store-column';

const NAIVE_DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `2024-01-02 03:04:05.678` in UTC: what MySQL `DATETIME(3)` stores, independent of the driver's time zone. */
function mysqlDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 23)}`;
}

function toDate(column: StoreColumn, value: unknown): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? parseDateTime(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new ValidationError(
      `Field "${column.field}" expects a date-time (Date or ISO-8601 string), got ${describeValue(value)}.`,
    );
  }
  return date;
}

/** Date-times without a zone are UTC: that is how the store writes them on SQLite and MySQL. */
function parseDateTime(value: string | number): Date {
  if (typeof value === 'number') return new Date(value);
  return new Date(NAIVE_DATE_TIME.test(value) ? `${value.replace(' ', 'T')}Z` : value);
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Turns a model value into what the dialect's driver binds for `column`, or throws
 * `ValidationError` naming the field when the value does not fit the column type, before any SQL
 * runs. Date-times are written as UTC ISO-8601 strings with milliseconds on SQLite (so text
 * comparison orders them correctly) and as UTC `DATETIME(3)` text on MySQL; booleans are `1`/`0` on
 * SQLite (its driver cannot bind booleans); JSON is serialised.
 *
 * @internal
 */
export function encodeValue(dialect: StoreDialect, column: StoreColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'boolean':
      if (typeof value !== 'boolean')
        throw new ValidationError(`Field "${column.field}" expects a boolean, got ${describeValue(value)}.`);
      return dialect === 'sqlite' ? (value ? 1 : 0) : value;
    case 'integer':
      if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') return value;
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) return value;
      throw new ValidationError(`Field "${column.field}" expects an integer, got ${describeValue(value)}.`);
    case 'float':
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value))
        return column.type === 'decimal' ? String(value) : value;
      if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return value;
      throw new ValidationError(`Field "${column.field}" expects a number, got ${describeValue(value)}.`);
    case 'datetime': {
      const date = toDate(column, value);
      if (dialect === 'sqlite') return date.toISOString();
      if (dialect === 'mysql') return mysqlDateTime(date);
      return date;
    }
    case 'date':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      throw new ValidationError(
        `Field "${column.field}" expects a date (YYYY-MM-DD or Date), got ${describeValue(value)}.`,
      );
    case 'json':
      return JSON.stringify(value);
    case 'string':
    case 'uuid':
      if (typeof value !== 'string')
        throw new ValidationError(`Field "${column.field}" expects a string, got ${describeValue(value)}.`);
      return value;
    default:
      if (value instanceof Date)
        return dialect === 'sqlite'
          ? value.toISOString()
          : dialect === 'mysql'
            ? mysqlDateTime(value)
            : value;
      if (typeof value === 'boolean' && dialect === 'sqlite') return value ? 1 : 0;
      return value;
  }
}

/**
 * Turns one non-null driver value into the model value. Chosen once per column by `valueDecoder`,
 * so reading many rows does not switch on the column type for every value.
 *
 * @internal
 */
export type ValueDecoder = (value: unknown) => unknown;

function decodeAsIs(value: unknown): unknown {
  return value ?? null;
}

function decodeBoolean(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // pg, PGlite and mysql2 (`BOOLEAN` is `tinyint(1)`, returned as a number) need no more than this.
  if (typeof value === 'boolean') return value;
  return value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

function decodeInteger(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : String(value);
}

function decodeFloat(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

function decodeDecimal(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return String(value);
}

function decodeDateTime(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : parseDateTime(value as string | number);
}

/** pg and PGlite parse `DATE` as local midnight. */
function decodeLocalDate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date)
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  return String(value).slice(0, 10);
}

/** mysql2 with `timezone: 'Z'` parses `DATE` as UTC midnight. */
function decodeUtcDate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

function decodeJsonText(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * The decoder of `column` on `dialect`: what `decodeValue` does for it, chosen once.
 *
 * @internal
 */
export function valueDecoder(dialect: StoreDialect, column: StoreColumn): ValueDecoder {
  switch (column.type) {
    case 'boolean':
      return decodeBoolean;
    case 'integer':
      return decodeInteger;
    case 'float':
      return decodeFloat;
    case 'decimal':
      return decodeDecimal;
    case 'datetime':
      return decodeDateTime;
    case 'date':
      return dialect === 'mysql' ? decodeUtcDate : decodeLocalDate;
    case 'json':
      return column.jsonAsText ? decodeJsonText : decodeAsIs;
    default:
      return decodeAsIs;
  }
}

/**
 * Turns what the driver returned for `column` into the model value, the same on every dialect:
 * booleans are booleans, date-times `Date`, integers numbers (a 64-bit integer beyond
 * `Number.MAX_SAFE_INTEGER` stays a string rather than lose digits), decimals strings, JSON parsed,
 * dates `YYYY-MM-DD` strings; `undefined` becomes `null`.
 *
 * @internal
 */
export function decodeValue(dialect: StoreDialect, column: StoreColumn, value: unknown): unknown {
  return valueDecoder(dialect, column)(value);
}
