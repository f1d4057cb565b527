import { createHistoryTable, createSyncedTable } from '@cdms-sync/knex';
import type { Knex } from 'knex';

/**
 * The initial schema: `organisation`, `contact` and the history table.
 *
 * `createSyncedTable` adds the base columns every synced model has (`id`, `cdms_pk`, `created`,
 * `modified`); the callback adds the model's own columns, in snake_case (the store maps
 * `ukOrganisation` to `uk_organisation`). `notes` is a local-only column: no migrator maps it.
 */
export async function up(knex: Knex): Promise<void> {
  await createSyncedTable(knex, 'organisation', (table) => {
    table.string('name', 160).notNullable();
    table.string('alias', 100).nullable();
    table.boolean('uk_organisation').notNullable().defaultTo(false);
    table.uuid('country').nullable();
    table.uuid('uk_region').nullable();
    table.uuid('sector').nullable();
    table.string('address_line1', 250).nullable();
    table.string('city', 80).nullable();
    table.string('postcode', 20).nullable();
    table.string('phone', 50).nullable();
    table.string('email', 100).nullable();
    table.text('notes').nullable();
    table.index(['name']);
  });
  await createSyncedTable(knex, 'contact', (table) => {
    table.string('first_name', 50).notNullable();
    table.string('last_name', 50).notNullable();
    table.string('email', 100).nullable();
    table.string('phone', 50).nullable();
    // unsigned: MySQL/MariaDB only accept a foreign key whose type matches `id` (an unsigned increments).
    table
      .integer('organisation_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('organisation')
      .onDelete('SET NULL');
  });
  await createHistoryTable(knex);
}

/** Drops what `up` created, children first. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cdms_sync_history');
  await knex.schema.dropTableIfExists('contact');
  await knex.schema.dropTableIfExists('organisation');
}
