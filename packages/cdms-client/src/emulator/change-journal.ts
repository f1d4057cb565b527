import type { EntityModel } from './entity-model';

/** One write: which record of which entity changed (created, updated or deleted). @internal */
export interface JournalEntry {
  readonly entity: EntityModel;
  readonly id: string;
}

/** Entries kept before the oldest half is dropped (a view further behind rebuilds). */
const MAX_ENTRIES = 20_000;

/**
 * The emulator's writes in order, numbered by a sequence that only grows, so that a list view
 * can catch up with what changed since it was built instead of sorting every row again. Bounded:
 * old entries are dropped, and `since` then says `undefined` (rebuild).
 *
 * @example
 * ```ts
 * const at = journal.sequence;
 * store.update(account, id, { Name: 'Acme' }, 'merge', 'ignore');
 * journal.since(at); // [{ entity: account, id }]
 * ```
 *
 * @internal
 */
export class ChangeJournal {
  #entries: JournalEntry[] = [];
  /** The sequence number of `#entries[0]`. */
  #base = 0;

  /** The sequence number the next write will get. */
  get sequence(): number {
    return this.#base + this.#entries.length;
  }

  record(entity: EntityModel, id: string): void {
    this.#entries.push({ entity, id });
    if (this.#entries.length > MAX_ENTRIES) {
      const dropped = this.#entries.length - MAX_ENTRIES / 2;
      this.#entries = this.#entries.slice(dropped);
      this.#base += dropped;
    }
  }

  /** Forgets everything: every view rebuilds. */
  clear(): void {
    this.#base = this.sequence + 1;
    this.#entries = [];
  }

  /**
   * The writes from `sequence` on, or `undefined` when they are no longer kept (or more than
   * `limit` of them: rebuilding is cheaper then).
   */
  since(sequence: number, limit = Number.POSITIVE_INFINITY): readonly JournalEntry[] | undefined {
    if (sequence < this.#base) return undefined;
    const start = sequence - this.#base;
    if (this.#entries.length - start > limit) return undefined;
    return this.#entries.slice(start);
  }
}
