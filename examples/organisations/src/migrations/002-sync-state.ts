import { createSyncStateTables, dropSyncStateTables } from '@cdms-sync/knex';
import type { Knex } from 'knex';

/**
 * The state of the migration operations (`sync.backfill`, `sync.poll`, `sync.reconcile`):
 * `cdms_sync_state` (a watermark and the last reconciliation per model) and
 * `cdms_sync_state_range` (the backfill's ranges and their checkpoints).
 */
export async function up(knex: Knex): Promise<void> {
  await createSyncStateTables(knex);
}

export async function down(knex: Knex): Promise<void> {
  await dropSyncStateTables(knex);
}
