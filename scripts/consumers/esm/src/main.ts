// A consumer of the packed packages as an ES module, type-checked by tsc (nodenext, strict): a synced
// create, get, filter, save and delete against the CDMS emulator with PGlite.
import { strict as assert } from 'node:assert';
import { CdmsClient } from '@cdms-sync/cdms-client';
import { startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, isCdmsSyncError } from '@cdms-sync/core';
import { createHistoryTable, createSyncedTable, knexStore, openPglite } from '@cdms-sync/knex';
import { Organisation } from './organisation.js';

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
  assert.equal(emulator.records('Account')[0]?.Name, 'Acme Trading Ltd');

  await same.delete();
  assert.equal(emulator.records('Account').length, 0);
  assert.equal(await Organisation.objects.skipCdms().count(), 0);
  assert.equal(isCdmsSyncError(new Error('not ours')), false);
  console.log(
    `esm consumer: create, get, filter, save, delete ok (${emulator.requestCount()} CDMS requests)`,
  );
} finally {
  await sync.close();
  await emulator.close();
}
