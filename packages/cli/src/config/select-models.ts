import type { SyncedModelClass } from '@cdms-sync/core';
import { CliError } from '../errors/cli-error';

/**
 * The models named on the command line, by class name (`Organisation`) or table (`organisation`),
 * case-insensitive, in the order given; every model when no name is given.
 *
 * @example
 * selectModels([Organisation, Contact], ['contact']); // [Contact]
 */
export function selectModels(
  models: readonly SyncedModelClass[],
  names: readonly string[],
): readonly SyncedModelClass[] {
  if (names.length === 0) return models;
  return names.map((name) => {
    const wanted = name.toLowerCase();
    const found = models.find(
      (model) => model.name.toLowerCase() === wanted || model.table.toLowerCase() === wanted,
    );
    if (!found) {
      const known = models.map((model) => model.name).join(', ');
      throw new CliError('UNKNOWN_MODEL', `No model named ${name}; the config has ${known || 'none'}`);
    }
    return found;
  });
}
