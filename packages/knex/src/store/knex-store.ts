import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  ColumnDescription,
  FindOptions,
  LocalStore,
  RawOptions,
  Row,
  StoreAggregation,
  StoreCapabilities,
  StoreUpdate,
  SyncedRow,
  SyncLeases,
  UpsertOptions,
  UpsertResult,
  WhereNode,
} from '@cdms-sync/core';
import { ValidationError } from '@cdms-sync/core';
import type { Knex } from 'knex';
import type { CompileContext, CompiledSql } from '../compiler/compiled-sql';
import { createWhereCompiler } from '../compiler/create-where-compiler';
import { relatedTables } from '../compiler/related-tables';
import type { WhereCompiler } from '../compiler/where-compiler';
import { KnexLeases } from '../state/knex-leases';
import { aggregateSelect, decodeAggregates, resolveAggregations } from './aggregate-select';
import { detectDialect, type StoreDialect } from './dialect';
import { camelCase, snakeCase } from './naming';
import { RowDecoder } from './row-decoder';
import { isRowError } from './row-error';
import { insertValues, rowsOf, StatementCache } from './statement-cache';
import type { StoreColumn } from './store-column';
import { loadTableInfo, type TableInfo } from './table-info';
import { INSERTED_ALIAS, upsertIfNewer } from './upsert-if-newer';
import { decodeValue, encodeValue, valueDecoder } from './value-codec';

/** Options of `knexStore()`. */
export interface KnexStoreOptions {
  /**
   * Model field name -> column name.
   * @default snake_case: `cdmsPk` -> `cdms_pk`
   */
  columnName?(field: string): string;
  /**
   * Column name -> model field name; must invert `columnName`.
   * @default camelCase: `cdms_pk` -> `cdmsPk`
   */
  fieldName?(column: string): string;
}

/** Row decoders kept per table: a raw query may name any set of columns, so the cache is bounded. */
const MAX_ROW_DECODERS_PER_TABLE = 16;

/** Rows per statement for multi-row writes: stays below every dialect's bound-parameter limit. */
const MAX_BINDINGS_PER_STATEMENT = 30_000;

/** SQLite's default `SQLITE_MAX_COMPOUND_SELECT`: the rows of one multi-row insert there. */
const SQLITE_MAX_COMPOUND_ROWS = 500;

/**
 * The `LocalStore` over Knex, for PostgreSQL (`pg`), PGlite (`knex-pglite`), SQLite
 * (`better-sqlite3`) and MySQL/MariaDB (`mysql2`, connected with `timezone: 'Z'`).
 *
 * - Rows use model field names; columns are named by `options.columnName` (snake_case by default).
 * - Values read back are the same on every dialect: booleans, `Date` date-times, number integers,
 *   string decimals, parsed JSON. On SQLite date-times are stored as UTC ISO-8601 text with
 *   milliseconds (`2024-01-02T03:04:05.678Z`), so text order is time order.
 * - Every call joins the transaction opened by `transaction()` in the same async context.
 * - Ordering puts NULLs last ascending and first descending on every dialect (PostgreSQL's default).
 * - The table's primary key is assumed to be `id` where the store needs it (MySQL insert read-back).
 *
 * @example
 * const store = knexStore(knex);
 * await store.transaction(async () => {
 *   const [row] = await store.find('organisation', {
 *     where: { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acm' },
 *     orderBy: [{ field: 'modified', direction: 'desc' }],
 *     forUpdate: true,
 *   });
 *   // PostgreSQL: select * from "organisation" where CAST("name" AS text) ILIKE $1 ESCAPE '!'
 *   //             order by "modified" desc nulls first for update
 * });
 */
export class KnexStore implements LocalStore {
  readonly dialect: StoreDialect;
  readonly capabilities: StoreCapabilities;
  /** The pool's `max` (Knex's default is 10; 1 for SQLite). */
  readonly maxConnections: number | undefined;
  /**
   * Leases for the operations (one poller per model across processes): PostgreSQL session
   * advisory locks and MySQL/MariaDB `GET_LOCK`, all on one pooled connection while any is held; in-process on SQLite
   * and PGlite.
   */
  readonly leases: SyncLeases;
  readonly #knex: Knex;
  readonly #columnName: (field: string) => string;
  readonly #fieldName: (column: string) => string;
  readonly #transactions = new AsyncLocalStorage<Knex.Transaction>();
  readonly #tables = new Map<string, Promise<TableInfo>>();
  /** The descriptions `#tables` has loaded, for the calls that need not await them. */
  readonly #described = new Map<string, TableInfo>();
  /** The related tables of where trees (`related` nodes), loaded by `#tableFor` before compiling. */
  readonly #relatedTables = new Map<string, TableInfo>();
  /** The SQL text of statements run before, per shape (see `StatementCache`). */
  readonly #statements: StatementCache;
  /** Where compilers per table description (see `#compiler`). */
  readonly #compilers = new WeakMap<TableInfo, WhereCompiler>();
  /** Compiled row decoders per table description, by the driver rows' column names. */
  readonly #rowDecoders = new WeakMap<TableInfo, RowDecoder[]>();

  constructor(knex: Knex, options: KnexStoreOptions = {}) {
    this.#knex = knex;
    this.dialect = detectDialect(knex);
    this.#statements = new StatementCache(this.dialect);
    // Memoised: the same few names (`id`, `cdmsPk`, `modified` …) are asked for on every write.
    const columnName = options.columnName ?? snakeCase;
    const columnNames = new Map<string, string>();
    this.#columnName = (field) => {
      let column = columnNames.get(field);
      if (column === undefined) {
        column = columnName(field);
        columnNames.set(field, column);
      }
      return column;
    };
    this.#fieldName = options.fieldName ?? camelCase;
    const client = knex.client as { pool?: { max?: unknown }; config?: { pool?: { max?: unknown } } };
    const max = client.pool?.max ?? client.config?.pool?.max;
    this.maxConnections = typeof max === 'number' && max > 0 ? max : undefined;
    this.leases = new KnexLeases(knex, this.dialect);
    const probe = this.#compiler(undefined);
    this.capabilities = Object.freeze({
      rowLocks: this.dialect !== 'sqlite',
      unsupportedLookups: Object.freeze([...probe.unsupportedLookups]),
    });
  }

  /**
   * The Knex to run raw SQL on: the transaction of the current async context, or the base
   * instance. Use it for host queries that must join the store's transaction.
   */
  get knex(): Knex {
    const transaction = this.#transactions.getStore();
    return transaction !== undefined && !transaction.isCompleted() ? transaction : this.#knex;
  }

  /** True when called inside `transaction()`. */
  get inTransaction(): boolean {
    return this.knex !== this.#knex;
  }

  /**
   * Runs `fn` in a transaction that every store call inside it joins; a nested call opens a
   * savepoint. When `fn` throws, its work is rolled back and the original error is rethrown.
   *
   * @example
   * await store.transaction(async () => {
   *   await store.insert('organisation', { name: 'Acme' });
   *   await store.transaction(async () => { throw new Error('undo only this part'); }).catch(() => {});
   * }); // BEGIN; insert …; SAVEPOINT …; ROLLBACK TO SAVEPOINT …; COMMIT
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.knex.transaction((transaction) => this.#transactions.run(transaction, fn));
  }

  /** The columns of `table`, named as model fields; read once, then cached. */
  async describe(table: string): Promise<readonly ColumnDescription[]> {
    const info = this.#described.get(table) ?? (await this.#table(table));
    return info.columns.map(({ field, column, type, nullable, maxLength, hasDefault }) => ({
      field,
      column,
      type,
      nullable,
      ...(maxLength === undefined ? {} : { maxLength }),
      ...(hasDefault === undefined ? {} : { hasDefault }),
    }));
  }

  /** Drops the cached description of `table` (or of every table), e.g. after a migration. */
  forget(table?: string): void {
    if (table === undefined) {
      this.#tables.clear();
      this.#described.clear();
    } else {
      this.#tables.delete(table);
      this.#described.delete(table);
    }
  }

  /**
   * The rows matching `options.where`, ordered, sliced, optionally locked.
   *
   * @example
   * await store.find('organisation', { where: { kind: 'lookup', field: 'cdmsPk', lookup: 'in', value: ['a', 'b'] }, limit: 10, offset: 20 });
   * // select * from "organisation" where "cdms_pk" IN (?, ?) limit ? offset ?
   */
  async find(table: string, options: FindOptions = {}): Promise<Row[]> {
    const info = this.#describedFor(table, options.where) ?? (await this.#tableFor(table, options.where));
    const compiler = this.#compiler(info);
    const columns = options.fields?.map((field) => info.columnFor(field).column);
    const where = options.where === undefined ? undefined : compiler.compile(options.where);
    const orderBy =
      options.orderBy === undefined || options.orderBy.length === 0
        ? undefined
        : compiler.compileOrderBy(options.orderBy);
    const limit = checkCount('limit', options.limit);
    const offset = checkCount('offset', options.offset);

    const forUpdate = options.forUpdate === true && this.capabilities.rowLocks;
    const fragments = this.#statements.split([where, orderBy]);
    const { values } = fragments;
    if (limit !== undefined) values.push(limit);
    if (offset !== undefined) values.push(offset);
    const shape =
      fragments.shape &&
      `find\u0000${table}\u0000${columns?.join(',') ?? '*'}${fragments.shape}\u0000${limit !== undefined}\u0000${offset !== undefined}\u0000${forUpdate}`;
    const rows = await this.#statements.rows(this.knex, shape, values, () => {
      let query = this.knex(table).select(columns === undefined || columns.length === 0 ? '*' : columns);
      if (where !== undefined) query = query.whereRaw(where.sql, where.bindings as Knex.RawBinding[]);
      if (orderBy !== undefined) query = query.orderByRaw(orderBy.sql, orderBy.bindings as Knex.RawBinding[]);
      if (limit !== undefined) query = query.limit(limit);
      if (offset !== undefined) query = query.offset(offset);
      return forUpdate ? query.forUpdate() : query;
    });
    return this.#decodeRows(info, rows);
  }

  /** How many rows match. `select count(*) as "count" from … where …` */
  async count(table: string, where?: WhereNode): Promise<number> {
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    const compiled = this.#compileWhere(info, where);
    const { shape, values } = this.#statements.split([compiled]);
    const [result] = await this.#statements.rows(
      this.knex,
      shape && `count\u0000${table}${shape}`,
      values,
      () => this.#whereCompiled(this.knex(table).count({ count: '*' }), compiled),
    );
    return Number(result?.count ?? 0);
  }

  /** Whether any row matches. `select 1 from … where … limit 1` */
  async exists(table: string, where?: WhereNode): Promise<boolean> {
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    const query = this.#whereMatching(
      this.knex(table).select(this.#knex.raw('1 as found')).limit(1),
      info,
      where,
    );
    return ((await query) as unknown[]).length > 0;
  }

  /**
   * Aggregates over the rows matching `where`, in one query, keyed by the given names. `count`
   * counts non-null values (0 without rows); `sum` and `avg` resolve a JS number, or `null` without
   * values: a decimal's sum or average is converted to a number, so it may lose digits beyond
   * double precision, as may a 64-bit integer sum; `min` and `max` resolve the value decoded as
   * `find` decodes the column (a `Date` for a date-time, a boolean, a decimal string …), or `null`.
   * An unknown field, `sum`/`avg` on a field that is not a number, or `min`/`max` on JSON throws
   * `FieldError` before any SQL; no aggregation resolves `{}` without SQL.
   *
   * @example
   * await store.aggregate('organisation', { kind: 'lookup', field: 'active', lookup: 'exact', value: true }, {
   *   total: { function: 'count', field: 'id' },
   *   newest: { function: 'max', field: 'modified' },
   * }); // { total: 2, newest: 2024-01-02T03:04:05.678Z }
   * // PostgreSQL: select count("id") as "a0", max("modified") as "a1" from "organisation" where "active" = $1
   */
  async aggregate(
    table: string,
    where: WhereNode | undefined,
    aggregations: Readonly<Record<string, StoreAggregation>>,
  ): Promise<Record<string, unknown>> {
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    const resolved = resolveAggregations(table, aggregations, (field) => info.columnFor(field));
    const compiled = this.#compileWhere(info, where);
    if (resolved.length === 0) return {};
    let query = this.knex(table).select(aggregateSelect(this.#knex, this.dialect, resolved));
    if (compiled !== undefined) query = query.whereRaw(compiled.sql, compiled.bindings as Knex.RawBinding[]);
    const [row] = (await query) as Record<string, unknown>[];
    return decodeAggregates(this.dialect, resolved, row);
  }

  /**
   * Inserts one row and returns it as stored: `insert … returning *` on PostgreSQL, PGlite and
   * SQLite; on MySQL the row is read back by its new `id`.
   */
  async insert(table: string, row: Row): Promise<Row> {
    const info = this.#described.get(table) ?? (await this.#table(table));
    return this.#insertEncoded(info, this.#encodeRow(info, row));
  }

  /**
   * Inserts many rows atomically and returns them as stored, in order: one multi-row statement per
   * chunk on PostgreSQL/PGlite (ordered by `id`); row by row on SQLite (whose `RETURNING` order is
   * unspecified) and MySQL (which returns only the first id).
   */
  async bulkInsert(table: string, rows: readonly Row[]): Promise<Row[]> {
    if (rows.length === 0) return [];
    const info = this.#described.get(table) ?? (await this.#table(table));
    const encoded = rows.map((row) => this.#encodeRow(info, row));
    if (this.dialect === 'sqlite' || this.dialect === 'mysql') {
      return this.#atomic(async () => {
        const stored: Row[] = [];
        for (const row of encoded) stored.push(await this.#insertEncoded(info, row));
        return stored;
      });
    }
    const idColumn = info.column(this.#columnName('id'));
    return this.#atomic(async () => {
      const stored: Row[] = [];
      for (const chunk of chunks(encoded, this.dialect)) {
        const inserted = (await this.knex(table).insert(chunk).returning('*')) as Record<string, unknown>[];
        if (idColumn !== undefined)
          inserted.sort((a, b) => Number(a[idColumn.column]) - Number(b[idColumn.column]));
        stored.push(...this.#decodeRows(info, inserted));
      }
      return stored;
    });
  }

  /**
   * Inserts rows atomically and returns nothing: one multi-row `insert` per chunk on every dialect
   * (without `RETURNING`, SQLite and MySQL need no row-by-row inserts either). What the sync history
   * of an import needs: nobody reads its entries' ids.
   *
   * @example
   * await store.insertMany('cdms_sync_history', [{ model: 'organisation', rowId: '1', kind: 'cdms-refresh', data: {…} }, …]);
   * // insert into "cdms_sync_history" ("cdms_pk", "data", …) values (?, ?, …), (?, ?, …)
   */
  async insertMany(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const info = this.#described.get(table) ?? (await this.#table(table));
    const statements = [
      ...chunks(
        rows.map((row) => this.#encodeRow(info, row)),
        this.dialect,
      ),
    ];
    const [only] = statements;
    const onlyValues = only === undefined ? undefined : insertValues(only);
    // One statement needs no transaction; several (or SQLite's row by row) run all or none.
    if (
      statements.length === 1 &&
      only !== undefined &&
      (onlyValues !== undefined || this.dialect !== 'sqlite')
    ) {
      return this.#insertChunk(table, only, onlyValues);
    }
    await this.transaction(async () => {
      for (const chunk of statements) await this.#insertChunk(table, chunk, insertValues(chunk));
    });
  }

  /**
   * One multi-row INSERT of `chunk`. Rows with different columns (`values` undefined) are built by
   * Knex, which fills the gaps with `DEFAULT`, except on SQLite (`NULL`): there each row is
   * inserted on its own, so that the table's defaults apply.
   */
  async #insertChunk(
    table: string,
    chunk: Record<string, unknown>[],
    values: unknown[] | undefined,
  ): Promise<void> {
    if (values === undefined && this.dialect === 'sqlite') {
      for (const row of chunk) await this.knex(table).insert(row);
      return;
    }
    const shape = `insertMany\u0000${table}\u0000${Object.keys(chunk[0] ?? {}).join(',')}\u0000${chunk.length}`;
    await this.#statements.rows(this.knex, shape, values, () => this.knex(table).insert(chunk));
  }

  /**
   * Inserts rows atomically and returns only their new ids, in order, without reading the rows back
   * (what the sync history needs: its JSON snapshots are not parsed again). One multi-row
   * `insert … returning "id"` per chunk on PostgreSQL/PGlite; row by row on SQLite and MySQL.
   *
   * @example
   * await store.insertIds('cdms_sync_history', [{ model: 'organisation', rowId: '1', kind: 'local', data: {…} }]);
   * // PostgreSQL: insert into "cdms_sync_history" ("data", "kind", "model", "row_id") values ($1, $2, $3, $4) returning "id"
   */
  async insertIds(table: string, rows: readonly Row[]): Promise<unknown[]> {
    if (rows.length === 0) return [];
    const info = this.#described.get(table) ?? (await this.#table(table));
    const idColumn = info.column(this.#columnName('id'));
    if (idColumn === undefined) return (await this.bulkInsert(table, rows)).map((row) => row.id);
    const decodeId = valueDecoder(this.dialect, idColumn);
    const encoded = rows.map((row) => this.#encodeRow(info, row));
    return this.#atomic(async () => {
      const ids: unknown[] = [];
      if (this.dialect === 'mysql') {
        // MySQL has no RETURNING: the driver answers with the AUTO_INCREMENT id.
        for (const row of encoded) {
          const [id] = (await this.knex(table).insert(row)) as unknown[];
          ids.push(decodeId(id));
        }
        return ids;
      }
      if (this.dialect === 'sqlite') {
        // Row by row: SQLite does not promise RETURNING order for a multi-row insert.
        for (const row of encoded) {
          const [inserted] = (await this.knex(table).insert(row).returning(idColumn.column)) as Record<
            string,
            unknown
          >[];
          ids.push(decodeId(inserted?.[idColumn.column]));
        }
        return ids;
      }
      for (const chunk of chunks(encoded, this.dialect)) {
        const shape = `insertIds\u0000${table}\u0000${idColumn.column}\u0000${Object.keys(chunk[0] ?? {}).join(',')}\u0000${chunk.length}`;
        const inserted = await this.#statements.rows(this.knex, shape, insertValues(chunk), () =>
          this.knex(table).insert(chunk).returning(idColumn.column),
        );
        const chunkIds = inserted.map((row) => decodeId(row[idColumn.column]));
        chunkIds.sort((a, b) => Number(a) - Number(b));
        ids.push(...chunkIds);
      }
      return ids;
    });
  }

  /**
   * Applies several updates together, all or none. Every update is checked (at least one value to
   * set, known fields, valid values) before any SQL runs. On PostgreSQL and PGlite, when every
   * update is on another table, one statement: the earlier updates as data-modifying `WITH`
   * clauses of the last. Otherwise (SQLite, MySQL, or a table named twice, where one statement
   * could skip a second change to a row) one `update` after the other in a transaction (a
   * savepoint inside the caller's).
   *
   * @example
   * await store.updateMany([
   *   { table: 'organisation', where: { kind: 'lookup', field: 'id', lookup: 'exact', value: 7 }, values: { modified } },
   *   { table: 'cdms_sync_history', where: { kind: 'lookup', field: 'id', lookup: 'exact', value: 42 }, values: { data } },
   * ]);
   * // PostgreSQL: with "cdms_sync_update_0" as (update "organisation" set "modified" = $1 where "id" = $2)
   * //             update "cdms_sync_history" set "data" = $3 where "id" = $4
   */
  async updateMany(updates: readonly StoreUpdate[]): Promise<void> {
    const statements: UpdateStatement[] = [];
    for (const { table, where, values } of updates) {
      statements.push(await this.#updateStatement('updateMany', table, where, values));
    }
    const tables = new Set(updates.map((update) => update.table));
    const oneStatement =
      (this.dialect === 'postgresql' || this.dialect === 'pglite') && tables.size === updates.length;
    if (!oneStatement) {
      if (updates.length === 0) return;
      // The statements above were only the checks: inside the new transaction (or savepoint) the
      // updates must be built again to join it.
      await this.transaction(async () => {
        for (const { table, where, values } of updates) await this.update(table, where, values);
      });
      return;
    }
    const last = statements.at(-1);
    if (last === undefined) return;
    const earlier = statements.slice(0, -1);
    // The WITH clauses come first in the text, so do their values.
    await this.#statements.rows(
      this.knex,
      statements.every((statement) => statement.shape !== undefined)
        ? statements.map((statement) => statement.shape).join('\u0002')
        : undefined,
      statements.flatMap((statement) => statement.values),
      () => {
        let query = last.build();
        earlier.forEach((statement, index) => {
          query = query.with(`cdms_sync_update_${index}`, statement.build());
        });
        return query;
      },
    );
  }

  /**
   * `update … set … where …` of `values` on the rows matching `where`, not yet run: its builder,
   * its shape and values (for `StatementCache`). Throws `ValidationError` naming `method` when no
   * value is left to set.
   */
  async #updateStatement(
    method: string,
    table: string,
    where: WhereNode,
    values: Row,
  ): Promise<UpdateStatement> {
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    const encoded = this.#encodeRow(info, values);
    const columns = Object.keys(encoded);
    if (columns.length === 0)
      throw new ValidationError(`${method}("${table}") needs at least one value to set.`);
    const compiled = this.#compileWhere(info, where);
    const fragments = this.#statements.split([compiled]);
    const statementValues: unknown[] = [];
    for (const column of columns) statementValues.push(encoded[column]);
    for (const value of fragments.values) statementValues.push(value);
    return {
      info,
      // Knex sets the columns in the order of the object's keys.
      shape: fragments.shape && `update\u0000${table}\u0000${columns.join(',')}${fragments.shape}`,
      values: statementValues,
      build: () => this.#whereCompiled(this.knex(table), compiled).update(encoded),
    };
  }

  /** Updates the matching rows; returns how many matched. `update … set … where …` */
  async update(table: string, where: WhereNode, values: Row): Promise<number> {
    const { build } = await this.#updateStatement('update', table, where, values);
    const query = build();
    return affectedRows(await query);
  }

  /**
   * Updates the matching rows and returns them as stored, as `find` returns them: one statement
   * (`update … returning *`) on PostgreSQL, PGlite and SQLite; on MySQL the UPDATE, then a read of
   * the rows it locked, in one transaction.
   *
   * @example
   * await store.updateReturning('organisation', { kind: 'lookup', field: 'id', lookup: 'exact', value: 7 }, { name: 'Acme' });
   * // PostgreSQL: update "organisation" set "name" = $1 where "id" = $2 returning *
   */
  async updateReturning(table: string, where: WhereNode, values: Row): Promise<Row[]> {
    if (this.dialect === 'mysql') {
      // Lock the rows first and read them back by id: the UPDATE may change what `where` matches.
      return this.#atomic(async () => {
        const ids = (await this.find(table, { where, forUpdate: true, fields: ['id'] })).map((row) => row.id);
        if (ids.length === 0) {
          await this.update(table, where, values); // still refuses an empty change set
          return [];
        }
        const byIds: WhereNode = { kind: 'lookup', field: 'id', lookup: 'in', value: ids };
        await this.update(table, byIds, values);
        return this.find(table, { where: byIds });
      });
    }
    const statement = await this.#updateStatement('updateReturning', table, where, values);
    const rows = await this.#statements.rows(
      this.knex,
      statement.shape && `${statement.shape}\u0000returning *`,
      statement.values,
      () => statement.build().returning('*'),
    );
    return this.#decodeRows(statement.info, rows);
  }

  /**
   * Deletes the matching rows and returns them as they were: one statement (`delete … returning *`)
   * on PostgreSQL and PGlite; on SQLite (whose Knex dialect returns no rows from a DELETE) and MySQL
   * a locking read, then the DELETE, in one transaction.
   *
   * @example
   * await store.deleteReturning('organisation', { kind: 'lookup', field: 'id', lookup: 'exact', value: 7 });
   * // PostgreSQL: delete from "organisation" where "id" = $1 returning *
   */
  async deleteReturning(table: string, where: WhereNode): Promise<Row[]> {
    if (this.dialect === 'mysql' || this.dialect === 'sqlite') {
      return this.#atomic(async () => {
        const rows = await this.find(table, { where, forUpdate: true });
        if (rows.length > 0) await this.delete(table, where);
        return rows;
      });
    }
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    const query = this.#whereMatching(this.knex(table), info, where).delete().returning('*');
    return this.#decodeRows(info, (await query) as Record<string, unknown>[]);
  }

  /** Deletes the matching rows; returns how many. `delete from … where …` */
  async delete(table: string, where: WhereNode): Promise<number> {
    const info = this.#describedFor(table, where) ?? (await this.#tableFor(table, where));
    return affectedRows(await this.#whereMatching(this.knex(table), info, where).delete());
  }

  /**
   * Whether `error`, thrown by a write, is about the data of the rows written (a constraint
   * violation or a value that does not fit its column), per dialect: SQLSTATE class 22/23 on
   * PostgreSQL and PGlite, the matching error numbers on MySQL/MariaDB (1048, 1062, 1406, 1452 …),
   * `SQLITE_CONSTRAINT*`, `SQLITE_TOOBIG` and `SQLITE_MISMATCH` on SQLite. A deadlock, a timeout,
   * a lost connection or an SQL error is not: an import then fails the page instead of reporting
   * its rows.
   *
   * @example
   * await store.upsertIfNewer('organisation', rows).catch((error) => store.isRowError(error));
   * // true after: duplicate key value violates unique constraint "organisation_name_unique" (23505)
   */
  isRowError(error: unknown): boolean {
    return isRowError(this.dialect, error);
  }

  /**
   * Inserts each row by `cdmsPk`, or updates the stored one only where its `modified` is older;
   * equal or newer stored rows are left alone. Race-free; see `upsertIfNewer` in
   * `./upsert-if-newer` for the SQL per dialect. `stored` holds the inserted, then the updated rows
   * as `find` returns them, from the same statement (`RETURNING *`) on PostgreSQL, PGlite and
   * SQLite, and from one locking read in the same transaction on MySQL/MariaDB.
   *
   * @example
   * await store.upsertIfNewer('organisation', [{ cdmsPk, modified, name: 'Acme' }]);
   * // PostgreSQL, one statement:
   * // insert into "organisation" ("cdms_pk", "modified", "name") values (?, ?, ?)
   * //   on conflict ("cdms_pk") do update set "modified" = excluded."modified", "name" = excluded."name"
   * //   where "organisation"."modified" < excluded."modified"
   * //   returning *, (xmax = 0) as "cdms_sync_inserted"
   * // with { versionField: 'cdmsVersion' }, the same statement where
   * //   "organisation"."modified" < excluded."modified" or ("organisation"."modified" = excluded."modified"
   * //   and excluded."cdms_version" > coalesce("organisation"."cdms_version", -1))
   */
  async upsertIfNewer(
    table: string,
    rows: readonly SyncedRow[],
    options: UpsertOptions = {},
  ): Promise<UpsertResult> {
    if (rows.length === 0) return { inserted: [], updated: [], unchanged: [], stored: [] };
    const info = this.#described.get(table) ?? (await this.#table(table));
    const pkColumn = info.columnFor('cdmsPk');
    const modifiedColumn = info.columnFor('modified');
    const encoded = rows.map((row, index) => {
      if (typeof row.cdmsPk !== 'string' || row.cdmsPk === '') {
        throw new ValidationError(`upsertIfNewer("${table}"): row ${index} has no cdmsPk.`);
      }
      if (!(row.modified instanceof Date) || Number.isNaN(row.modified.getTime())) {
        throw new ValidationError(
          `upsertIfNewer("${table}"): row ${index} (cdmsPk ${row.cdmsPk}) needs a valid Date "modified".`,
        );
      }
      return { cdmsPk: row.cdmsPk, modified: row.modified, values: this.#encodeRow(info, row) };
    });
    return upsertIfNewer({
      store: this,
      dialect: this.dialect,
      table,
      pkColumn: pkColumn.column,
      modifiedColumn: modifiedColumn.column,
      idColumn: info.column(this.#columnName('id'))?.column,
      versionColumn:
        options.versionField === undefined
          ? undefined
          : info.column(this.#columnName(options.versionField))?.column,
      rows: encoded,
      decodeModified: (value) => decodeValue(this.dialect, modifiedColumn, value) as Date,
      decodeRows: (rows) => this.#decodeRows(info, rows, INSERTED_ALIAS),
      maxRowsPerStatement: (columnCount) => rowsPerStatement(columnCount, this.dialect),
      statements: this.#statements,
    });
  }

  /**
   * Runs one SQL statement through `knex.raw` with `?` placeholders bound to `bindings` (never
   * interpolated), in the transaction of the current async context, and resolves its rows (`[]`
   * for a statement without rows). With `options.table`, columns of that table are named and decoded
   * as `find` returns them; other columns are renamed by `fieldName` and left as the driver returns
   * them. On SQLite a `Date` binding is sent as the stored UTC ISO-8601 text and a boolean as 1/0.
   *
   * @example
   * await store.raw('select * from organisation where name = ?', ['Acme'], { table: 'organisation' });
   * // [{ id: 1, cdmsPk: '…', name: 'Acme', modified: 2024-01-02T03:04:05.678Z, … }]
   */
  async raw(sql: string, bindings: readonly unknown[], options: RawOptions = {}): Promise<Row[]> {
    if (typeof sql !== 'string' || sql.trim() === '')
      throw new ValidationError('raw() needs an SQL statement.');
    if (!Array.isArray(bindings)) throw new ValidationError('raw() needs an array of bindings.');
    const info = options.table === undefined ? undefined : await this.#table(options.table);
    const values = bindings.map((value) => this.#rawBinding(value));
    const result: unknown = await this.knex.raw(sql, values as Knex.RawBinding[]);
    const rows = rowsOf(this.dialect, result);
    return info === undefined ? rows.map((row) => this.#renameRow(row)) : this.#decodeRows(info, rows);
  }

  /** Destroys the Knex instance and its pool. */
  async close(): Promise<void> {
    await this.#knex.destroy();
  }

  /** Inserts one encoded row; see `insert`. */
  async #insertEncoded(info: TableInfo, encoded: Record<string, unknown>): Promise<Row> {
    if (this.dialect !== 'mysql') {
      const returned = await this.#statements.rows(
        this.knex,
        `insert\u0000${info.table}\u0000${Object.keys(encoded).join(',')}`,
        insertValues([encoded]),
        () => this.knex(info.table).insert(encoded).returning('*'),
      );
      return this.#decodeRow(info, returned[0] ?? {});
    }
    return this.#atomic(async () => {
      const [insertId] = (await this.knex(info.table).insert(encoded)) as number[];
      const stored = await this.#readBack(info, encoded, insertId);
      return this.#decodeRow(info, stored);
    });
  }

  /** Runs `fn` in the current transaction, or in a new one when there is none (no savepoint needed). */
  #atomic<T>(fn: () => Promise<T>): Promise<T> {
    return this.inTransaction ? fn() : this.transaction(fn);
  }

  #table(table: string): Promise<TableInfo> {
    let info = this.#tables.get(table);
    if (info === undefined) {
      const loading = loadTableInfo(
        this.knex,
        this.dialect,
        table,
        this.#fieldName,
        this.#driverParsesJson(),
      );
      this.#tables.set(table, loading);
      loading.then(
        (loaded) => {
          if (this.#tables.get(table) === loading) this.#described.set(table, loaded);
        },
        () => {
          // Only this load's entry: one started after a `forget()` is left alone.
          if (this.#tables.get(table) === loading) this.#tables.delete(table);
        },
      );
      info = loading;
    }
    return info;
  }

  /** mysql2 parses JSON columns (MariaDB's too) unless the connection sets `jsonStrings`. */
  #driverParsesJson(): boolean {
    if (this.dialect !== 'mysql') return this.dialect !== 'sqlite';
    const connection = (this.#knex.client as { config?: { connection?: unknown } }).config?.connection;
    return !(
      typeof connection === 'object' &&
      connection !== null &&
      (connection as { jsonStrings?: unknown }).jsonStrings === true
    );
  }

  /** `table`, after loading the tables its where tree filters across (`organisation__name`). */
  async #tableFor(table: string, where: WhereNode | undefined): Promise<TableInfo> {
    for (const related of relatedTables(where)) this.#relatedTables.set(related, await this.#table(related));
    return this.#table(table);
  }

  /**
   * What `#tableFor` resolves, without a promise once every table it needs has been described
   * (every call after the first; a promise costs more than the rest of a small call's own work),
   * else `undefined`.
   */
  #describedFor(table: string, where: WhereNode | undefined): TableInfo | undefined {
    const info = this.#described.get(table);
    if (info === undefined) return undefined;
    for (const related of relatedTables(where)) {
      const relatedInfo = this.#described.get(related);
      if (relatedInfo === undefined) return undefined;
      this.#relatedTables.set(related, relatedInfo);
    }
    return info;
  }

  /** The where compiler of a table, built once per description (compiling is synchronous, so one serves every call). */
  #compiler(info: TableInfo | undefined): WhereCompiler {
    if (info === undefined) return createWhereCompiler(this.dialect, this.#compileContext(info));
    let compiler = this.#compilers.get(info);
    if (compiler === undefined) {
      compiler = createWhereCompiler(this.dialect, this.#compileContext(info));
      this.#compilers.set(info, compiler);
    }
    return compiler;
  }

  #compileContext(info: TableInfo | undefined): CompileContext {
    return {
      columnFor: (field) => {
        if (info === undefined) throw new Error('No table to compile against.');
        return info.columnFor(field);
      },
      encode: (column, value) => encodeValue(this.dialect, column, value),
      relatedContext: (related) => this.#compileContext(this.#relatedTables.get(related)),
    };
  }

  #compileWhere(info: TableInfo, where: WhereNode | undefined): CompiledSql | undefined {
    return where === undefined ? undefined : this.#compiler(info).compile(where);
  }

  /** `query` restricted to the rows matching `where`, compiled against `info` (all rows without one). */
  #whereMatching(query: Knex.QueryBuilder, info: TableInfo, where: WhereNode | undefined): Knex.QueryBuilder {
    return this.#whereCompiled(query, this.#compileWhere(info, where));
  }

  #whereCompiled(query: Knex.QueryBuilder, compiled: CompiledSql | undefined): Knex.QueryBuilder {
    return compiled === undefined
      ? query
      : query.whereRaw(compiled.sql, compiled.bindings as Knex.RawBinding[]);
  }

  /** Field names -> columns with driver values; throws before any SQL on an unknown field or a bad value. */
  #encodeRow(info: TableInfo, row: Row): Record<string, unknown> {
    const encoded: Record<string, unknown> = {};
    for (const field in row) {
      if (!Object.hasOwn(row, field)) continue;
      const value = row[field];
      if (value === undefined) continue;
      const column: StoreColumn = info.columnFor(field);
      encoded[column.column] = encodeValue(this.dialect, column, value);
    }
    return encoded;
  }

  #decodeRow(info: TableInfo, row: Record<string, unknown>): Row {
    return this.#rowDecoder(info, Object.keys(row)).decode(row);
  }

  /**
   * Driver rows of one statement, which all have the same columns: one decoder for all of them
   * (which reads only its columns, so `ignoredColumn` is simply left out).
   */
  #decodeRows(info: TableInfo, rows: readonly Record<string, unknown>[], ignoredColumn?: string): Row[] {
    const [first] = rows;
    if (first === undefined) return [];
    const columns = Object.keys(first);
    const decoder = this.#rowDecoder(
      info,
      ignoredColumn === undefined ? columns : columns.filter((column) => column !== ignoredColumn),
    );
    const decoded = new Array<Row>(rows.length);
    for (let index = 0; index < rows.length; index += 1)
      decoded[index] = decoder.decode(rows[index] as Record<string, unknown>);
    return decoded;
  }

  /** The cached decoder of `info`'s rows with these columns (in this order), built on first use. */
  #rowDecoder(info: TableInfo, columnNames: readonly string[]): RowDecoder {
    let decoders = this.#rowDecoders.get(info);
    if (decoders === undefined) {
      decoders = [];
      this.#rowDecoders.set(info, decoders);
    }
    // A table is read with few column lists (`*`, a `fields` selection): a linear search is cheapest.
    for (const decoder of decoders) if (decoder.decodes(columnNames)) return decoder;
    if (decoders.length >= MAX_ROW_DECODERS_PER_TABLE) decoders.length = 0;
    const decoder = new RowDecoder(this.dialect, info, columnNames, this.#fieldName);
    decoders.push(decoder);
    return decoder;
  }

  /** Column names -> field names, values as the driver returns them. */
  #renameRow(row: Record<string, unknown>): Row {
    const renamed: Row = {};
    for (const [name, value] of Object.entries(row)) renamed[this.#fieldName(name)] = value;
    return renamed;
  }

  /** better-sqlite3 binds neither `Date` nor booleans: send them as the store writes them. */
  #rawBinding(value: unknown): unknown {
    if (this.dialect !== 'sqlite') return value;
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  }

  /** MySQL has no `RETURNING`: read the row back by its new id, or by what identifies it. */
  async #readBack(
    info: TableInfo,
    encoded: Record<string, unknown>,
    insertId: number | undefined,
  ): Promise<Record<string, unknown>> {
    const idColumn = info.column(this.#columnName('id'));
    const pkColumn = info.column(this.#columnName('cdmsPk'));
    let query = this.knex(info.table).select('*').limit(1);
    if (idColumn !== undefined && encoded[idColumn.column] !== undefined)
      query = query.where(idColumn.column, encoded[idColumn.column] as Knex.Value);
    else if (idColumn !== undefined && insertId !== undefined && insertId > 0)
      query = query.where(idColumn.column, insertId);
    else if (pkColumn !== undefined && encoded[pkColumn.column] !== undefined)
      query = query.where(pkColumn.column, encoded[pkColumn.column] as Knex.Value);
    else return encoded;
    const [stored] = (await query) as Record<string, unknown>[];
    return stored ?? encoded;
  }
}

/**
 * Creates the `LocalStore` over a Knex instance; the dialect is detected from its client.
 *
 * @example
 * import knex from 'knex';
 * const store = knexStore(knex({ client: 'pg', connection: process.env.DATABASE_URL }));
 */
export function knexStore(knex: Knex, options?: KnexStoreOptions): KnexStore {
  return new KnexStore(knex, options);
}

/** An UPDATE before it runs: see `KnexStore.#updateStatement`. */
interface UpdateStatement {
  readonly info: TableInfo;
  /** Undefined when the statement cannot be kept as text (see `StatementCache.split`). */
  readonly shape: string | undefined;
  readonly values: readonly unknown[];
  build(): Knex.QueryBuilder;
}

/** knex-pglite answers `delete` with the raw result rather than the row count. */
function affectedRows(result: unknown): number {
  if (typeof result === 'number') return result;
  const { rowCount, affectedRows: affected } = (result ?? {}) as {
    rowCount?: unknown;
    affectedRows?: unknown;
  };
  return Number(rowCount ?? affected ?? 0);
}

function checkCount(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw new ValidationError(`find(): ${name} must be a whole number >= 0, got ${value}.`);
  return value;
}

/**
 * Rows of `columnCount` columns that fit in one statement (at least one): below every dialect's
 * bound-parameter limit, and on SQLite at most 500 rows (Knex writes its multi-row insert as a
 * compound `select … union all select …`, and SQLite allows 500 terms in one).
 */
function rowsPerStatement(columnCount: number, dialect: StoreDialect): number {
  const byBindings = Math.max(1, Math.floor(MAX_BINDINGS_PER_STATEMENT / Math.max(1, columnCount)));
  return dialect === 'sqlite' ? Math.min(byBindings, SQLITE_MAX_COMPOUND_ROWS) : byBindings;
}

function* chunks(
  rows: readonly Record<string, unknown>[],
  dialect: StoreDialect,
): Generator<Record<string, unknown>[]> {
  const size = rowsPerStatement(Math.max(...rows.map((row) => Object.keys(row).length)), dialect);
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}
