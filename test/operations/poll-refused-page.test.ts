/**
 * A poll page the local database refuses for a reason that is not about a row (a serialization
 * failure, a lock-wait timeout …) fails the poll: nothing of the page is stored or reported and the
 * watermark stays where it was, so the next poll reads those changes again and stores them.
 * Against the emulator over HTTP on PGlite.
 */
import type { CdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import type { ImportRowError, LocalStore } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { delegatingStore } from '../core/support/delegating-store';
import {
  createOperationTables,
  dropOperationTables,
  type OperationTables,
  openSync,
  operationTables,
  seedAccounts,
  startEmulator,
} from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'pglite');
const T0 = new Date('2026-06-01T12:00:00Z').getTime();

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let emulator: CdmsEmulator;
  let tables: OperationTables;
  let now = T0;

  beforeAll(async () => {
    knex = await database.connect();
  });
  afterAll(async () => {
    await knex.destroy();
  });
  beforeEach(async () => {
    now = T0;
    emulator = await startEmulator({ clock: () => now });
    tables = operationTables();
    await createOperationTables(knex, tables);
  });
  afterEach(async () => {
    await dropOperationTables(knex, tables).catch(() => {});
    await emulator.close();
  });

  it('a serialization failure on a poll page fails the poll, reports nothing and leaves the watermark; the next poll stores the changes', async () => {
    const accounts = seedAccounts(emulator, 4, { start: new Date(T0 - 60_000) });
    const base = knexStore(knex);
    let refusal: Error | undefined;
    const store: LocalStore = {
      ...delegatingStore(base),
      isRowError: (error) => base.isRowError(error),
      upsertIfNewer: async (table, rows, options) => {
        if (refusal) throw refusal;
        return base.upsertIfNewer(table, rows, options);
      },
    };
    const reported: ImportRowError[] = [];
    const { sync, Organisation } = openSync(knex, emulator, tables, {
      store,
      onImportError: (error) => reported.push(error),
    });
    await sync.backfill([Organisation]);
    const [before] = await sync.status([Organisation]);
    now = T0 + 5_000;
    for (const [index, record] of accounts.slice(0, 2).entries()) {
      emulator.editAsCdmsUser('Account', String(record.AccountId), { Name: `edited ${index}` });
    }

    refusal = Object.assign(new Error('could not serialize access due to concurrent update'), {
      code: '40001',
    });
    await expect(sync.poll([Organisation], { overlapSeconds: 0 })).rejects.toBe(refusal);
    const [after] = await sync.status([Organisation]);
    expect(after?.watermark).toEqual(before?.watermark);
    expect(reported).toEqual([]);
    expect(await knex(tables.organisation).where('name', 'like', 'edited%')).toEqual([]);

    refusal = undefined;
    const again = await sync.poll([Organisation], { overlapSeconds: 0 });
    expect(again.models[0]).toMatchObject({ changes: 2, watermark: new Date(T0 + 5_000) });
    const names = (await knex(tables.organisation).where('name', 'like', 'edited%').orderBy('name')).map(
      (row) => row.name,
    );
    expect(names).toEqual(['edited 0', 'edited 1']);
  });
});
