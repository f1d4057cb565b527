import { NotRegisteredError } from '../errors/errors';
import type { Manager } from '../manager/manager';
import type { SyncEngine } from '../sync/sync-engine';
import type { ModelClass } from './model-class';
import type { ModelMeta } from './model-meta';
import type { SyncedModel } from './synced-model';

/** Where a registered model class keeps its binding to one Sync. @internal */
export const MODEL_BINDING: unique symbol = Symbol.for('@cdms-sync/core.model-binding');

/** What `sync.register(Model)` attaches to a model class. @internal */
export interface ModelBinding<T extends SyncedModel = SyncedModel> {
  readonly engine: SyncEngine;
  readonly meta: ModelMeta<T>;
  readonly manager: Manager<T>;
}

/** The binding of `Model` (own property only: a subclass of a registered model is not registered). @internal */
export function bindingOf<T extends SyncedModel>(Model: ModelClass<T>): ModelBinding<T> {
  const binding = Object.hasOwn(Model, MODEL_BINDING)
    ? (Model as unknown as Record<symbol, ModelBinding<T>>)[MODEL_BINDING]
    : undefined;
  if (!binding) {
    throw new NotRegisteredError(
      `Model ${Model.name} is not registered: call sync.register(${Model.name}) first`,
    );
  }
  return binding;
}

/** True when `Model` has been registered with some Sync. @internal */
export function isBound(Model: ModelClass): boolean {
  return Object.hasOwn(Model, MODEL_BINDING);
}
