/**
 * The model the sync benchmark measures: an `Organisation` stored in `organisation` and mirrored to
 * the CDMS `Account` entity (the same mapping as `test/core/support/sync-fixture.ts`), and the
 * tables of both the library and the hand-written baseline.
 */
import type { Knex } from 'knex';
import { fields, type Manager, Migrator, SyncedModel } from '../../../packages/core/src/index';
import { createHistoryTable, createSyncedTable } from '../../../packages/knex/src/index';

/** `Organisation` <-> CDMS `Account`: two mapped fields; `notes` stays local. */
export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
}

/** A fresh `Organisation` class: a model binds to one Sync, and each database gets its own Sync. */
export function defineOrganisation() {
  class Organisation extends SyncedModel {
    static override table = 'organisation';
    static override migrator: Migrator = new OrganisationMigrator();
    declare static objects: Manager<Organisation>;
    declare name: string;
    declare ukOrganisation: boolean;
    declare notes: string | null;
  }
  return Organisation;
}

/** The class `defineOrganisation` returns. */
export type OrganisationClass = ReturnType<typeof defineOrganisation>;

/** The library's tables. */
export const SYNC_TABLE = 'organisation';
/** The baseline's tables: the same shape, so both sides do the same database work. */
export const BASELINE_TABLE = 'baseline_organisation';
export const BASELINE_HISTORY_TABLE = 'baseline_history';

/**
 * Creates the library's `organisation` + `cdms_sync_history` and the baseline's
 * `baseline_organisation` + `baseline_history`. The schema helpers are used for both so the shapes
 * (columns, indexes, unique `cdms_pk`) are identical; DDL is not measured.
 */
export async function createBenchTables(knex: Knex): Promise<void> {
  const organisationColumns = (table: Knex.CreateTableBuilder) => {
    table.string('name').notNullable().defaultTo('');
    table.boolean('uk_organisation').notNullable().defaultTo(false);
    table.text('notes').nullable();
  };
  await createSyncedTable(knex, SYNC_TABLE, organisationColumns);
  await createHistoryTable(knex);
  await createSyncedTable(knex, BASELINE_TABLE, organisationColumns);
  await createHistoryTable(knex, { tableName: BASELINE_HISTORY_TABLE });
}
