import type { StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import type { EntityModel } from './entity-model';
import { type EntityStore, requireGuid } from './entity-store';

/** A write that happened (its `ModifiedOn`/`VersionNumber` are set) but is not committed yet. */
interface PendingWrite {
  readonly entity: EntityModel;
  readonly id: string;
  /** The row to store, or `null` for a delete. */
  readonly row: StoredRow | null;
  readonly visibleAt: number;
}

/**
 * Writes made by people inside CDMS (not through the OData endpoint): `editAsCdmsUser`, the
 * simulated activity. Each may commit late: it gets its `ModifiedOn` and `VersionNumber` when it
 * happens, but reads see it only `visibleAfterMs` later, as with a CRM transaction that commits
 * a few seconds after it wrote. Later writes to the same record wait behind it (its lock), so a
 * record never shows a newer state before an older one.
 *
 * Due writes are committed by `flush(now)`, which the emulator calls before every request.
 *
 * @example
 * ```ts
 * writes.edit(account, id, { Name: 'Acme' }, 3000); // ModifiedOn = now, visible from now + 3 s
 * ```
 *
 * @internal
 */
export class CdmsUserWrites {
  readonly #store: EntityStore;
  readonly #now: () => number;
  /** Pending writes, by `visibleAt` (ties in write order). */
  #pending: PendingWrite[] = [];

  constructor(store: EntityStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** How many writes are not visible yet. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Commits every write whose time has come, in order. */
  flush(now: number = this.#now()): void {
    let due = 0;
    while (due < this.#pending.length && this.#pending[due]!.visibleAt <= now) due += 1;
    if (due === 0) return;
    const committing = this.#pending.slice(0, due);
    this.#pending = this.#pending.slice(due);
    for (const write of committing) {
      if (write.row !== null) this.#store.put(write.entity, write.row);
      else if (this.#store.find(write.entity, write.id) !== undefined)
        this.#store.delete(write.entity, write.id);
    }
  }

  /** Forgets every pending write (`reset`). */
  clear(): void {
    this.#pending = [];
  }

  /** The latest state of a record, pending writes included; a 404 error when it does not exist. */
  #latest(entity: EntityModel, id: string): { row: StoredRow; visibleAt: number } {
    for (let index = this.#pending.length - 1; index >= 0; index -= 1) {
      const write = this.#pending[index]!;
      if (write.entity !== entity || write.id !== id) continue;
      if (write.row === null) {
        // Deleted, not yet visibly: a later write must not bring the record back.
        throw new CdmsEmulatorError(404, `${entity.logicalName} With Id = ${id} Does Not Exist`);
      }
      return { row: write.row, visibleAt: write.visibleAt };
    }
    return { row: this.#store.get(entity, id), visibleAt: Number.NEGATIVE_INFINITY };
  }

  #lockedUntil(entity: EntityModel, id: string): number {
    let until = Number.NEGATIVE_INFINITY;
    for (const write of this.#pending) {
      if (write.entity === entity && write.id === id) until = Math.max(until, write.visibleAt);
    }
    return until;
  }

  #enqueue(write: PendingWrite): void {
    let index = this.#pending.length;
    while (index > 0 && this.#pending[index - 1]!.visibleAt > write.visibleAt) index -= 1;
    this.#pending.splice(index, 0, write);
  }

  #write(entity: EntityModel, id: string, row: StoredRow | null, visibleAfterMs: number): void {
    assertDelay(visibleAfterMs);
    const visibleAt = Math.max(this.#now() + visibleAfterMs, this.#lockedUntil(entity, id));
    if (visibleAt === Number.NEGATIVE_INFINITY || visibleAt <= this.#now()) {
      if (row !== null) this.#store.put(entity, row);
      else this.#store.delete(entity, id);
      return;
    }
    this.#enqueue({ entity, id, row, visibleAt });
  }

  /** Changes attributes; bumps `ModifiedOn` and `VersionNumber`. Returns the row as written. */
  edit(
    entity: EntityModel,
    id: string,
    changes: Readonly<Record<string, unknown>>,
    visibleAfterMs = 0,
  ): StoredRow {
    const key = requireGuid(id);
    const row = this.#store.prepareUpdate(entity, this.#latest(entity, key).row, changes, 'merge', 'reject');
    this.#write(entity, key, row, visibleAfterMs);
    return row;
  }

  /** Creates a record. Returns the row as written. */
  create(entity: EntityModel, body: Readonly<Record<string, unknown>>, visibleAfterMs = 0): StoredRow {
    const row = this.#store.prepareCreate(entity, body, 'reject');
    this.#write(entity, String(row[entity.primaryKey]), row, visibleAfterMs);
    return row;
  }

  /** Deletes a record (a 404 error when it does not exist). */
  delete(entity: EntityModel, id: string, visibleAfterMs = 0): void {
    const key = requireGuid(id);
    this.#latest(entity, key);
    this.#write(entity, key, null, visibleAfterMs);
  }
}

function assertDelay(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new CdmsEmulatorError(500, `Invalid visibleAfterMs ${ms}: it must be a non-negative number.`);
  }
}
