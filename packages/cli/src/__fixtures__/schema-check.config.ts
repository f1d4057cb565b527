/**
 * The config of the `check` command tests: in-memory PGlite with the example app's tables, the
 * CDMS emulator at `CLI_TEST_CDMS_URL`, the example app's models; with `CLI_TEST_BROKEN_MIGRATOR`
 * set, `Organisation` maps a misspelt attribute and a boolean as an integer.
 */
import { defineModels } from '../../../../test/support/organisation-models';
import { CdmsClient } from '../../../cdms-client/src/index';
import { createSync, fields, Migrator } from '../../../core/src/index';
import { createHistoryTable, createSyncedTable, knexStore, openPglite } from '../../../knex/src/index';

class BrokenOrganisationMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Nmae'), ukOrganisation: fields.integer('optevia_ukorganisation') };
}

export default async function config() {
  const baseUrl = process.env.CLI_TEST_CDMS_URL;
  if (!baseUrl) throw new Error('CLI_TEST_CDMS_URL must be set');
  const knex = await openPglite();
  await createSyncedTable(knex, 'organisation', (table) => {
    table.string('name', 160).notNullable();
    table.boolean('uk_organisation').notNullable().defaultTo(false);
    table.text('notes').nullable();
  });
  await createSyncedTable(knex, 'contact', (table) => {
    table.string('last_name', 50).notNullable();
    table.integer('organisation_id').nullable();
  });
  await createHistoryTable(knex);
  const sync = createSync({
    store: knexStore(knex),
    // Default retries, as a host has them: each run is a new client on the same emulator.
    cdms: new CdmsClient({ baseUrl }),
  });
  const { Organisation, Contact } = defineModels();
  if (process.env.CLI_TEST_BROKEN_MIGRATOR) Organisation.migrator = new BrokenOrganisationMigrator();
  sync.register(Organisation, Contact);
  return { sync };
}
