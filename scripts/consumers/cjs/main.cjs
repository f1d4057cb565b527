// A consumer of the packed packages through require() (CommonJS): a synced create, get, filter,
// save and delete against the CDMS emulator with PGlite.
const assert = require('node:assert/strict');
const { CdmsClient } = require('@cdms-sync/cdms-client');
const { startCdmsEmulator } = require('@cdms-sync/cdms-client/emulator');
const { createSync, fields, Migrator, SyncedModel } = require('@cdms-sync/core');
const { createHistoryTable, createSyncedTable, knexStore, openPglite } = require('@cdms-sync/knex');

class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    city: fields.string('Address1_City', { nullable: true }),
  };
}

class Organisation extends SyncedModel {
  static table = 'organisation';
  static migrator = new OrganisationMigrator();
}

async function main() {
  const knex = await openPglite();
  const emulator = await startCdmsEmulator();
  const sync = createSync({ store: knexStore(knex), cdms: new CdmsClient({ baseUrl: emulator.url }) });
  try {
    await createSyncedTable(knex, 'organisation', (table) => {
      table.string('name').notNullable();
      table.string('city').nullable();
    });
    await createHistoryTable(knex);
    sync.register(Organisation);

    const acme = await Organisation.objects.create({ name: 'Acme Trading', city: 'London' });
    assert.equal(emulator.records('Account').length, 1);

    const same = await Organisation.objects.get({ id: acme.id });
    assert.equal(same.cdmsPk, acme.cdmsPk);

    const found = await Organisation.objects.filter({ name__icontains: 'acme' });
    assert.deepEqual(
      found.map((organisation) => organisation.name),
      ['Acme Trading'],
    );

    same.name = 'Acme Trading Ltd';
    await same.save();
    assert.equal(emulator.records('Account')[0].Name, 'Acme Trading Ltd');

    await same.delete();
    assert.equal(emulator.records('Account').length, 0);
    assert.equal(await Organisation.objects.skipCdms().count(), 0);
    console.log(
      `cjs consumer: create, get, filter, save, delete ok (${emulator.requestCount()} CDMS requests)`,
    );
  } finally {
    await sync.close();
    await emulator.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
