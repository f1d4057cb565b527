/**
 * The local stores a benchmark runs against: an in-memory PGlite database (always), and PostgreSQL
 * on 127.0.0.1:5432 (db `test`) in a schema of its own, dropped afterwards, when the server answers.
 */

import { openPglite } from '@cdms-sync/knex';
import knexFactory, { type Knex } from 'knex';

/** One opened database. */
export interface BenchDatabase {
  /** `pglite` or `postgresql`. */
  readonly name: BenchDatabaseName;
  readonly knex: Knex;
  /** PostgreSQL: the schema of this run (a child process can open it too); undefined for PGlite. */
  readonly schema?: string;
  /** Drops what the benchmark created (the PostgreSQL schema) and closes the pool; idempotent. */
  close(): Promise<void>;
}

/** The databases a benchmark can use. */
export type BenchDatabaseName = 'pglite' | 'postgresql';

/** The outcome of `openBenchDatabases`: the opened databases and a note per database that was not. */
export interface OpenedBenchDatabases {
  readonly databases: BenchDatabase[];
  /** E.g. `postgresql: unreachable (connect ECONNREFUSED 127.0.0.1:5432); measured on PGlite only`. */
  readonly notes: string[];
}

/** The shared PostgreSQL server of the benchmarks. */
export const POSTGRES_CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** A Knex pool on the shared server, its search path set to `searchPath` when given. */
export function postgres(searchPath?: string): Knex {
  return knexFactory({
    client: 'pg',
    connection: POSTGRES_CONNECTION,
    // Generous: the read-policy bench queues 200 concurrent reads on these 4 connections.
    acquireConnectionTimeout: 20_000,
    pool: { min: 0, max: 4 },
    ...(searchPath ? { searchPath: [searchPath] } : {}),
  });
}

/** `fn` run at most once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

/** A fresh PostgreSQL schema of its own (dropped by `close`); throws when the server is unreachable. */
export async function openPostgres(): Promise<BenchDatabase> {
  const probe = postgres();
  // Unique per process and start time: parallel runs (and other suites) never share tables.
  const schema = `cdms_sync_bench_${process.pid}_${Date.now().toString(36)}`;
  try {
    await probe.raw('create schema ??', [schema]);
  } finally {
    await probe.destroy();
  }
  const knex = postgres(schema);
  return {
    name: 'postgresql',
    knex,
    schema,
    close: once(async () => {
      try {
        await knex.raw('drop schema if exists ?? cascade', [schema]);
      } finally {
        await knex.destroy();
      }
    }),
  };
}

/**
 * Opens the requested databases (default both). PostgreSQL that cannot be reached is left out with
 * a note rather than failing the run.
 */
export async function openBenchDatabases(
  names: readonly BenchDatabaseName[] = ['pglite', 'postgresql'],
): Promise<OpenedBenchDatabases> {
  const databases: BenchDatabase[] = [];
  const notes: string[] = [];
  for (const name of names) {
    if (name === 'pglite') {
      const knex = await openPglite();
      databases.push({ name, knex, close: once(() => knex.destroy()) });
      continue;
    }
    try {
      databases.push(await openPostgres());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      notes.push(`postgresql: unreachable (${reason}); measured on PGlite only`);
    }
  }
  return { databases, notes };
}
