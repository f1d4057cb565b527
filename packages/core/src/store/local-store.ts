import type { OrderByTerm, WhereNode } from '../query/where-node';
import type { SyncLeases } from './sync-leases';

/** A row as the store reads and writes it: model field names (camelCase) to values. */
export type Row = Record<string, unknown>;

/** The local type of a column, as the store understands it. */
export type ColumnType =
  | 'string'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'json'
  | 'uuid'
  | 'unknown';

/** One column of a table, named as the model field. */
export interface ColumnDescription {
  readonly field: string;
  readonly column: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /**
   * The most characters a string column holds (`varchar(255)` -> 255), when the database declares
   * one; absent for unbounded text. Core rejects a longer value before any I/O.
   */
  readonly maxLength?: number;
  /**
   * The column has a default value (or is generated, like an auto-increment key). `false` on a
   * non-nullable column: `create()` without a value for it fails with `ValidationError` before any I/O.
   * Absent when the store cannot tell (then nothing is assumed).
   */
  readonly hasDefault?: boolean;
}

/** What `find` should return. */
export interface FindOptions {
  where?: WhereNode;
  orderBy?: readonly OrderByTerm[];
  limit?: number;
  offset?: number;
  /** Lock the matched rows until the transaction ends (`SELECT … FOR UPDATE`) where the dialect can. */
  forUpdate?: boolean;
  /** Only these fields (default: every column). */
  fields?: readonly string[];
}

/**
 * One update of `LocalStore.updateMany`: set `values` on the rows of `table` matching `where`. The
 * updates of one call touch different rows, and no `where` depends on another update's values.
 */
export interface StoreUpdate {
  readonly table: string;
  readonly where: WhereNode;
  readonly values: Row;
}

/** A row for `upsertIfNewer`: it must carry `cdmsPk` and `modified`. */
export type SyncedRow = Row & { cdmsPk: string; modified: Date };

/** Options of `LocalStore.upsertIfNewer`. */
export interface UpsertOptions {
  /**
   * A numeric field (CDMS `VersionNumber`) that breaks ties of `modified`: a row with an equal
   * `modified` and a greater version (or a stored version that is null) counts as newer. A row
   * without a version never wins a tie. Optional for stores: see `UpsertResult.versionCompared`.
   * @default undefined (only `modified` is compared)
   */
  readonly versionField?: string;
}

/** Which rows `upsertIfNewer` inserted, updated, or left alone because the stored one was as new or newer. */
export interface UpsertResult {
  readonly inserted: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: readonly string[];
  /**
   * The inserted and updated rows as stored (every column, normalised as `find` returns them),
   * inserted first, then updated. Optional: a store that cannot return them in the same statement
   * leaves it out, and core reads the rows back instead.
   */
  readonly stored?: readonly Row[];
  /**
   * True when the store applied `UpsertOptions.versionField`: the `unchanged` rows are then as
   * new as or newer than the given ones by version too.
   */
  readonly versionCompared?: boolean;
}

/** An aggregate function of `LocalStore.aggregate`. */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** One aggregate of `LocalStore.aggregate`: `function(field)`, the field named as a model field. */
export interface StoreAggregation {
  readonly function: AggregateFunction;
  readonly field: string;
}

/** What a store can do; core checks these before it relies on a feature. */
export interface StoreCapabilities {
  /** `SELECT … FOR UPDATE` is honoured. */
  readonly rowLocks: boolean;
  /** Lookups this store cannot evaluate (e.g. `regex` on SQLite). */
  readonly unsupportedLookups: readonly string[];
}

/**
 * The local store contract: core defines it, `@cdms-sync/knex` implements it. Rows use model field
 * names; the store maps them to columns and normalises values by column type (booleans are
 * booleans, date-times are `Date`, integers are numbers, decimals are strings) on every dialect.
 *
 * Every method joins the transaction opened by `transaction()` in the same async context, so
 * callers never pass a transaction object around.
 */
export interface LocalStore {
  /** The SQL dialect, e.g. `postgresql`, `pglite`, `sqlite`, `mysql`. */
  readonly dialect: string;
  readonly capabilities: StoreCapabilities;
  /**
   * Optional: how many connections the store's pool holds at most. The Sync lets fewer writes than
   * this run at once (`maxConcurrentWrites`), so that reads always find a connection.
   */
  readonly maxConnections?: number;
  /** Run `fn` in a transaction; nested calls use savepoints. Rolls back when `fn` throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The columns of `table`, named as model fields. Cached. */
  describe(table: string): Promise<readonly ColumnDescription[]>;
  find(table: string, options?: FindOptions): Promise<Row[]>;
  count(table: string, where?: WhereNode): Promise<number>;
  exists(table: string, where?: WhereNode): Promise<boolean>;
  /** Insert one row and return it as stored (with generated `id` and defaults). */
  insert(table: string, row: Row): Promise<Row>;
  /** Insert many rows and return them as stored, in order. */
  bulkInsert(table: string, rows: readonly Row[]): Promise<Row[]>;
  /**
   * Apply several updates together, all or none, in one statement where the database can
   * (PostgreSQL and PGlite: data-modifying `WITH` clauses). The updates touch different rows and
   * no `where` depends on another update's values (in one statement every update sees the rows as
   * they were before it). Optional: without it, core runs them one by one with `update`. A write
   * completes its row and its history entry with CDMS's answer through it.
   */
  updateMany?(updates: readonly StoreUpdate[]): Promise<void>;
  /**
   * Insert rows and return only their generated ids, in order, without reading the rows back.
   * Optional: without it, the history is written with `insert`/`bulkInsert`.
   */
  insertIds?(table: string, rows: readonly Row[]): Promise<unknown[]>;
  /**
   * Insert rows and return nothing (one multi-row INSERT where the database can). Optional:
   * without it, the history of an import is written with `insertIds` or `bulkInsert`.
   */
  insertMany?(table: string, rows: readonly Row[]): Promise<void>;
  /** Update matching rows; returns how many changed. */
  update(table: string, where: WhereNode, values: Row): Promise<number>;
  /** Delete matching rows; returns how many were deleted. */
  delete(table: string, where: WhereNode): Promise<number>;
  /**
   * Update matching rows and return them as stored afterwards, in one statement where the database
   * can (`update … returning *`); the rows stay locked until the transaction ends. Optional: without
   * it, a save locks the row with `find({ forUpdate: true })` and then calls `update`.
   */
  updateReturning?(table: string, where: WhereNode, values: Row): Promise<Row[]>;
  /**
   * Delete matching rows and return them as they were, in one statement where the database can
   * (`delete … returning *`). Optional: without it, a delete locks the row with
   * `find({ forUpdate: true })` and then calls `delete`.
   */
  deleteReturning?(table: string, where: WhereNode): Promise<Row[]>;
  /**
   * Insert each row by `cdmsPk`, or update the stored one only where its `modified` is older.
   * Atomic per row: two processes refreshing the same record can never move it back in time.
   * With `options.versionField`, a store may also update a stored row whose `modified` is equal
   * and whose version is smaller (or missing), in the same statement; it then says so with
   * `UpsertResult.versionCompared` (core otherwise compares the versions of unchanged rows itself).
   */
  upsertIfNewer(table: string, rows: readonly SyncedRow[], options?: UpsertOptions): Promise<UpsertResult>;
  /**
   * Optional: whether `error`, thrown by a write of this store, is about the data of the rows
   * written (a constraint violation: unique, foreign key, not null, check; or a data error: a value
   * too long, out of range, of an invalid text representation, a NUL character …), so that the
   * same write of other rows may succeed. Anything else (a deadlock, a serialization failure, a
   * lock-wait or statement timeout, a lost connection, an SQL error) is not.
   *
   * An import uses it when the database refuses a page's batch `upsertIfNewer`: only for a row
   * error does it store the page row by row and report the refused rows (`ImportRowError`); any
   * other error fails the page, and its poll watermark or backfill checkpoint does not move.
   * Without it, every refusal counts as a row error (the rows are retried one by one, and each
   * refused one is reported and skipped).
   *
   * @example
   * try {
   *   await store.upsertIfNewer('organisation', rows);
   * } catch (error) {
   *   store.isRowError?.(error); // true for 23505 unique_violation, false for 40P01 deadlock_detected
   * }
   */
  isRowError?(error: unknown): boolean;
  /**
   * Optional: aggregates over the rows matching `where`, in one query
   * (`SELECT count(f) AS "a", sum(g) AS "b" … FROM table WHERE …`), keyed as given. `count` counts
   * non-null values and resolves a number (0 for no rows); `sum` and `avg` resolve a number, or
   * `null` when there is no value; `min` and `max` resolve the value normalised as `find` does
   * (a `Date` for a date-time …), or `null`. Without it, `QuerySet.aggregate()` throws
   * `NotSupportedError` before any request.
   *
   * @example
   * ```ts
   * await store.aggregate?.('organisation', where, { total: { function: 'count', field: 'id' } }); // { total: 2 }
   * ```
   */
  aggregate?(
    table: string,
    where: WhereNode | undefined,
    aggregations: Readonly<Record<string, StoreAggregation>>,
  ): Promise<Record<string, unknown>>;
  /**
   * Optional: run one SQL statement with `?` placeholders bound to `bindings` (never interpolated)
   * in the transaction of the current async context, and resolve its rows. With `options.table`
   * (the caller names the table the rows come from) a column of that table is named and decoded as
   * `find` returns it (`cdms_pk` -> `cdmsPk`, a `Date` for a date-time …); any other column is only
   * renamed to a field name, its value left as the driver returns it. Without it,
   * `QuerySet.raw()` throws `NotSupportedError`.
   *
   * @example
   * ```ts
   * await store.raw?.('SELECT * FROM organisation WHERE name = ?', ['Acme'], { table: 'organisation' });
   * // [{ id: 1, cdmsPk: '…', name: 'Acme', modified: Date, … }]
   * ```
   */
  raw?(sql: string, bindings: readonly unknown[], options?: RawOptions): Promise<Row[]>;
  /**
   * Optional: leases through the database (one poller per model across processes). Without it,
   * `sync.poll()` / `startPolling()` use an in-process lock (enough for a single process).
   */
  readonly leases?: SyncLeases;
  /** Release connections. */
  close(): Promise<void>;
}

/** Options of `LocalStore.raw`. */
export interface RawOptions {
  /** The table the rows come from: its columns are named and decoded as `find` returns them. */
  readonly table?: string;
}
