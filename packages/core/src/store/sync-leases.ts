/**
 * A lease held by this process: exclusive among every process that asks the same database for
 * the same name (the poller of one model). The database releases it when the holder's
 * connection dies, so a killed process never keeps it.
 */
export interface SyncLease {
  /** The name it was taken for, e.g. `poll:organisation`. */
  readonly name: string;
  /**
   * True while the lease is still held (its connection is alive). A holder checks it before each
   * round of work and stops when it resolves false.
   */
  held(): Promise<boolean>;
  /** Give the lease back (the store may then return its lease connection to the pool). Idempotent. */
  release(): Promise<void>;
}

/**
 * Optional member of `LocalStore` (`store.leases`): leases through the database's own primitives.
 * `@cdms-sync/knex` uses PostgreSQL session advisory locks and MySQL/MariaDB `GET_LOCK` on a
 * connection of their own (one for all the store's leases), and an in-process lock on SQLite and PGlite (one process each). A store
 * without it gets an in-process lock from core.
 *
 * @example
 * ```ts
 * const lease = await store.leases?.tryLease('poll:organisation');
 * // PostgreSQL, on the store's lease connection: SELECT pg_try_advisory_lock($1, $2)
 * if (lease) try { … } finally { await lease.release(); } // SELECT pg_advisory_unlock($1, $2)
 * ```
 */
export interface SyncLeases {
  /** Take the lease `name` if nobody holds it; `undefined` when another holder has it. */
  tryLease(name: string): Promise<SyncLease | undefined>;
}
