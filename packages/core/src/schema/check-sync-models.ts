import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { NotSupportedError } from '../errors/errors';
import type { ModelClass } from '../model/model-class';
import type { LocalStore } from '../store/local-store';
import type { CdmsSyncClient } from '../sync/cdms-sync-client';
import { type CheckedColumn, type CheckMigratorsOptions, checkMigrators } from './check-migrators';
import { SchemaMetadata } from './schema-metadata';
import type { SchemaProblem } from './schema-problem';

/** Options of `sync.check()`. */
export interface SyncCheckOptions extends CheckMigratorsOptions {
  /** The models to check. @default every registered model */
  models?: readonly ModelClass[];
  /**
   * The `$metadata` to check against. @default `createSync({ metadata })`, else the one the Sync's
   * client fetches (`GET $metadata`)
   */
  metadata?: string | CdmsMetadata | SchemaMetadata;
}

/**
 * `sync.metadata()`: the given document, else the one the client fetches (`GET $metadata`).
 *
 * @internal
 */
export async function resolveSyncMetadata(
  cdms: CdmsSyncClient,
  metadata: string | CdmsMetadata | SchemaMetadata | undefined,
): Promise<SchemaMetadata> {
  if (metadata !== undefined) return SchemaMetadata.from(metadata);
  if (cdms.metadata === undefined) {
    throw new NotSupportedError(
      'This Sync has no $metadata: pass createSync({ metadata }) (an EDMX document) or a client with metadata().',
    );
  }
  return SchemaMetadata.from(await cdms.metadata());
}

/**
 * `sync.check()`: each model's columns (from the store, for the length checks) and migrator,
 * compared with `$metadata` by `checkMigrators`.
 *
 * @internal
 */
export async function checkSyncModels(
  store: LocalStore,
  cdms: CdmsSyncClient,
  models: readonly ModelClass[],
  metadata: string | CdmsMetadata | SchemaMetadata | undefined,
  options: CheckMigratorsOptions,
): Promise<SchemaProblem[]> {
  const document = await resolveSyncMetadata(cdms, metadata);
  const checked = await Promise.all(
    models.map(async (Model) => {
      const columns: readonly CheckedColumn[] | undefined = await store
        .describe(Model.table)
        .catch(() => undefined);
      return {
        name: Model.name,
        migrator: Model.migrator ?? null,
        ...(columns === undefined ? {} : { columns }),
      };
    }),
  );
  return checkMigrators(checked, document, options);
}
