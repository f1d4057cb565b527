/**
 * The models every cross-package suite syncs: `Organisation` (CDMS `Account`, with a local-only
 * `notes`) and `Contact` (CDMS `Contact`, a foreign key to `Organisation` through
 * `ParentCustomerId`), and their tables. The core suite uses the default table names, the
 * end-to-end suite names them per run, the benchmark uses `Organisation` and its columns.
 *
 * Imports are relative, not `@cdms-sync/*`: `pnpm bench` (tsx) and vitest then load the very same
 * source modules, so `SyncedModel` is one class everywhere.
 */
import type { Knex } from 'knex';
import {
  DEFAULT_HISTORY_TABLE,
  fields,
  type Manager,
  Migrator,
  SyncedModel,
} from '../../packages/core/src/index';
import { createHistoryTable, createSyncedTable } from '../../packages/knex/src/index';

/** The tables of the two models and of the sync history. */
export interface ModelTableNames {
  readonly organisation: string;
  readonly contact: string;
  readonly history: string;
}

/** `organisation`, `contact` and the library's default history table, `cdms_sync_history`. */
export const DEFAULT_TABLE_NAMES: ModelTableNames = {
  organisation: 'organisation',
  contact: 'contact',
  history: DEFAULT_HISTORY_TABLE,
};

/** `Organisation` <-> CDMS `Account`: two mapped fields; `notes` stays local. */
export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
}

/** Fresh model classes bound to `tables` (a model class belongs to one Sync, so each Sync gets its own). */
export function defineModels(
  tables: Pick<ModelTableNames, 'organisation' | 'contact'> = DEFAULT_TABLE_NAMES,
) {
  class Organisation extends SyncedModel {
    static override table = tables.organisation;
    static override migrator: Migrator = new OrganisationMigrator();
    declare static objects: Manager<Organisation>;
    declare name: string;
    declare ukOrganisation: boolean;
    /** Local-only: never sent to CDMS. */
    declare notes: string | null;
  }
  class ContactMigrator extends Migrator {
    service = 'Contact';
    fields = {
      lastName: fields.string('LastName'),
      organisation: fields.foreignKey('ParentCustomerId', () => Organisation, { logicalName: 'account' }),
    };
  }
  class Contact extends SyncedModel {
    static override table = tables.contact;
    static override migrator: Migrator = new ContactMigrator();
    declare static objects: Manager<Contact>;
    declare lastName: string;
    declare organisationId: number | null;
    /** The foreign key as an object, accepted by create/filter (`organisation: acme`). */
    declare organisation?: Organisation | null;
  }
  return { Organisation, Contact };
}

export type Models = ReturnType<typeof defineModels>;
export type Organisation = InstanceType<Models['Organisation']>;
export type Contact = InstanceType<Models['Contact']>;

/** The columns of an `Organisation` table, besides those `createSyncedTable` adds. */
export function organisationColumns(table: Knex.CreateTableBuilder): void {
  table.string('name').notNullable().defaultTo('');
  table.boolean('uk_organisation').notNullable().defaultTo(false);
  table.text('notes').nullable();
}

/** The columns of a `Contact` table whose foreign key points at `organisationTable`. */
export function contactColumns(organisationTable: string): (table: Knex.CreateTableBuilder) => void {
  return (table) => {
    table.string('last_name').notNullable().defaultTo('');
    // Unsigned to match MySQL's `increments` id (a foreign key needs the same type); ignored elsewhere.
    table.integer('organisation_id').unsigned().nullable().references('id').inTable(organisationTable);
  };
}

/** Creates the tables of both models and the history table. */
export async function createModelTables(
  knex: Knex,
  tables: ModelTableNames = DEFAULT_TABLE_NAMES,
): Promise<void> {
  await createSyncedTable(knex, tables.organisation, organisationColumns);
  await createSyncedTable(knex, tables.contact, contactColumns(tables.organisation));
  await createHistoryTable(knex, { tableName: tables.history });
}

/** Drops the tables `createModelTables` creates, if they exist (children first). */
export async function dropModelTables(
  knex: Knex,
  tables: ModelTableNames = DEFAULT_TABLE_NAMES,
): Promise<void> {
  await knex.schema.dropTableIfExists(tables.contact);
  await knex.schema.dropTableIfExists(tables.organisation);
  await knex.schema.dropTableIfExists(tables.history);
}
