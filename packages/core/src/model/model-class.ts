import type { Migrator } from '../migrator/migrator';
import type { SyncedModel } from './synced-model';

/**
 * A concrete synced model class: constructible, with its `table` and `migrator`.
 *
 * @example
 * ```ts
 * function tableOf(Model: ModelClass) { return Model.table; }
 * tableOf(Organisation); // 'organisation'
 * ```
 */
export interface ModelClass<T extends SyncedModel = SyncedModel> {
  new (values?: Record<string, unknown>): T;
  readonly prototype: T;
  /** The local table. */
  table: string;
  /** How the model maps to its CDMS entity; absent for a plain local model (see `SyncedModel.migrator`). */
  migrator?: Migrator | undefined;
  readonly name: string;
}
