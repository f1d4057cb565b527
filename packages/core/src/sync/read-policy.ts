import { NotBackfilledError } from '../errors/errors';
import type { ReadPolicy } from '../migrator/read-policy';
import { bindingOf } from '../model/model-binding';
import type { ModelMeta } from '../model/model-meta';
import type { WhereNode } from '../query/where-node';
import type { SyncServices } from './sync-services';

/**
 * What a CDMS-mode read does before answering from the local store:
 * - `list`: list (or GET) the matching CDMS records (`'always'`);
 * - `fresh`: bring `deltas` up to date (one delta request each; none when the list is empty,
 *   within `maxStalenessMs`), then answer from the local store alone.
 * @internal
 */
export type ReadPlan =
  | { readonly kind: 'list' }
  | { readonly kind: 'fresh'; readonly deltas: readonly ModelMeta[] };

const LIST: ReadPlan = Object.freeze({ kind: 'list' });

/**
 * Decide how a read of `meta` filtered by `where` uses CDMS, from the query's policy (`.fresh()`)
 * or else the migrator's `readPolicy` (default `'always'`). `'delta'` and staleness need every model
 * the read touches (the model and those its filters cross) to have a completed backfill: without
 * one, a policy asked for by the query is a `NotBackfilledError` (before any request); a configured
 * one falls back to `'always'` (logged at debug level) until the backfill completes.
 * Local database only: the state rows of the models (cached once a backfill is complete).
 * @internal
 */
export function planRead(
  services: SyncServices,
  meta: ModelMeta,
  where: WhereNode,
  requested: ReadPolicy | undefined,
): ReadPlan | Promise<ReadPlan> {
  const policy = requested ?? meta.migrator.readPolicy ?? 'always';
  // `'always'`, the default, is answered without a promise.
  if (policy === 'always') return LIST;
  return planFreshRead(services, meta, where, requested, policy);
}

async function planFreshRead(
  services: SyncServices,
  meta: ModelMeta,
  where: WhereNode,
  requested: ReadPolicy | undefined,
  policy: Exclude<ReadPolicy, 'always'>,
): Promise<ReadPlan> {
  const metas = [meta, ...(await relatedSyncedModels(meta, where))];
  const source = services.deltas;
  const backfilled = source ? await Promise.all(metas.map((each) => source.backfilled(each))) : [];
  const missing = metas.filter((_, index) => backfilled[index] !== true);
  if (missing.length > 0) {
    const names = missing.map((each) => each.Model.name).join(', ');
    if (requested !== undefined) {
      throw new NotBackfilledError(
        `Read policy ${JSON.stringify(policy)} needs a completed backfill of ${names}: run sync.backfill() first, or read with .fresh('always')`,
      );
    }
    services.logger?.debug('Read policy needs a completed backfill; reading as always', {
      model: meta.Model.name,
      notBackfilled: names,
    });
    return LIST;
  }
  if (policy === 'delta' || !source) return { kind: 'fresh', deltas: metas };
  const since = new Date(Date.now() - policy.maxStalenessMs);
  const recent = await Promise.all(metas.map((each) => source.syncedSince(each, since)));
  return { kind: 'fresh', deltas: metas.filter((_, index) => !recent[index]) };
}

/**
 * Run the deltas of a `fresh` plan (concurrently: one request each when nothing changed), for a
 * read that began at `startedAt` (`performance.now()`).
 * @internal
 */
export async function bringUpToDate(
  services: SyncServices,
  metas: readonly ModelMeta[],
  startedAt: number,
): Promise<void> {
  const source = services.deltas;
  if (!source || metas.length === 0) return;
  await Promise.all(metas.map((each) => source.delta(each, startedAt)));
}

/**
 * The synced models a where tree of `meta` crosses (`organisation__name`, `organisation__parent__name`
 * …), each once, without `meta` itself.
 * @internal
 */
export async function relatedSyncedModels(meta: ModelMeta, where: WhereNode): Promise<ModelMeta[]> {
  const found: ModelMeta[] = [];
  const visit = async (owner: ModelMeta, node: WhereNode): Promise<void> => {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const child of node.children) await visit(owner, child);
        return;
      case 'not':
        return visit(owner, node.child);
      case 'lookup':
        return;
      case 'related': {
        const related = await relatedMeta(owner, node.relation);
        if (!related) return;
        if (related.synced && related !== meta && !found.includes(related)) found.push(related);
        return visit(related, node.where);
      }
    }
  };
  await visit(meta, where);
  return found;
}

/** The model a foreign key `relation` of `owner` points at (`undefined` when it is not mapped). @internal */
export async function relatedMeta(owner: ModelMeta, relation: string): Promise<ModelMeta | undefined> {
  const foreignKey = (await owner.resolve()).foreignKeys.get(relation);
  return foreignKey ? bindingOf(foreignKey.related()).meta : undefined;
}
