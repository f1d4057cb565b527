/**
 * The databases the conformance suites run against, shared by every suite that needs a real
 * database. A server that cannot be reached makes its suite FAIL when `process.env.CI` is set and
 * be skipped, with a visible warning, otherwise.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { describe, it } from 'vitest';
import { openPglite } from '../pglite/open-pglite';

/** The dialects under test. */
export type TestDatabaseName = 'postgresql' | 'pglite' | 'sqlite' | 'mysql';

/** One database of the suite. */
export interface TestDatabase {
  readonly name: TestDatabaseName;
  /** False when the server could not be reached; `reason` says why. */
  readonly available: boolean;
  readonly reason?: string;
  /** True when two `connect()` calls reach the same data (not for in-memory PGlite). */
  readonly shared: boolean;
  /** A new Knex instance (its own pool); destroy it when done. */
  connect(): Promise<Knex>;
}

const POSTGRES_CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const MYSQL_CONNECTION = {
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: 'test',
  timezone: 'Z',
  connectTimeout: 3000,
};

function postgres(): Knex {
  return knexFactory({
    client: 'pg',
    connection: POSTGRES_CONNECTION,
    acquireConnectionTimeout: 5000,
    pool: { min: 0, max: 4 },
  });
}

function mysql(): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: MYSQL_CONNECTION,
    acquireConnectionTimeout: 5000,
    pool: {
      min: 0,
      max: 4,
      // DATETIME has no zone; the store writes UTC, so the session must read and compare in UTC too.
      afterCreate: (
        connection: { query(sql: string, done: (error: unknown) => void): void },
        done: (error: unknown, connection: unknown) => void,
      ) => connection.query("SET time_zone = '+00:00'", (error) => done(error, connection)),
    },
  });
}

function sqlite(filename: string): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      // better-sqlite3 is synchronous: waiting for a lock held by another connection of the same
      // process would block the event loop that must release it. Fail fast; the store retries.
      afterCreate: (
        database: { pragma(sql: string): unknown },
        done: (error: unknown, database: unknown) => void,
      ) => {
        database.pragma('busy_timeout = 0');
        done(null, database);
      },
    },
  });
}

/**
 * better-sqlite3 is an optional install (a native module: a fresh machine without a prebuilt
 * binary or Node's headers cannot build it, and the demo does not need it). Says how to build it.
 */
function sqliteDriverMissing(problem: string): string {
  return [
    `the SQLite driver better-sqlite3 is not installed or not built for Node ${process.version} (${problem.split('\n')[0]}).`,
    'Build it from the headers of the Node you run, without downloads (CI does): node scripts/build-sqlite-driver.mjs',
  ].join(' ');
}

async function reachable(connect: () => Knex): Promise<string | undefined> {
  const knex = connect();
  try {
    await knex.raw('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await knex.destroy().catch(() => {});
  }
}

/**
 * The four databases: PostgreSQL (127.0.0.1:5432, db `test`), MariaDB/MySQL (127.0.0.1:3306, db
 * `test`, `timezone: 'Z'`), SQLite (a file in a fresh temp dir, via better-sqlite3) and PGlite
 * (in memory). Probes the servers once.
 */
export async function testDatabases(): Promise<TestDatabase[]> {
  const sqliteFile = join(mkdtempSync(join(tmpdir(), 'cdms-sync-knex-')), 'store.db');
  const [postgresProblem, mysqlProblem, sqliteProblem] = await Promise.all([
    reachable(postgres),
    reachable(mysql),
    reachable(() => sqlite(':memory:')).then((problem) => problem && sqliteDriverMissing(problem)),
  ]);
  return [
    {
      name: 'postgresql',
      available: postgresProblem === undefined,
      reason: postgresProblem,
      shared: true,
      connect: async () => postgres(),
    },
    { name: 'pglite', available: true, shared: false, connect: () => openPglite() },
    {
      name: 'sqlite',
      available: sqliteProblem === undefined,
      reason: sqliteProblem,
      shared: true,
      connect: async () => sqlite(sqliteFile),
    },
    {
      name: 'mysql',
      available: mysqlProblem === undefined,
      reason: mysqlProblem,
      shared: true,
      connect: async () => mysql(),
    },
  ];
}

/**
 * Declares `suite` once per database inside a `describe(database.name)`. An unreachable server:
 * on CI, one failing test "is reachable"; elsewhere, a skipped suite and a process warning.
 */
export function describeEachDatabase(
  databases: readonly TestDatabase[],
  suite: (database: TestDatabase) => void,
): void {
  for (const database of databases) {
    if (!database.available && process.env.CI) {
      describe(database.name, () => {
        it('is reachable (required on CI)', () => {
          throw new Error(`${database.name} is unreachable: ${database.reason}`);
        });
      });
      continue;
    }
    if (!database.available) {
      const line = '!'.repeat(100);
      process.stderr.write(
        `\n${line}\n!! SKIPPED: the ${database.name} tests of this file (they FAIL on CI):\n!! ${database.reason}\n${line}\n\n`,
      );
    }
    describe.skipIf(!database.available)(database.name, () => suite(database));
  }
}

let tableCounter = 0;

/** A table name unique to this run and process, so suites can share a database. */
export function uniqueTableName(prefix: string): string {
  tableCounter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${tableCounter}`.slice(0, 60);
}
