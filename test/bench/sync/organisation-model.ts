/**
 * The model the sync benchmark measures, `Organisation` (stored in `organisation`, mirrored to the
 * CDMS `Account` entity, the model of the core and end-to-end suites), and the tables of both the
 * library and the hand-written baseline.
 *
 * The library is imported by package name, never by a relative path to its sources: `pnpm bench`
 * runs the sync benchmark without the `@cdms-sync/source` condition, so it measures the built
 * packages as a host application runs them; with the condition (the other benchmarks, vitest's
 * aliases) the same names load the sources.
 */
import { DEFAULT_HISTORY_TABLE, fields, type Manager, Migrator, SyncedModel } from '@cdms-sync/core';
import { createHistoryTable, createSyncedTable } from '@cdms-sync/knex';
import type { Knex } from 'knex';

/** `Organisation` <-> CDMS `Account`: two mapped fields; `notes` stays local. */
class OrganisationMigrator extends Migrator {
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
    /** Local-only: never sent to CDMS. */
    declare notes: string | null;
  }
  return Organisation;
}

/** The class `defineOrganisation` returns. */
export type OrganisationClass = ReturnType<typeof defineOrganisation>;

/** The baseline's tables: the same shape, so both sides do the same database work. */
export const BASELINE_TABLE = 'baseline_organisation';
export const BASELINE_HISTORY_TABLE = 'baseline_history';

/** The columns of an organisation table, besides those `createSyncedTable` adds. */
function organisationColumns(table: Knex.CreateTableBuilder): void {
  table.string('name').notNullable().defaultTo('');
  table.boolean('uk_organisation').notNullable().defaultTo(false);
  table.text('notes').nullable();
}

/**
 * Creates the library's `organisation` + `cdms_sync_history` and the baseline's
 * `baseline_organisation` + `baseline_history`, with the same schema helpers and columns, so the
 * shapes (columns, indexes, unique `cdms_pk`) are identical; DDL is not measured.
 */
export async function createBenchTables(knex: Knex): Promise<void> {
  await createSyncedTable(knex, 'organisation', organisationColumns);
  await createHistoryTable(knex, { tableName: DEFAULT_HISTORY_TABLE });
  await createSyncedTable(knex, BASELINE_TABLE, organisationColumns);
  await createHistoryTable(knex, { tableName: BASELINE_HISTORY_TABLE });
}
