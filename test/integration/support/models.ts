/**
 * The models of the end-to-end suite: `Organisation` (CDMS `Account`, with a local-only `notes`)
 * and `Contact` (CDMS `Contact`, a foreign key to `Organisation` through `ParentCustomerId`).
 * Table names are chosen per run so that parallel suites sharing a database never clash.
 */
import { fields, type Manager, Migrator, SyncedModel } from '@cdms-sync/core';
import { createHistoryTable, createSyncedTable } from '@cdms-sync/knex';
import type { Knex } from 'knex';

/** The tables of one run. */
export interface TableNames {
  readonly organisation: string;
  readonly contact: string;
  readonly history: string;
}

let runCounter = 0;

/** Short table names unique to this process and run (MySQL index names must stay under 64 characters). */
export function uniqueTableNames(): TableNames {
  runCounter += 1;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${runCounter}`;
  return { organisation: `it_org_${suffix}`, contact: `it_con_${suffix}`, history: `it_his_${suffix}` };
}

/** Fresh model classes bound to `tables` (a model class belongs to one Sync, so each test defines its own). */
export function defineModels(tables: TableNames) {
  class OrganisationMigrator extends Migrator {
    service = 'Account';
    fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
  }
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

/** Creates the run's tables. */
export async function createTables(knex: Knex, tables: TableNames): Promise<void> {
  await createSyncedTable(knex, tables.organisation, (table) => {
    table.string('name').notNullable().defaultTo('');
    table.boolean('uk_organisation').notNullable().defaultTo(false);
    table.text('notes').nullable();
  });
  await createSyncedTable(knex, tables.contact, (table) => {
    table.string('last_name').notNullable().defaultTo('');
    table.integer('organisation_id').unsigned().nullable().references('id').inTable(tables.organisation);
  });
  await createHistoryTable(knex, { tableName: tables.history });
}

/** Empties the run's tables (children first). */
export async function clearTables(knex: Knex, tables: TableNames): Promise<void> {
  await knex(tables.contact).del();
  await knex(tables.organisation).del();
  await knex(tables.history).del();
}

/** Drops the run's tables. */
export async function dropTables(knex: Knex, tables: TableNames): Promise<void> {
  await knex.schema.dropTableIfExists(tables.contact);
  await knex.schema.dropTableIfExists(tables.organisation);
  await knex.schema.dropTableIfExists(tables.history);
}
