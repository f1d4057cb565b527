import type { SyncContextStorage } from '../context/sync-context';
import type { LookupNode } from '../query/where-node';
import type { LocalStore, Row, StoreUpdate } from '../store/local-store';
import {
  CDMS_REFRESH_COMMENT,
  CDMS_REFRESH_USER,
  type HistoryAuthor,
  type HistoryEntry,
  type HistoryKind,
} from './history-entry';

/**
 * Appends history entries through the local store, in the caller's transaction (the store joins
 * the transaction of the current async context), and reads them back newest first.
 * @internal
 */
export class HistoryRecorder {
  constructor(
    private readonly store: LocalStore,
    readonly table: string,
    private readonly context: SyncContextStorage,
  ) {}

  /**
   * Record one revision of `row` (a stored row with `id`) of the model stored in `modelTable`.
   * `author` replaces the acting user and comment (a change made in CDMS, not by this process).
   * Resolves the entry's id (for `amend`).
   */
  async record(modelTable: string, row: Row, kind: HistoryKind, author?: HistoryAuthor): Promise<unknown> {
    const entry = this.#entryRow(modelTable, row, kind, new Date(), author);
    // Only the id is needed: a store that can insert without reading the row back does so.
    if (this.store.insertIds) return (await this.store.insertIds(this.table, [entry]))[0];
    return (await this.store.insert(this.table, entry)).id;
  }

  /**
   * Replace the snapshot of entry `entryId` with `row`: a write records its history before the CDMS
   * write (so a failing history insert changes nothing in CDMS), then completes it with what CDMS
   * answered (`ModifiedOn`, `VersionNumber`, read-back values), in the same transaction.
   */
  async amend(entryId: unknown, row: Row): Promise<void> {
    const { table, where, values } = this.amendment(entryId, row);
    await this.store.update(table, where, values);
  }

  /** The update `amend` runs, for a caller that runs it together with others (`updateMany`). */
  amendment(entryId: unknown, row: Row): StoreUpdate {
    return {
      table: this.table,
      where: { kind: 'lookup', field: 'id', lookup: 'exact', value: entryId },
      values: { cdmsPk: row.cdmsPk ?? null, data: snapshot(row) },
    };
  }

  /**
   * Record one revision of each of `rows`, in order, with one multi-row insert (`store.insertMany`,
   * else `insertIds` or `bulkInsert`) rather than one INSERT per row: an import of a page of CDMS
   * rows writes its history at once, and reads nothing back.
   */
  async recordMany(
    modelTable: string,
    rows: readonly Row[],
    kind: HistoryKind,
    author?: HistoryAuthor,
  ): Promise<void> {
    if (rows.length === 0) return;
    const createdAt = new Date();
    const entries = rows.map((row) => this.#entryRow(modelTable, row, kind, createdAt, author));
    if (this.store.insertMany) await this.store.insertMany(this.table, entries);
    else if (this.store.insertIds) await this.store.insertIds(this.table, entries);
    else await this.store.bulkInsert(this.table, entries);
  }

  /** The history row of one revision. */
  #entryRow(modelTable: string, row: Row, kind: HistoryKind, createdAt: Date, author?: HistoryAuthor): Row {
    const { user, comment } =
      author ??
      (kind === 'cdms-refresh'
        ? { user: CDMS_REFRESH_USER, comment: CDMS_REFRESH_COMMENT }
        : this.context.current());
    return {
      model: modelTable,
      // The history table keeps row ids as text, so any primary key type fits.
      rowId: String(row.id),
      cdmsPk: row.cdmsPk ?? null,
      kind,
      data: snapshot(row),
      user: user ?? null,
      comment: comment ?? null,
      createdAt,
    };
  }

  /** Every entry of one row (or of the whole model when `rowId` is omitted), newest first. */
  async list(modelTable: string, rowId?: number): Promise<HistoryEntry[]> {
    const children: LookupNode[] = [{ kind: 'lookup', field: 'model', lookup: 'exact', value: modelTable }];
    if (rowId !== undefined)
      children.push({ kind: 'lookup', field: 'rowId', lookup: 'exact', value: String(rowId) });
    const rows = await this.store.find(this.table, {
      where: { kind: 'and', children },
      orderBy: [
        { field: 'createdAt', direction: 'desc' },
        { field: 'id', direction: 'desc' },
      ],
    });
    return rows.map(toEntry);
  }
}

/**
 * A JSON-safe copy of a row, as `JSON.parse(JSON.stringify(row))` would make it: dates become ISO
 * strings, bigints decimal strings, non-finite numbers and invalid dates `null`; `undefined` and
 * functions are left out. A flat row is copied value by value (every write and import snapshots its
 * rows, and a stringify with a replacer is the slow path); a nested value (a JSON column) takes the
 * round trip.
 *
 * @example
 * snapshot({ id: 1, modified: new Date(0), cdmsVersion: 7n }); // { id: 1, modified: '1970-01-01T00:00:00.000Z', cdmsVersion: '7' }
 */
export function snapshot(row: Row): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in row) {
    if (!Object.hasOwn(row, key)) continue;
    const safe = jsonSafe(row[key]);
    if (safe === undefined) continue;
    // `JSON.parse` keeps a `__proto__` key as data; an assignment would set the prototype.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: safe, enumerable: true, writable: true, configurable: true });
    } else {
      copy[key] = safe;
    }
  }
  return copy;
}

function jsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no -0: it reads back as 0.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      return roundTrip(value);
    default:
      return undefined;
  }
}

/** A nested value (a JSON column) through `JSON.stringify` and back. */
function roundTrip(value: object): unknown {
  const text: string | undefined = JSON.stringify(value, bigintAsText);
  return text === undefined ? undefined : JSON.parse(text);
}

function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function toEntry(row: Row): HistoryEntry {
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
  return {
    id: Number(row.id),
    model: String(row.model),
    rowId: Number(row.rowId),
    cdmsPk: (row.cdmsPk as string | null) ?? null,
    kind: row.kind as HistoryKind,
    data: (data ?? {}) as Record<string, unknown>,
    user: (row.user as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt)),
  };
}
