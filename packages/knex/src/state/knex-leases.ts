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
  /** One row with `scope`: what makes the same lock name distinct per database (and schema). */
  readonly scope: string;
  readonly lock: string;
  readonly unlock: string;
  readonly bindings: (name: string) => readonly Knex.Value[];
}

const LOCK_SQL: Partial<Record<StoreDialect, LockSql>> = {
  postgresql: {
    setUp: POSTGRES_KEEPALIVE_SQL,
    scope: "SELECT current_database() || '.' || coalesce(current_schema(), '') AS scope",
    lock: 'SELECT pg_try_advisory_lock(?, ?) AS locked',
    unlock: 'SELECT pg_advisory_unlock(?, ?) AS unlocked',
    bindings: advisoryKeys,
  },
  mysql: {
    setUp: [],
    scope: "SELECT coalesce(DATABASE(), '') AS scope",
    lock: 'SELECT GET_LOCK(?, 0) AS locked',
    unlock: 'SELECT RELEASE_LOCK(?) AS unlocked',
    bindings: (name) => [mysqlLockName(name)],
  },
};

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** The one connection that holds every database lock of a store, and the scope of its names. */
interface LockConnection {
  readonly connection: unknown;
  readonly scope: string;
}

/**
 * Leases through the database: PostgreSQL session advisory locks
 * (`pg_try_advisory_lock(k1, k2)`) and MySQL/MariaDB `GET_LOCK(name, 0)`, so the database itself
 * frees a lock when its holder dies (the connection closes). Every lease of one store is held on
 * one connection taken from the pool while at least one lease is held, so pollers of many models
 * cost one connection, not one each. Names are scoped to the database (and PostgreSQL schema), so
 * two deployments sharing a server never skip each other's polls. A session's locks are
 * re-entrant, so an in-process lock keeps two callers of the same store apart too. SQLite and
 * PGlite serve one process: the in-process lock alone.
 * @internal
 */
export class KnexLeases implements SyncLeases {
  readonly #inProcess = new InProcessLeases();
  #lockConnection: Promise<LockConnection> | undefined;
  #holders = 0;

  constructor(
    private readonly knex: Knex,
    private readonly dialect: StoreDialect,
  ) {}

  get #pool(): PoolClient {
    return this.knex.client as PoolClient;
  }

  #run(connection: unknown, statement: string, bindings: readonly Knex.Value[] = []) {
    return this.knex.raw(statement, bindings as Knex.Value[]).connection(connection);
  }

  /** The shared lock connection, opened (and set up) by the first holder. */
  #connect(sql: LockSql): Promise<LockConnection> {
    this.#lockConnection ??= (async () => {
      const connection = await this.#pool.acquireConnection();
      try {
        for (const statement of sql.setUp) await this.#run(connection, statement);
        const [row] = rowsOf(await this.#run(connection, sql.scope));
        return { connection, scope: String(row?.scope ?? '') };
      } catch (error) {
        await this.#pool.releaseConnection(connection);
        throw error;
      }
    })();
    const opening = this.#lockConnection;
    // A failed open must not stay cached for the next caller.
    opening.catch(() => {
      if (this.#lockConnection === opening) this.#lockConnection = undefined;
    });
    return opening;
  }

  /** One holder fewer; the last one gives the connection back to the pool. */
  async #leave(): Promise<void> {
    this.#holders -= 1;
    if (this.#holders > 0 || this.#lockConnection === undefined) return;
    const opening = this.#lockConnection;
    this.#lockConnection = undefined;
    const lock = await opening.catch(() => undefined);
    if (lock !== undefined) await this.#pool.releaseConnection(lock.connection);
  }

  async tryLease(name: string): Promise<SyncLease | undefined> {
    const local = await this.#inProcess.tryLease(name);
    const sql = LOCK_SQL[this.dialect];
    if (local === undefined || sql === undefined) return local;
    this.#holders += 1;
    let lock: LockConnection | undefined;
    let keys: readonly Knex.Value[] = [];
    try {
      lock = await this.#connect(sql);
      keys = sql.bindings(`${lock.scope}:${name}`);
      const [row] = rowsOf(await this.#run(lock.connection, sql.lock, keys));
      if (!(row?.locked === true || Number(row?.locked) === 1)) lock = undefined;
    } finally {
      if (lock === undefined) {
        await local.release();
        await this.#leave();
      }
    }
    if (lock === undefined) return undefined;
    const { connection } = lock;
    let released = false;
    return {
      name,
      held: async () => {
        if (released) return false;
        try {
          await this.#run(connection, 'SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        try {
          await this.#run(connection, sql.unlock, keys);
        } catch {
          // The connection is gone, and the lock with it.
        } finally {
          await local.release();
          await this.#leave();
        }
      },
    };
  }
}
