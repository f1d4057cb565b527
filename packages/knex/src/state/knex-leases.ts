import { createHash } from 'node:crypto';
import { InProcessLeases, type SyncLease, type SyncLeases } from '@cdms-sync/core';
import type { Knex } from 'knex';
import type { StoreDialect } from '../store/dialect';

/**
 * How fast PostgreSQL notices a holder whose host vanished (no FIN/RST): TCP keepalives on the
 * lease's connection (idle 10 s, then every 5 s, 3 probes), so its advisory lock is released
 * within about 25 s. A killed process closes its socket at once and frees the lock immediately.
 */
const POSTGRES_KEEPALIVE_SQL = [
  'SET tcp_keepalives_idle = 10',
  'SET tcp_keepalives_interval = 5',
  'SET tcp_keepalives_count = 3',
];

/** Two signed 32-bit keys for `pg_try_advisory_lock(int, int)`, from a SHA-256 of the name. */
function advisoryKeys(name: string): [number, number] {
  const digest = createHash('sha256').update(`cdms-sync:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/** A MySQL lock name (at most 64 characters). */
function mysqlLockName(name: string): string {
  return `cdms_sync:${createHash('sha256').update(name).digest('hex').slice(0, 48)}`;
}

/** The rows of a raw result: `{ rows }` on PostgreSQL, `[rows, fields]` on mysql2. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result[0] as Record<string, unknown>[];
  return (result as { rows: Record<string, unknown>[] }).rows;
}

interface LockSql {
  readonly setUp: readonly string[];
  readonly lock: string;
  readonly unlock: string;
  readonly bindings: (name: string) => readonly Knex.Value[];
}

const LOCK_SQL: Partial<Record<StoreDialect, LockSql>> = {
  postgresql: {
    setUp: POSTGRES_KEEPALIVE_SQL,
    lock: 'SELECT pg_try_advisory_lock(?, ?) AS locked',
    unlock: 'SELECT pg_advisory_unlock(?, ?) AS unlocked',
    bindings: advisoryKeys,
  },
  mysql: {
    setUp: [],
    lock: 'SELECT GET_LOCK(?, 0) AS locked',
    unlock: 'SELECT RELEASE_LOCK(?) AS unlocked',
    bindings: (name) => [mysqlLockName(name)],
  },
};

/**
 * Leases through the database: PostgreSQL session advisory locks
 * (`pg_try_advisory_lock(k1, k2)`) and MySQL/MariaDB `GET_LOCK(name, 0)`, each on a dedicated
 * connection taken from the pool for as long as the lease is held, so the database itself frees
 * the lock when the holder dies (its connection closes). SQLite and PGlite serve one process:
 * an in-process lock per store.
 * @internal
 */
export class KnexLeases implements SyncLeases {
  readonly #inProcess = new InProcessLeases();

  constructor(
    private readonly knex: Knex,
    private readonly dialect: StoreDialect,
  ) {}

  async tryLease(name: string): Promise<SyncLease | undefined> {
    const sql = LOCK_SQL[this.dialect];
    if (sql === undefined) return this.#inProcess.tryLease(name);
    const client = this.knex.client as {
      acquireConnection(): Promise<unknown>;
      releaseConnection(connection: unknown): Promise<unknown>;
    };
    const connection = await client.acquireConnection();
    const run = (statement: string, bindings: readonly Knex.Value[] = []) =>
      this.knex.raw(statement, bindings as Knex.Value[]).connection(connection);
    let locked = false;
    try {
      for (const statement of sql.setUp) await run(statement);
      const [row] = rowsOf(await run(sql.lock, sql.bindings(name)));
      locked = row?.locked === true || Number(row?.locked) === 1;
    } finally {
      if (!locked) await client.releaseConnection(connection);
    }
    if (!locked) return undefined;
    let released = false;
    return {
      name,
      held: async () => {
        if (released) return false;
        try {
          await run('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        try {
          await run(sql.unlock, sql.bindings(name));
        } catch {
          // The connection is gone, and the lock with it.
        } finally {
          await client.releaseConnection(connection);
        }
      },
    };
  }
}
