// The public API. This file only re-exports; each section belongs to one area of the package.

export type { CompiledSql } from './compiler/compiled-sql';
export { globPattern, LIKE_ESCAPE, likePattern } from './compiler/like-pattern';
export { MysqlWhereCompiler } from './compiler/mysql-where-compiler';
export { PostgresWhereCompiler } from './compiler/postgres-where-compiler';
export { SqliteWhereCompiler } from './compiler/sqlite-where-compiler';
export type { DatePart, LookupCompiler, LookupSqlMap } from './compiler/where-compiler';
export { WhereCompiler } from './compiler/where-compiler';
export type { OpenPgliteOptions } from './pglite/open-pglite';
export { openPglite } from './pglite/open-pglite';
export type { HistoryTableOptions } from './schema/history-table';
export { createHistoryTable, DEFAULT_HISTORY_TABLE } from './schema/history-table';
export { addSyncedColumns, createSyncedTable } from './schema/synced-columns';
export type { SyncStateTablesOptions } from './state/sync-state-tables';
export { createSyncStateTables, dropSyncStateTables } from './state/sync-state-tables';
export type { StoreDialect } from './store/dialect';
export { detectDialect } from './store/dialect';
export type { KnexStoreOptions } from './store/knex-store';
// #region store
export { KnexStore, knexStore } from './store/knex-store';
export { camelCase, snakeCase } from './store/naming';
// #endregion store
