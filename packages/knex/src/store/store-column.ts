import type { ColumnDescription, ColumnType } from '@cdms-sync/core';
import type { StoreDialect } from './dialect';

/**
 * A column as the store uses it internally: the public description plus what the dialect needs to
 * know to read, write and compare it.
 *
 * @internal
 */
export interface StoreColumn extends ColumnDescription {
  /** The type the database reports, lower case (`timestamp with time zone`, `tinyint(1)`, `longtext` …). */
  readonly databaseType: string;
  /** PostgreSQL `timestamptz`: date parts need `AT TIME ZONE 'UTC'`. */
  readonly withTimeZone: boolean;
  /** JSON the driver returns as text (SQLite; mysql2 with `jsonStrings`): parse on read. */
  readonly jsonAsText: boolean;
}

const INTEGER =
  /^(tinyint|smallint|mediumint|int|integer|bigint|int2|int4|int8|serial|bigserial|smallserial)\b/;
const DECIMAL = /^(numeric|decimal)\b/;
const FLOAT = /^(real|float|double|double precision|float4|float8)\b/;
const DATETIME = /^(timestamp|datetime)\b/;
const STRING =
  /^(character varying|varchar|character|char|nchar|nvarchar|text|tinytext|mediumtext|longtext|clob|citext|enum|set|string)\b/;

/**
 * Maps the type a database reports for a column to the store's `ColumnType`.
 *
 * `tinyint(1)` is MySQL's `BOOLEAN`; MariaDB reports `JSON` columns as `longtext` with a
 * `json_valid` check, which the caller passes as `isJsonText`.
 *
 * @internal
 */
export function toColumnType(dialect: StoreDialect, databaseType: string, isJsonText = false): ColumnType {
  const type = databaseType.toLowerCase().trim();
  if (isJsonText || type === 'json' || type === 'jsonb') return 'json';
  if (type === 'boolean' || type === 'bool' || (dialect === 'mysql' && type.startsWith('tinyint(1)')))
    return 'boolean';
  if (type === 'uuid') return 'uuid';
  if (INTEGER.test(type)) return 'integer';
  if (DECIMAL.test(type)) return 'decimal';
  if (FLOAT.test(type)) return 'float';
  if (DATETIME.test(type)) return 'datetime';
  if (type === 'date') return 'date';
  if (STRING.test(type)) return 'string';
  return 'unknown';
}
