import { FieldError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta, ResolvedModel } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import type { LocalStore, Row } from '../store/local-store';
import { toTime } from './record-version';
import { whereEquals } from './store-where';

/**
 * Values given by the caller -> a local row: a foreign key given as an object (`organisation: acme`)
 * becomes its local id (`organisationId`); unknown fields fail with `FieldError` before any I/O.
 * @internal
 */
export function toLocalRow(meta: ModelMeta, resolved: ResolvedModel, values: Record<string, unknown>): Row {
  const row: Row = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const foreignKey = resolved.foreignKeys.get(field);
    if (foreignKey) {
      row[foreignKey.localField] = relatedId(meta, foreignKey.field, foreignKey.related(), value);
    } else if (resolved.localFields.has(field)) {
      row[field] = value;
    } else {
      throw new FieldError(`${meta.Model.name} has no field ${field}`);
    }
  }
  return row;
}

/** The local id of a related object given as an instance, `{ id }`, or an id. */
function relatedId(meta: ModelMeta, field: string, Related: ModelClass, value: unknown): unknown {
  if (value === null) return null;
  if (typeof value === 'object') {
    const id = (value as { id?: unknown }).id;
    if (id === undefined || id === null) {
      throw new FieldError(`${meta.Model.name}.${field}: the related ${Related.name} must be saved first`);
    }
    return id;
  }
  return value;
}

/**
 * The CDMS body of `fields` of a stored row: foreign keys are sent as the related row's GUID.
 * @internal
 */
export async function toCdmsBody(
  store: LocalStore,
  meta: ModelMeta,
  resolved: ResolvedModel,
  row: Row,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  const values: Row = {};
  for (const field of fields) {
    const foreignKey = resolved.foreignKeys.get(field);
    if (!foreignKey) {
      values[field] = row[field] ?? null;
      continue;
    }
    const id = row[foreignKey.localField];
    if (id === null || id === undefined) {
      values[field] = null;
      continue;
    }
    const related = bindingOf(foreignKey.related());
    const [target] = await store.find(related.meta.table, {
      where: whereEquals('id', id),
      fields: ['id', 'cdmsPk'],
    });
    if (!target || typeof target.cdmsPk !== 'string') {
      throw new FieldError(
        `${meta.Model.name}.${field}: the related ${related.meta.Model.name} ${String(id)} has no CDMS record (cdmsPk)`,
      );
    }
    values[field] = target.cdmsPk;
  }
  const body = meta.migrator.toCdms(values as never, fields as never) as Record<string, unknown>;
  meta.validateBody(meta.migrator.entitySetName, body);
  return body;
}

/**
 * Local field values of an instance: own enumerable properties that are local fields, then a mapped
 * foreign key given as an object (`contact.organisation = acme`), which wins over `organisationId`.
 * @internal
 */
export function instanceValues(instance: SyncedModel, resolved: ResolvedModel): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(instance)) {
    if (resolved.localFields.has(field)) values[field] = value;
  }
  for (const foreignKey of resolved.foreignKeys.values()) {
    const value = (instance as unknown as Row)[foreignKey.field];
    if (value !== undefined && Object.hasOwn(instance, foreignKey.field)) {
      delete values[foreignKey.localField];
      values[foreignKey.field] = value;
    }
  }
  return values;
}

/**
 * The fields of `row` whose values differ from `loaded` (every field when nothing was loaded).
 * @internal
 */
export function changedValues(row: Row, loaded: Readonly<Row> | undefined): Row {
  if (!loaded) return row;
  const changes: Row = {};
  for (const [field, value] of Object.entries(row)) {
    if (!sameValue(value, loaded[field])) changes[field] = value;
  }
  return changes;
}

/** Value equality as the store sees it: dates by time, JSON values by their text. */
function sameValue(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (left instanceof Date || right instanceof Date) return toTime(left) === toTime(right);
  if (typeof left === 'object' && left !== null && typeof right === 'object' && right !== null) {
    return JSON.stringify(left) === JSON.stringify(right);
  }
  return false;
}
