/**
 * Backfill of 20,000 records while simulated CDMS users edit, create and delete, then one poll and
 * one reconcile with repair (PostgreSQL, the emulator over HTTP): the local store equals CDMS,
 * every mapped field of every record, deletes included.
 */
import { randomUUID } from 'node:crypto';
import type { CdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import {
  compareStores,
  createOperationTables,
  dropOperationTables,
  type OperationTables,
  openSync,
  operationTables,
  seedAccounts,
  startEmulator,
} from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'postgresql');
const RECORDS = 20_000;

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let emulator: CdmsEmulator;
  let tables: OperationTables;

  beforeAll(async () => {
    knex = await database.connect();
    emulator = await startEmulator();
    tables = operationTables();
    await createOperationTables(knex, tables);
  });
  afterAll(async () => {
    await dropOperationTables(knex, tables).catch(() => {});
    await knex.destroy();
    await emulator.close();
  });

  it(`backfills ${RECORDS} records during CDMS activity; a poll and a reconcile with repair leave both stores equal`, async () => {
    const accounts = seedAccounts(emulator, RECORDS, {
      start: new Date(Date.now() - 86_400_000),
      perSecond: 5,
    });
    const { sync, client, Organisation } = openSync(knex, emulator, tables);
    let edits = 0;
    let creates = 0;
    let deletes = 0;
    const live = accounts.map((account) => String(account.AccountId));
    // Simulated CDMS users: every 50 ms one edit, one create, and every other tick one delete.
    const activity = setInterval(() => {
      const pick = () => live[Math.floor(Math.random() * live.length)] as string;
      emulator.editAsCdmsUser('Account', pick(), { Name: `edited ${edits++}` });
      const [created] = emulator.seed('Account', [
        { AccountId: randomUUID(), Name: `created ${creates++}`, optevia_ukorganisation: true },
      ]);
      live.push(String(created?.AccountId));
      if (edits % 2 === 0) {
        const index = Math.floor(Math.random() * live.length);
        const doomed = live[index] as string;
        live.splice(index, 1);
        deletes += 1;
        void client.delete('Account', doomed).catch(() => {});
      }
    }, 50);
    const timings: [string, number][] = [];
    let started = Date.now();
    try {
      const report = await sync.backfill([Organisation], { concurrency: 4 });
      expect(report.aborted).toBe(false);
    } finally {
      clearInterval(activity);
    }
    timings.push(['backfill', Date.now() - started]);
    started = Date.now();
    expect(edits).toBeGreaterThan(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sync.poll([Organisation]);
    const reconciled = await sync.reconcile([Organisation], { repair: true });
    expect(reconciled.models[0]?.deletedInCdms.length).toBeGreaterThan(0);
    timings.push(['poll+reconcile', Date.now() - started]);
    const { cdms, local } = await compareStores(knex, emulator, tables);
    // biome-ignore lint/suspicious/noConsole: timings of the 20k run
    console.info(JSON.stringify(timings));
    expect(local.length).toBe(cdms.length);
    expect(local).toEqual(cdms);
    // A second reconcile finds nothing left to repair.
    const again = await sync.reconcile([Organisation]);
    expect(again.models[0]).toMatchObject({ missingLocally: [], deletedInCdms: [], stale: [] });
    expect(creates + deletes).toBeGreaterThan(0);
  }, 180_000);
});
