import type { Sync, SyncedModelClass } from '@cdms-sync/core';

/**
 * What `cdms-sync.config.{ts,mjs,js}` exports by default: the project's `Sync` (its models
 * registered) and, optionally, the models the CLI works on (default: every registered model, in
 * registration order).
 */
export interface CdmsSyncConfig {
  readonly sync: Sync;
  /** The models `backfill`, `poll`, `reconcile` and `status` cover. @default sync.models() */
  readonly models?: readonly SyncedModelClass[];
}

/** The default export of a config file: the config, or a (possibly async) function returning it. */
export type CdmsSyncConfigExport = CdmsSyncConfig | (() => CdmsSyncConfig | Promise<CdmsSyncConfig>);

/**
 * Types a config file's default export (it returns its argument unchanged).
 *
 * @example
 * // cdms-sync.config.ts
 * import { defineConfig } from '@cdms-sync/cli';
 * export default defineConfig(async () => {
 *   const knex = Knex({ client: 'pg', connection: process.env.DATABASE_URL });
 *   const sync = createSync({ store: knexStore(knex), cdms: new CdmsClient({ baseUrl, auth }) });
 *   sync.register(Organisation, Contact);
 *   return { sync };
 * });
 */
export function defineConfig<T extends CdmsSyncConfigExport>(config: T): T {
  return config;
}
