import { DoesNotExistError, FieldError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import type { ModelMeta } from '../model/model-meta';
import type { SyncedModel } from '../model/synced-model';
import type { LocalStore, Row } from '../store/local-store';
import { whereEquals } from './store-where';

/** Reload an instance's fields from the local store. @internal */
export async function reloadInstance<T extends SyncedModel>(
  store: LocalStore,
  meta: ModelMeta<T>,
  instance: T,
): Promise<void> {
  const [row] = await store.find(meta.table, { where: whereEquals('id', instance.id) });
  if (!row)
    throw new DoesNotExistError(`${meta.Model.name} with id ${String(instance.id)} does not exist locally`);
  Object.assign(instance, row);
  meta.remember(instance, row);
}

/** The related object of a foreign key: the one `prefetchRelated()` loaded, or from the local store. @internal */
export async function loadRelated<T extends SyncedModel>(
  store: LocalStore,
  meta: ModelMeta<T>,
  instance: T,
  field: string,
): Promise<SyncedModel | null> {
  const resolved = await meta.resolve();
  const foreignKey = resolved.foreignKeys.get(field);
  if (!foreignKey) throw new FieldError(`${meta.Model.name}.${field} is not a mapped foreign key`);
  const id = (instance as unknown as Row)[foreignKey.localField];
  const prefetched = meta.prefetched(instance, field, id);
  if (prefetched) return prefetched.object;
  if (id === null || id === undefined) return null;
  const related = bindingOf(foreignKey.related());
  const [row] = await store.find(related.meta.table, { where: whereEquals('id', id) });
  return row ? related.meta.instantiate(row) : null;
}
