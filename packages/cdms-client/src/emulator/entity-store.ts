import { randomUUID } from 'node:crypto';
import { isGuid } from '../values/guid';
import {
  decodeAttributeValue,
  emptyValue,
  encodeRecordValue,
  type StoredRow,
  type StoredValue,
  truncateToSecond,
} from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import { ChangeJournal } from './change-journal';
import type { EntityCatalog, EntityModel } from './entity-model';
import type { EmulatorRecord } from './types';

/** How a write treats the attributes the emulator maintains. @internal */
export type SystemAttributePolicy =
  /** HTTP writes: `CreatedOn`, `ModifiedOn`, `VersionNumber` in a body are ignored (read-only in CRM). */
  | 'ignore'
  /** `seed`: taken when given, generated otherwise. */
  | 'accept'
  /** `editAsCdmsUser`: an error, the emulator bumps them itself. */
  | 'reject';

const SYSTEM_TIMESTAMPS = new Set(['CreatedOn', 'ModifiedOn', 'VersionNumber']);

/**
 * The records of every entity, and the rules CRM applies on each write: `CreatedOn` on create;
 * `ModifiedOn` to the current second (two writes within one second carry the same value, as on CRM
 * 2011; with `'strictly-increasing'` always strictly after its previous value); `VersionNumber`
 * from one counter that only grows, like SQL Server's `rowversion`.
 *
 * @internal
 */
export class EntityStore {
  readonly #catalog: EntityCatalog;
  readonly #now: () => number;
  readonly #tables = new Map<EntityModel, Map<string, StoredRow>>();
  readonly #journal = new ChangeJournal();
  #lastVersion = 0;

  readonly #modifiedOn: 'crm' | 'strictly-increasing';

  constructor(catalog: EntityCatalog, now: () => number, modifiedOn: 'crm' | 'strictly-increasing' = 'crm') {
    this.#catalog = catalog;
    this.#now = now;
    this.#modifiedOn = modifiedOn;
    this.clear();
  }

  /** Empties every entity. */
  clear(): void {
    for (const entity of this.#catalog.entities) this.#tables.set(entity, new Map());
    this.#lastVersion = 0;
    this.#journal.clear();
  }

  /** Every write, in order: what list views catch up from. */
  get journal(): ChangeJournal {
    return this.#journal;
  }

  /** How many records an entity holds. */
  count(entity: EntityModel): number {
    return this.#table(entity).size;
  }

  /** One record, or `undefined`. */
  find(entity: EntityModel, id: string): StoredRow | undefined {
    return this.#table(entity).get(id.toLowerCase());
  }

  #table(entity: EntityModel): Map<string, StoredRow> {
    const table = this.#tables.get(entity);
    if (table === undefined)
      throw new CdmsEmulatorError(404, `Resource not found for the segment '${entity.setName}'.`);
    return table;
  }

  /** Every record of an entity (the stored objects: do not modify). */
  rows(entity: EntityModel): StoredRow[] {
    return [...this.#table(entity).values()];
  }

  /** One record, or a 404 error with CRM's message. */
  get(entity: EntityModel, id: string): StoredRow {
    const row = this.#table(entity).get(id.toLowerCase());
    if (row === undefined) {
      throw new CdmsEmulatorError(404, `${entity.logicalName} With Id = ${id.toLowerCase()} Does Not Exist`);
    }
    return row;
  }

  /** The display name of a record a lookup points at, when the emulator holds it. */
  readonly resolveName = (logicalName: string, id: string): string | null | undefined => {
    const entity = this.#catalog.byLogicalName(logicalName);
    if (entity?.primaryNameAttribute === undefined) return undefined;
    const row = this.#table(entity).get(id);
    if (row === undefined) return undefined;
    const name = row[entity.primaryNameAttribute];
    return typeof name === 'string' ? name : null;
  };

  #nextVersion(): number {
    this.#lastVersion += 1;
    return this.#lastVersion;
  }

  #nextModifiedOn(previous: StoredValue | undefined): number {
    const now = truncateToSecond(this.#now());
    if (this.#modifiedOn === 'crm') return typeof previous === 'number' ? Math.max(previous, now) : now;
    return typeof previous === 'number' && previous >= now ? previous + 1000 : now;
  }

  /** Checks every attribute name and value; returns the decoded changes. */
  #decode(
    entity: EntityModel,
    body: Readonly<Record<string, unknown>>,
    policy: SystemAttributePolicy,
  ): StoredRow {
    const changes: StoredRow = {};
    for (const [name, value] of Object.entries(body)) {
      if (name === '__metadata' || value === undefined) continue;
      const attribute = entity.attributes.get(name);
      if (attribute === undefined) {
        throw new CdmsEmulatorError(
          400,
          `Error processing request stream. The property name '${name}' specified for type '${entity.typeName}' is not valid.`,
        );
      }
      if (SYSTEM_TIMESTAMPS.has(name)) {
        if (policy === 'ignore') continue;
        if (policy === 'reject') {
          throw new CdmsEmulatorError(400, `'${name}' is maintained by the emulator and cannot be edited.`);
        }
      }
      changes[name] = decodeAttributeValue(entity, attribute, value);
    }
    return changes;
  }

  /** Creates a record; the primary key is honoured when given (a duplicate is CRM's 500). */
  create(
    entity: EntityModel,
    body: Readonly<Record<string, unknown>>,
    policy: SystemAttributePolicy,
  ): StoredRow {
    return this.put(entity, this.prepareCreate(entity, body, policy));
  }

  /** The row a create would store, without storing it (see `prepareUpdate`). */
  prepareCreate(
    entity: EntityModel,
    body: Readonly<Record<string, unknown>>,
    policy: SystemAttributePolicy,
  ): StoredRow {
    const changes = this.#decode(entity, body, policy);
    const table = this.#table(entity);
    const givenId = changes[entity.primaryKey];
    const id = typeof givenId === 'string' ? givenId : randomUUID();
    if (table.has(id)) throw new CdmsEmulatorError(500, 'Cannot insert duplicate key.');
    const row: StoredRow = {};
    for (const attribute of entity.attributes.values()) row[attribute.name] = emptyValue(attribute);
    Object.assign(row, changes);
    row[entity.primaryKey] = id;
    const now = truncateToSecond(this.#now());
    row.CreatedOn ??= now;
    // Never modified before it was created.
    row.ModifiedOn ??= Math.max(now, row.CreatedOn as number);
    if (typeof row.VersionNumber === 'number') {
      this.#lastVersion = Math.max(this.#lastVersion, row.VersionNumber);
    } else {
      row.VersionNumber = this.#nextVersion();
    }
    return row;
  }

  /**
   * Updates a record: `merge` changes only the attributes sent (MERGE); `replace` resets every other
   * attribute to empty (PUT). Either bumps `ModifiedOn` and `VersionNumber`.
   */
  update(
    entity: EntityModel,
    id: string,
    body: Readonly<Record<string, unknown>>,
    mode: 'merge' | 'replace',
    policy: SystemAttributePolicy,
  ): StoredRow {
    const row = this.get(entity, id);
    return this.put(entity, this.prepareUpdate(entity, row, body, mode, policy));
  }

  /**
   * The row an update would store, without storing it (`put` does): a copy of `base` with the
   * changes applied, `ModifiedOn` and `VersionNumber` bumped now. A late-committing write is
   * prepared when it happens and `put` when it becomes visible.
   */
  prepareUpdate(
    entity: EntityModel,
    base: StoredRow,
    body: Readonly<Record<string, unknown>>,
    mode: 'merge' | 'replace',
    policy: SystemAttributePolicy,
  ): StoredRow {
    const row: StoredRow = { ...base };
    const changes = this.#decode(entity, body, policy);
    delete changes[entity.primaryKey];
    if (mode === 'replace') {
      for (const attribute of entity.attributes.values()) {
        if (!attribute.system) row[attribute.name] = emptyValue(attribute);
      }
    }
    Object.assign(row, changes);
    row.ModifiedOn = this.#nextModifiedOn(row.ModifiedOn);
    row.VersionNumber = this.#nextVersion();
    return row;
  }

  /** Stores a prepared row (created or updated) as the record's visible state. */
  put(entity: EntityModel, row: StoredRow): StoredRow {
    const id = String(row[entity.primaryKey]);
    const table = this.#table(entity);
    const stored = table.get(id);
    if (stored === undefined) {
      table.set(id, row);
    } else {
      // Same object: rows handed out earlier (and list views) see the new values.
      Object.assign(stored, row);
    }
    this.#journal.record(entity, id);
    return stored ?? row;
  }

  /** Deletes a record, or a 404 error. */
  delete(entity: EntityModel, id: string): void {
    this.get(entity, id);
    this.#table(entity).delete(id.toLowerCase());
    this.#journal.record(entity, id.toLowerCase());
  }

  /** A record as `records()` hands it out: a copy with `Date`s. */
  toRecord(entity: EntityModel, row: StoredRow): EmulatorRecord {
    const record: Record<string, unknown> = {};
    for (const attribute of entity.attributes.values()) {
      record[attribute.name] = encodeRecordValue(attribute, row[attribute.name] ?? null, this.resolveName);
    }
    return record as EmulatorRecord;
  }
}

/** Throws CRM's 400 for a key that is not a GUID. @internal */
export function requireGuid(text: string): string {
  if (!isGuid(text)) throw new CdmsEmulatorError(400, 'Bad Request - Error in query syntax.');
  return text.toLowerCase();
}
