import { NotRegisteredError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import type { ModelClass } from '../model/model-class';
import type { ModelMeta } from '../model/model-meta';
import type { SyncLeases } from '../store/sync-leases';
import type { SyncServices } from '../sync/sync-services';
import type { SyncStateRepository } from './sync-state';

/**
 * What the operations (backfill, poll, reconcile, status) share, one per Sync: the sync engine's
 * services (store, CDMS client, history), the state tables, the leases and this process's id.
 * @internal
 */
export interface OperationServices {
  readonly engine: SyncServices;
  readonly state: SyncStateRepository;
  readonly leases: SyncLeases;
  /** This process (and Sync) as the owner of backfill range claims: `host:pid:random`. */
  readonly owner: string;
  /** The registered models, in registration order. */
  models(): readonly ModelClass[];
}

/**
 * The metadata of each of `models` (default: every registered synced model), parents before the
 * children whose foreign keys point at them; a model registered elsewhere or without a migrator
 * is refused (`NotRegisteredError`) before any request.
 * @internal
 */
export async function modelsInForeignKeyOrder(
  services: OperationServices,
  models: readonly ModelClass[] | undefined,
): Promise<ModelMeta[]> {
  const registered = services.models();
  const wanted = models ?? registered.filter((Model) => bindingOf(Model).meta.synced);
  const metas = wanted.map((Model) => {
    if (!registered.includes(Model)) {
      throw new NotRegisteredError(`${Model.name} is not registered with this Sync`);
    }
    const { meta } = bindingOf(Model);
    if (!meta.synced)
      throw new NotRegisteredError(`${Model.name} has no migrator: it is not synced with CDMS`);
    return meta;
  });
  const byModel = new Map(metas.map((meta) => [meta.Model, meta]));
  const ordered: ModelMeta[] = [];
  const visiting = new Set<ModelMeta>();
  const visit = async (meta: ModelMeta): Promise<void> => {
    if (ordered.includes(meta) || visiting.has(meta)) return;
    visiting.add(meta);
    const { foreignKeys } = await meta.resolve();
    for (const foreignKey of foreignKeys.values()) {
      const parent = byModel.get(foreignKey.related());
      if (parent && parent !== meta) await visit(parent);
    }
    ordered.push(meta);
  };
  for (const meta of metas) await visit(meta);
  return ordered;
}
