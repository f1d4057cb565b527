import { DoesNotExistError } from '../errors/errors';
import type { SyncedModel } from '../model/synced-model';
import type { CreateValues, FilterConditions } from '../query/filter-types';
import { LOOKUP_SEP } from '../query/where-node';
import type { QuerySet } from './query-set';

/** `QuerySet.getOrCreate`: `get(conditions)`, or create it; in one transaction. @internal */
export function getOrCreate<T extends SyncedModel>(
  query: QuerySet<T>,
  conditions: FilterConditions<T>,
  defaults: CreateValues<T>,
): Promise<[T, boolean]> {
  return getThenOrCreate(query, conditions, defaults, async () => {});
}

/** `QuerySet.updateOrCreate`: `get(conditions)` and save it with `defaults`, or create it; in one transaction. @internal */
export function updateOrCreate<T extends SyncedModel>(
  query: QuerySet<T>,
  conditions: FilterConditions<T>,
  defaults: CreateValues<T>,
): Promise<[T, boolean]> {
  return getThenOrCreate(query, conditions, defaults, async (existing) => {
    Object.assign(existing, defaults);
    await existing.save({ skipCdms: query.state.skipCdms });
  });
}

/**
 * The one path of `getOrCreate` and `updateOrCreate`: in one transaction, `get(conditions)` then
 * `found(object)`, or (`DoesNotExistError`) create the object from the exact-match conditions plus
 * `defaults`. Resolves `[object, created]`.
 */
function getThenOrCreate<T extends SyncedModel>(
  query: QuerySet<T>,
  conditions: FilterConditions<T>,
  defaults: CreateValues<T>,
  found: (existing: T) => Promise<void>,
): Promise<[T, boolean]> {
  return query.engine.transaction(async () => {
    let existing: T;
    try {
      existing = await query.get(conditions);
    } catch (error) {
      // A record deleted in CDMS: get() has already removed the stale local row.
      if (!(error instanceof DoesNotExistError)) throw error;
      return [await query.create({ ...exactValues(conditions), ...defaults } as CreateValues<T>), true];
    }
    await found(existing);
    return [existing, false];
  });
}

/** The exact-match keys of a conditions object (`{ name: 'Acme', age__gt: 3 }` -> `{ name: 'Acme' }`). */
function exactValues(conditions: object): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(conditions)) {
    if (key.endsWith(`${LOOKUP_SEP}exact`)) values[key.slice(0, -`${LOOKUP_SEP}exact`.length)] = value;
    else if (!key.includes(LOOKUP_SEP)) values[key] = value;
  }
  return values;
}
