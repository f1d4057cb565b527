/**
 * Writes must not starve the connection pool (issue 8, item 5), on the databases with a real pool
 * (PostgreSQL and MariaDB, pools of 4 in the test helper). CDMS hangs on every MERGE; the writes
 * that got a turn hold a connection each, the others wait without one, and a read still finds a
 * connection at once. A write that cannot get a turn in time fails with WRITE_QUEUE_TIMEOUT.
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, isWriteQueueTimeoutError } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeEachDatabase,
  testDatabases,
  uniqueTableName,
} from '../../packages/knex/src/conformance/databases';
import {
  createModelTables,
  defineModels,
  dropModelTables,
  type ModelTableNames,
} from '../support/organisation-models';

const databases = (await testDatabases()).filter(
  (database) => database.name === 'postgresql' || database.name === 'mysql',
);

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let tables: ModelTableNames;
  beforeAll(async () => {
    knex = await database.connect();
    tables = {
      organisation: uniqueTableName('wl_org'),
      contact: uniqueTableName('wl_con'),
      history: uniqueTableName('wl_his'),
    };
    await createModelTables(knex, tables);
  });
  afterAll(async () => {
    await dropModelTables(knex, tables).catch(() => {});
    await knex.destroy();
  });

  it('writes waiting for a slow CDMS leave connections to reads: a get() answers while every other connection would be held', async () => {
    let emulator: CdmsEmulator | undefined = await startCdmsEmulator();
    try {
      const sync = createSync({
        store: knexStore(knex),
        cdms: new CdmsClient({ baseUrl: emulator.url, retries: false, timeoutMs: 20_000 }),
        historyTable: tables.history,
      });
      const { Organisation, Contact } = defineModels(tables);
      sync.register(Organisation, Contact);
      const other = await Organisation.objects.create({ name: 'Read me' });
      const writes = await Organisation.objects.bulkCreate(
        Array.from({ length: 6 }, (_, index) => ({ name: `Write ${index}` })),
      );
      emulator.addFault({ operation: 'update' }, { type: 'timeout' });
      emulator.clearRequests();
      const saving = writes.map((organisation) => {
        organisation.name = `${organisation.name} saved`;
        return organisation.save().catch((error: unknown) => error);
      });
      // The pool holds 4 connections: 2 writes (pool - 2) get a turn, the 4 others wait without one.
      const started = emulator;
      await until(() => started.requestCount({ operation: 'update' }) === 2);
      const found = await Organisation.objects.get({ id: other.id });
      expect(found.name).toBe('Read me');
      expect(started.requestCount({ operation: 'update' })).toBe(2);
      // Closing CDMS fails the hung MERGEs; every write rolls back, none changed anything locally.
      await started.close();
      emulator = undefined;
      const outcomes = await Promise.all(saving);
      expect(outcomes.every((outcome) => outcome instanceof Error)).toBe(true);
      const names = (await knex(tables.organisation).select('name')).map((row) => row.name as string);
      expect(names.some((name) => name.endsWith('saved'))).toBe(false);
    } finally {
      await emulator?.close();
      await knex(tables.history).del();
      await knex(tables.organisation).del();
    }
  });

  it('a write that cannot start within writeQueueTimeoutMs fails with WRITE_QUEUE_TIMEOUT, sending and writing nothing', async () => {
    const emulator = await startCdmsEmulator();
    try {
      const sync = createSync({
        store: knexStore(knex),
        cdms: new CdmsClient({ baseUrl: emulator.url, retries: false, timeoutMs: 20_000 }),
        historyTable: tables.history,
        maxConcurrentWrites: 1,
        writeQueueTimeoutMs: 200,
      });
      const { Organisation, Contact } = defineModels(tables);
      sync.register(Organisation, Contact);
      const [first, second] = await Organisation.objects.bulkCreate([{ name: 'First' }, { name: 'Second' }]);
      emulator.addFault({ operation: 'update' }, { type: 'timeout' });
      emulator.clearRequests();
      (first as { name: string }).name = 'First saved';
      const hung = first?.save().catch((error: unknown) => error);
      await until(() => emulator.requestCount({ operation: 'update' }) === 1);
      (second as { name: string }).name = 'Second saved';
      const error = await second?.save().catch((caught: unknown) => caught);
      expect(isWriteQueueTimeoutError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'WRITE_QUEUE_TIMEOUT' });
      expect(emulator.requestCount({ operation: 'update' })).toBe(1);
      const [stored] = await knex(tables.organisation).where({ id: second?.id }).select('name');
      expect(stored?.name).toBe('Second');
      await emulator.close();
      await hung;
    } finally {
      await emulator.close();
      await knex(tables.history).del();
      await knex(tables.organisation).del();
    }
  });
});
