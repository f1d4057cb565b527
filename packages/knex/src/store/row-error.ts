import { ValidationError } from '@cdms-sync/core';
import type { StoreDialect } from './dialect';

/**
 * MySQL/MariaDB error numbers about the data of the rows written: constraint violations and values
 * that do not fit their column (in strict mode). Numbers rather than SQLSTATE, because MySQL files
 * some of them under the catch-all `HY000` (1366, 3819), and some `23000` ones are not about data
 * (1052, an ambiguous column).
 */
const MYSQL_ROW_ERRNOS: ReadonlySet<number> = new Set([
  1022, // ER_DUP_KEY: can't write; duplicate key
  1048, // ER_BAD_NULL_ERROR: column cannot be null
  1062, // ER_DUP_ENTRY: duplicate entry for key
  1169, // ER_DUP_UNIQUE: unique constraint violated
  1216, // ER_NO_REFERENCED_ROW: foreign key fails (child row)
  1217, // ER_ROW_IS_REFERENCED: foreign key fails (parent row)
  1263, // ER_WARN_NULL_TO_NOTNULL: NULL for a NOT NULL column
  1264, // ER_WARN_DATA_OUT_OF_RANGE: out of range value
  1265, // WARN_DATA_TRUNCATED: data truncated (e.g. an unknown ENUM value)
  1292, // ER_TRUNCATED_WRONG_VALUE: incorrect date/time/number value
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: incorrect string/integer value
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE: illegal value
  1406, // ER_DATA_TOO_LONG: data too long for column
  1451, // ER_ROW_IS_REFERENCED_2: foreign key fails (parent row)
  1452, // ER_NO_REFERENCED_ROW_2: foreign key fails (child row)
  1557, // ER_FOREIGN_DUPLICATE_KEY: duplicate key through a foreign key
  1586, // ER_DUP_ENTRY_WITH_KEY_NAME: duplicate entry for key
  1690, // ER_DATA_OUT_OF_RANGE: value out of range
  1859, // ER_DUP_UNKNOWN_IN_INDEX: duplicate entry for an unknown key
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8.0.16+)
  4025, // ER_CONSTRAINT_FAILED: CHECK constraint failed (MariaDB)
]);

/** SQLite result codes about the data of the rows written (extended codes start with these). */
const SQLITE_ROW_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_TOOBIG', 'SQLITE_MISMATCH'] as const;

/**
 * Whether `error`, thrown by a write, is about the data of the rows written (`LocalStore.isRowError`):
 * - PostgreSQL/PGlite: SQLSTATE class `22` (data exception: value too long 22001, out of range
 *   22003, invalid text representation 22P02, NUL 22021 …) or `23` (integrity constraint violation:
 *   not null 23502, foreign key 23503, unique 23505, check 23514 …);
 * - MySQL/MariaDB: the error numbers of `MYSQL_ROW_ERRNOS` (1048, 1062, 1406, 1452, 3819, 4025 …);
 * - SQLite: `SQLITE_CONSTRAINT*` (unique, not null, check, foreign key …), `SQLITE_TOOBIG`,
 *   `SQLITE_MISMATCH`;
 * - any dialect: the store's own `ValidationError` (a value that does not fit its column, found
 *   before any SQL).
 *
 * Deadlocks (40P01, 1213), serialization failures (40001), lock-wait and statement timeouts (1205,
 * 57014), lost connections, busy databases and SQL errors are not.
 *
 * @example
 * isRowError('postgresql', Object.assign(new Error('duplicate key'), { code: '23505' })); // true
 * isRowError('mysql', Object.assign(new Error('Lock wait timeout exceeded'), { errno: 1205 })); // false
 */
export function isRowError(dialect: StoreDialect, error: unknown): boolean {
  if (error instanceof ValidationError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  switch (dialect) {
    case 'postgresql':
    case 'pglite':
      return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
    case 'mysql':
      return typeof errno === 'number' && MYSQL_ROW_ERRNOS.has(errno);
    case 'sqlite':
      return typeof code === 'string' && SQLITE_ROW_CODES.some((prefix) => code.startsWith(prefix));
  }
}
