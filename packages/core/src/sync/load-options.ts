import { FieldError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import { type ForeignKeyField, type ModelMeta, type ResolvedModel, VERSION_FIELD } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import type { LocalStore, Row } from '../store/local-store';
import type { QueryState } from './query-state';
import { whereIn } from './store-where';

/**
 * The local fields objects of `state` are loaded with (`only()` / `defer()`), or `undefined` for
 * every field. `id`, `cdmsPk`, `modified` (and `cdmsVersion` on a versioned table) are always
 * loaded: `save()` needs them to find the row and detect conflicts. A foreign key may be named by
 * its relation (`organisation`) or its local field (`organisationId`); the foreign keys of
 * `prefetchRelated()` are loaded too. An unknown field is a `FieldError`, before any I/O.
 * @internal
 */
export function loadedFields(
  meta: ModelMeta,
  resolved: ResolvedModel,
  state: QueryState,
): readonly string[] | undefined {
  if (state.onlyFields === undefined && state.deferFields.length === 0) return undefined;
  const toLocal = (field: string): string => {
    const foreignKey = resolved.foreignKeys.get(field);
    if (foreignKey) return foreignKey.localField;
    if (!resolved.localFields.has(field)) throw new FieldError(`${meta.Model.name} has no field ${field}`);
    return field;
  };
  const deferred = new Set(state.deferFields.map(toLocal));
  const chosen = state.onlyFields?.map(toLocal) ?? resolved.columns.map((column) => column.field);
  const always = ['id', 'cdmsPk', 'modified', ...(resolved.versioned ? [VERSION_FIELD] : [])];
  const prefetched = prefetchedForeignKeys(meta, resolved, state.prefetchRelated).map(
    (foreignKey) => foreignKey.localField,
  );
  return [...new Set([...always, ...prefetched, ...chosen.filter((field) => !deferred.has(field))])];
}

/** The foreign keys `relations` name; anything else is a `FieldError`, before any I/O. @internal */
export function prefetchedForeignKeys(
  meta: ModelMeta,
  resolved: ResolvedModel,
  relations: readonly string[],
): ForeignKeyField[] {
  return relations.map((relation) => {
    const foreignKey = resolved.foreignKeys.get(relation);
    if (!foreignKey) {
      throw new FieldError(
        `${meta.Model.name}.${relation} is not a mapped foreign key: it cannot be prefetched`,
      );
    }
    return foreignKey;
  });
}

/**
 * `prefetchRelated()`: for each foreign key, ONE local query for the related rows of every
 * object (`SELECT * FROM organisation WHERE id IN (…)`; none when no object has one), kept on the
 * objects so `related(field)` answers without a query. No CDMS request: the list sync has already
 * imported the related records it met.
 * @internal
 */
export async function prefetchRelated<T extends SyncedModel>(
  store: LocalStore,
  meta: ModelMeta<T>,
  foreignKeys: readonly ForeignKeyField[],
  objects: readonly T[],
): Promise<void> {
  for (const foreignKey of foreignKeys) {
    const ids = [
      ...new Set(
        objects
          .map((object) => (object as unknown as Row)[foreignKey.localField])
          .filter((id) => id !== null && id !== undefined),
      ),
    ];
    const related = bindingOf(foreignKey.related()).meta;
    const rows = ids.length === 0 ? [] : await store.find(related.table, { where: whereIn('id', ids) });
    const byId = new Map<unknown, SyncedModel>(rows.map((row) => [row.id, related.instantiate(row)]));
    for (const object of objects) {
      const id = (object as unknown as Row)[foreignKey.localField];
      meta.cachePrefetched(
        object,
        foreignKey.field,
        id === null || id === undefined ? null : (byId.get(id) ?? null),
      );
    }
  }
}

/**
 * Drop the fields `get()` loaded but `only()` / `defer()` leave out, so the object looks as if
 * loaded with `fields` (its deferred fields `undefined`, and `save()` never writes them).
 * @internal
 */
export function narrowObject<T extends SyncedModel>(
  meta: ModelMeta<T>,
  object: T,
  fields: readonly string[],
): void {
  const keep = new Set(fields);
  const values = object as unknown as Row;
  const row: Row = {};
  for (const field of Object.keys(values)) {
    if (keep.has(field)) row[field] = values[field];
    else delete values[field];
  }
  meta.remember(object, row);
}
