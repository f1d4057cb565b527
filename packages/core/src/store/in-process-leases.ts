import type { SyncLease, SyncLeases } from './sync-leases';

/**
 * Leases among the callers of one object in one process: what a single-process database
 * (SQLite, PGlite) needs, and what core uses when the store has no `leases`.
 *
 * @example
 * ```ts
 * const leases = new InProcessLeases();
 * const lease = await leases.tryLease('poll:organisation'); // a lease
 * await leases.tryLease('poll:organisation');               // undefined until lease.release()
 * ```
 */
export class InProcessLeases implements SyncLeases {
  readonly #held = new Set<string>();

  async tryLease(name: string): Promise<SyncLease | undefined> {
    if (this.#held.has(name)) return undefined;
    this.#held.add(name);
    let released = false;
    return {
      name,
      held: async () => !released,
      release: async () => {
        if (released) return;
        released = true;
        this.#held.delete(name);
      },
    };
  }
}
