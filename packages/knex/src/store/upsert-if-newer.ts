import type { Row, UpsertResult } from '@cdms-sync/core';
import type { Knex } from 'knex';
import type { StoreDialect } from './dialect';
import { insertValues, type StatementCache } from './statement-cache';

/** One validated row: its key, its `modified`, and its column values ready for the driver. */
interface EncodedSyncedRow {
  readonly cdmsPk: string;
  readonly modified: Date;
  readonly values: Record<string, unknown>;
}

/** What `upsertIfNewer` needs from the store. @internal */
export interface UpsertContext {
  readonly store: {
    readonly knex: Knex;
    readonly inTransaction: boolean;
    transaction<T>(fn: () => Promise<T>): Promise<T>;
  };
  readonly dialect: StoreDialect;
  readonly table: string;
  readonly pkColumn: string;
  readonly modifiedColumn: string;
  readonly idColumn: string | undefined;
  /**
   * The version column (`UpsertOptions.versionField`): on PostgreSQL, PGlite and SQLite an equal
   * `modified` with a greater version updates too; MySQL ignores it (`versionCompared` unset).
   */
  readonly versionColumn: string | undefined;
  readonly rows: readonly EncodedSyncedRow[];
  decodeModified(value: unknown): Date;
  /**
   * Rows as the driver returned them (`*` of the table, all with the same columns; the marker
   * column `INSERTED_ALIAS` is not decoded) -> the rows as `find` returns them (model fields).
   */
  decodeRows(rows: readonly Record<string, unknown>[]): Row[];
  maxRowsPerStatement(columnCount: number): number;
  /** The store's statement texts: a page's upsert is built by Knex once per shape. */
  readonly statements: StatementCache;
}

/**
 * Which keys a statement inserted and which it updated (every other key of the batch was
 * unchanged), and the changed rows as the driver returned them, by key.
 */
interface StatementOutcome {
  readonly inserted: readonly string[];
  readonly updated: readonly string[];
  readonly stored: ReadonlyMap<string, Record<string, unknown>>;
}

/** Marks the rows PostgreSQL inserted in `returning *, (xmax = 0) as …`; left out when decoding. @internal */
export const INSERTED_ALIAS = 'cdms_sync_inserted';

const MAX_ATTEMPTS = 10;

/**
 * Inserts each row by `cdms_pk`, or updates the stored row only where its `modified` is older,
 * race-free on every dialect:
 *
 * - PostgreSQL / PGlite: one statement per batch,
 *   `insert … on conflict (cdms_pk) do update set … where t.modified < excluded.modified
 *   returning *, (xmax = 0) as cdms_sync_inserted`; rows not returned were unchanged, `xmax = 0`
 *   marks an insert, and the returned rows are the stored ones.
 * - SQLite: the same statement with `returning *` (without `xmax`), preceded in one transaction by
 *   a no-op `update … set cdms_pk = cdms_pk where cdms_pk in (…) returning cdms_pk` that both lists
 *   the existing keys and takes SQLite's write lock first, so no other writer can slip in between.
 * - MySQL / MariaDB: in one transaction, `select … for update` locks the existing rows (and, under
 *   InnoDB's default REPEATABLE READ, the gaps of the missing keys), then
 *   `insert … on duplicate key update col = IF(t.modified < VALUES(modified), VALUES(col), col), …,
 *   modified = IF(…)` with `modified` last (MySQL assigns left to right). The outcome follows from
 *   the locked `modified` values. MySQL has no `RETURNING` (and this path serves MySQL and MariaDB
 *   alike), so one more `select * … where cdms_pk in (changed keys) for update`
 *   reads the changed rows back in the same transaction: this transaction holds the exclusive lock
 *   on every one of them (locked before the update, or inserted by it), so no other writer can
 *   change them in between, and the locking read sees their latest version.
 *
 * `stored` holds the inserted rows, then the updated ones, each in the order of `inserted` and
 * `updated` (first occurrence in the input), decoded as `find` decodes them. It is left out only
 * if a changed key cannot be found among the returned rows (e.g. a MySQL collation that matches
 * keys case-insensitively stored the row under another spelling); core then reads the rows back.
 *
 * Rows are deduplicated by key (the newest wins) and sorted by key so concurrent batches lock rows
 * in the same order. A deadlock or busy error is retried when the store owns the transaction.
 *
 * @internal
 */
export async function upsertIfNewer(context: UpsertContext): Promise<UpsertResult> {
  const newest = new Map<string, EncodedSyncedRow>();
  for (const row of context.rows) {
    const seen = newest.get(row.cdmsPk);
    if (seen === undefined || seen.modified.getTime() <= row.modified.getTime()) newest.set(row.cdmsPk, row);
  }
  const statements = planStatements(
    context,
    [...newest.values()].sort((a, b) => (a.cdmsPk < b.cdmsPk ? -1 : a.cdmsPk > b.cdmsPk ? 1 : 0)),
  );

  const run = async (): Promise<StatementOutcome[]> => {
    const outcomes: StatementOutcome[] = [];
    for (const rows of statements) outcomes.push(await runStatement(context, rows));
    if (context.dialect === 'mysql') {
      const changed = await selectChangedMysql(context, outcomes);
      assertInsertedMysql(context, outcomes, changed);
      outcomes.push(changed);
    }
    return outcomes;
  };
  const singlePostgresStatement =
    (context.dialect === 'postgresql' || context.dialect === 'pglite') && statements.length === 1;
  const outcomes = await withRetry(context, () =>
    singlePostgresStatement ? run() : context.store.transaction(run),
  );

  const inserted = new Set(outcomes.flatMap((outcome) => outcome.inserted));
  const updated = new Set(outcomes.flatMap((outcome) => outcome.updated));
  const order = [...new Set(context.rows.map((row) => row.cdmsPk))];
  const result = {
    inserted: order.filter((key) => inserted.has(key)),
    updated: order.filter((key) => updated.has(key)),
    unchanged: order.filter((key) => !inserted.has(key) && !updated.has(key)),
  };
  const versionCompared = context.dialect !== 'mysql' && context.versionColumn !== undefined;
  const returned = new Map(outcomes.flatMap((outcome) => [...outcome.stored]));
  const changed: Record<string, unknown>[] = [];
  for (const key of [...result.inserted, ...result.updated]) {
    const row = returned.get(key);
    if (row === undefined) return versionCompared ? { ...result, versionCompared } : result;
    changed.push(row);
  }
  const stored = context.decodeRows(changed);
  return versionCompared ? { ...result, stored, versionCompared } : { ...result, stored };
}

/** Splits rows into statements: one per set of columns (so no row overwrites a column it lacks), bounded in size. */
function planStatements(context: UpsertContext, rows: readonly EncodedSyncedRow[]): EncodedSyncedRow[][] {
  const groups = new Map<string, EncodedSyncedRow[]>();
  // Rows encoded alike have their keys in the same order: one signature serves a run of them.
  let previousKeys: readonly string[] = [];
  let previousGroup: EncodedSyncedRow[] | undefined;
  for (const row of rows) {
    const keys = Object.keys(row.values);
    if (previousGroup !== undefined && sameKeys(keys, previousKeys)) {
      previousGroup.push(row);
      continue;
    }
    const signature = [...keys].sort().join('\u0000');
    const group = groups.get(signature) ?? [];
    group.push(row);
    groups.set(signature, group);
    previousKeys = keys;
    previousGroup = group;
  }
  const statements: EncodedSyncedRow[][] = [];
  for (const group of groups.values()) {
    const size = context.maxRowsPerStatement(Object.keys(group[0]?.values ?? {}).length);
    for (let start = 0; start < group.length; start += size)
      statements.push(group.slice(start, start + size));
  }
  return statements;
}

function sameKeys(keys: readonly string[], other: readonly string[]): boolean {
  if (keys.length !== other.length) return false;
  for (let index = 0; index < keys.length; index += 1) if (keys[index] !== other[index]) return false;
  return true;
}

function runStatement(context: UpsertContext, rows: readonly EncodedSyncedRow[]): Promise<StatementOutcome> {
  switch (context.dialect) {
    case 'postgresql':
    case 'pglite':
      return upsertPostgres(context, rows);
    case 'sqlite':
      return upsertSqlite(context, rows);
    case 'mysql':
      return upsertMysql(context, rows);
  }
}

function updateColumns(context: UpsertContext, rows: readonly EncodedSyncedRow[]): string[] {
  const columns = Object.keys(rows[0]?.values ?? {}).filter(
    (column) => column !== context.pkColumn && column !== context.idColumn,
  );
  // `modified` last: MySQL evaluates the SET list left to right and every IF compares against it.
  return [...columns.filter((column) => column !== context.modifiedColumn), context.modifiedColumn];
}

function onConflictInsert(context: UpsertContext, rows: readonly EncodedSyncedRow[]) {
  const { knex } = context.store;
  const { table, modifiedColumn, versionColumn } = context;
  const merge = knex(table)
    .insert(rows.map((row) => row.values))
    .onConflict(context.pkColumn)
    .merge(updateColumns(context, rows));
  if (versionColumn === undefined) {
    return merge.where(`${table}.${modifiedColumn}`, '<', knex.ref(`excluded.${modifiedColumn}`));
  }
  // A row without the version column (another set of columns) carries `excluded.version` null,
  // which never wins a tie.
  return merge.whereRaw('?? < ?? or (?? = ?? and ?? > coalesce(??, -1))', [
    `${table}.${modifiedColumn}`,
    `excluded.${modifiedColumn}`,
    `${table}.${modifiedColumn}`,
    `excluded.${modifiedColumn}`,
    `excluded.${versionColumn}`,
    `${table}.${versionColumn}`,
  ]);
}

async function upsertPostgres(
  context: UpsertContext,
  rows: readonly EncodedSyncedRow[],
): Promise<StatementOutcome> {
  const { knex } = context.store;
  const build = () =>
    onConflictInsert(context, rows).returning([
      '*',
      knex.raw('(xmax = 0) as ??', [INSERTED_ALIAS]),
    ] as unknown as string[]);
  // The text depends on the table, the columns in the first row's order (the SET list) and the row count.
  const shape = `upsert\u0000${context.table}\u0000${context.versionColumn ?? ''}\u0000${Object.keys(rows[0]?.values ?? {}).join(',')}\u0000${rows.length}`;
  const returned = await context.statements.rows(
    knex,
    shape,
    insertValues(rows.map((row) => row.values)),
    build,
  );
  const inserted: string[] = [];
  const updated: string[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  for (const row of returned) {
    const key = String(row[context.pkColumn]);
    (row[INSERTED_ALIAS] === true ? inserted : updated).push(key);
    stored.set(key, row);
  }
  return { inserted, updated, stored };
}

async function upsertSqlite(
  context: UpsertContext,
  rows: readonly EncodedSyncedRow[],
): Promise<StatementOutcome> {
  const { knex } = context.store;
  const keys = rows.map((row) => row.cdmsPk);
  const existing = (await knex(context.table)
    .whereIn(context.pkColumn, keys)
    .returning(context.pkColumn)
    .update({ [context.pkColumn]: knex.ref(context.pkColumn) })) as unknown as Array<Record<string, unknown>>;
  const existingKeys = new Set(existing.map((row) => String(row[context.pkColumn])));
  const returned = (await onConflictInsert(context, rows).returning('*')) as Array<Record<string, unknown>>;
  const inserted: string[] = [];
  const updated: string[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  for (const row of returned) {
    const key = String(row[context.pkColumn]);
    (existingKeys.has(key) ? updated : inserted).push(key);
    stored.set(key, row);
  }
  return { inserted, updated, stored };
}

async function upsertMysql(
  context: UpsertContext,
  rows: readonly EncodedSyncedRow[],
): Promise<StatementOutcome> {
  const { knex } = context.store;
  const { pkColumn, modifiedColumn, table } = context;
  const locked = (await knex(table)
    .select(pkColumn, modifiedColumn)
    .whereIn(
      pkColumn,
      rows.map((row) => row.cdmsPk),
    )
    .forUpdate()) as Array<Record<string, unknown>>;
  const stored = new Map(
    locked.map((row) => [String(row[pkColumn]), context.decodeModified(row[modifiedColumn])]),
  );

  const insert = knex(table)
    .insert(rows.map((row) => row.values))
    .toSQL();
  const storedModified = `${table}.${modifiedColumn}`;
  // `ON DUPLICATE KEY` fires for any unique key: the `cdms_pk` guard leaves a row that another
  // unique index matched (another record's row) untouched; the check below reports it.
  const storedPk = `${table}.${pkColumn}`;
  const sets = updateColumns(context, rows).map((column) => ({
    sql: '?? = IF(?? < VALUES(??) AND ?? = VALUES(??), VALUES(??), ??)',
    bindings: [column, storedModified, modifiedColumn, storedPk, pkColumn, column, column],
  }));
  await knex.raw(`${insert.sql} on duplicate key update ${sets.map((set) => set.sql).join(', ')}`, [
    ...(insert.bindings as Knex.RawBinding[]),
    ...sets.flatMap((set) => set.bindings),
  ]);

  const inserted: string[] = [];
  const updated: string[] = [];
  for (const row of rows) {
    const before = stored.get(row.cdmsPk);
    if (before === undefined) inserted.push(row.cdmsPk);
    else if (before.getTime() < row.modified.getTime()) updated.push(row.cdmsPk);
  }
  return { inserted, updated, stored: new Map() };
}

/**
 * A MySQL row counted as inserted (its key was not stored before) that the read-back cannot find
 * was not inserted: `ON DUPLICATE KEY` met another unique index (and the `cdms_pk` guard left that
 * other row alone). Fail like PostgreSQL and SQLite fail on a unique violation (with MySQL's
 * `ER_DUP_ENTRY`, errno 1062), so that the caller can store the rest of its rows without this one.
 */
function assertInsertedMysql(
  context: UpsertContext,
  outcomes: readonly StatementOutcome[],
  changed: StatementOutcome,
): void {
  const found = new Set([...changed.stored.keys()].map((key) => key.toLowerCase()));
  const missing = outcomes
    .flatMap((outcome) => outcome.inserted)
    .filter((key) => !found.has(key.toLowerCase()));
  if (missing.length > 0) {
    // Shaped as mysql2's error for a duplicate key (ER_DUP_ENTRY), so that `isRowError` says yes.
    throw Object.assign(
      new Error(
        `Duplicate entry: ${context.table} rows ${missing.join(', ')} conflict with another unique key and were not stored`,
      ),
      { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' },
    );
  }
}

/**
 * MySQL has no `RETURNING`: reads the rows the batch changed back, in the batch's transaction,
 * with `select * … where cdms_pk in (…) for update` (one statement per `maxRowsPerStatement` keys).
 * The transaction already holds the exclusive lock on each of them, so the lock waits for nobody.
 */
async function selectChangedMysql(
  context: UpsertContext,
  outcomes: readonly StatementOutcome[],
): Promise<StatementOutcome> {
  const keys = outcomes.flatMap((outcome) => [...outcome.inserted, ...outcome.updated]);
  const stored = new Map<string, Record<string, unknown>>();
  const size = context.maxRowsPerStatement(1);
  for (let start = 0; start < keys.length; start += size) {
    const found = (await context.store
      .knex(context.table)
      .select('*')
      .whereIn(context.pkColumn, keys.slice(start, start + size))
      .forUpdate()) as Array<Record<string, unknown>>;
    for (const row of found) stored.set(String(row[context.pkColumn]), row);
  }
  return { inserted: [], updated: [], stored };
}

/** Retries deadlocks (MySQL, PostgreSQL) and busy errors (SQLite), only when the store owns the transaction. */
async function withRetry<T>(context: UpsertContext, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (context.store.inTransaction || tries >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** tries)));
    }
  }
}

function isRetryable(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return (
    code === 'ER_LOCK_DEADLOCK' ||
    errno === 1213 ||
    code === '40P01' ||
    code === '40001' ||
    code === 'SQLITE_BUSY'
  );
}
