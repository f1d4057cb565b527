/**
 * The model the sync benchmark measures: the shared `Organisation` of
 * `test/support/organisation-models.ts` (stored in `organisation`, mirrored to the CDMS `Account`
 * entity, as in the core and end-to-end suites), and the tables of both the library and the
 * hand-written baseline.
 */
import type { Knex } from 'knex';
import { createHistoryTable, createSyncedTable } from '../../../packages/knex/src/index';
import { DEFAULT_TABLE_NAMES, defineModels, organisationColumns } from '../../support/organisation-models';

/** A fresh `Organisation` class: a model binds to one Sync, and each database gets its own Sync. */
export function defineOrganisation() {
  return defineModels().Organisation;
}

/** The class `defineOrganisation` returns. */
export type OrganisationClass = ReturnType<typeof defineOrganisation>;

/** The baseline's tables: the same shape, so both sides do the same database work. */
export const BASELINE_TABLE = 'baseline_organisation';
export const BASELINE_HISTORY_TABLE = 'baseline_history';

/**
 * Creates the library's `organisation` + `cdms_sync_history` and the baseline's
 * `baseline_organisation` + `baseline_history`. The schema helpers and the shared column builder
 * are used for both so the shapes (columns, indexes, unique `cdms_pk`) are identical; DDL is not
 * measured.
 */
export async function createBenchTables(knex: Knex): Promise<void> {
  await createSyncedTable(knex, DEFAULT_TABLE_NAMES.organisation, organisationColumns);
  await createHistoryTable(knex, { tableName: DEFAULT_TABLE_NAMES.history });
  await createSyncedTable(knex, BASELINE_TABLE, organisationColumns);
  await createHistoryTable(knex, { tableName: BASELINE_HISTORY_TABLE });
}
