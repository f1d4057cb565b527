/**
 * Leases and state on every database: one holder per name; a lease whose connection dies is free
 * again; range claims never overlap, and an expired claim is taken over.
 */
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import {
  createOperationTables,
  dropOperationTables,
  type OperationTables,
  openSync,
  operationTables,
  seedAccounts,
  startEmulator,
} from './support';

const databases = await testDatabases();

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let tables: OperationTables;

  beforeAll(async () => {
    knex = await database.connect();
    tables = operationTables();
    await createOperationTables(knex, tables);
  });
  afterAll(async () => {
    await dropOperationTables(knex, tables).catch(() => {});
    await knex.destroy();
  });

  it('a lease has one holder until it is released', async () => {
    const store = knexStore(knex);
    // SQLite and PGlite serve one process: their lock is the store's own.
    const other = ['postgresql', 'mysql'].includes(database.name)
      ? knexStore(await database.connect())
      : store;
    const lease = await store.leases.tryLease(`poll:${tables.organisation}`);
    expect(lease).toBeDefined();
    expect(await other.leases.tryLease(`poll:${tables.organisation}`)).toBeUndefined();
    expect(await lease?.held()).toBe(true);
    await lease?.release();
    expect(await lease?.held()).toBe(false);
    const again = await other.leases.tryLease(`poll:${tables.organisation}`);
    expect(again).toBeDefined();
    await again?.release();
    if (other !== store) await other.close();
  });

  it('range claims never overlap, and an expired claim is taken over', async () => {
    const emulator = await startEmulator();
    try {
      seedAccounts(emulator, 120);
      const first = openSync(knex, emulator, tables);
      const second = openSync(knex, emulator, tables);
      const [range] = await first.sync.planBackfill(first.Organisation, { rangeRows: 1000 });
      expect(range).toBeDefined();
      const rangeTable = `${tables.state}_range`;
      // Another process holds it (its lease runs for a minute).
      const store = knexStore(knex);
      const ofModel = {
        kind: 'lookup',
        field: 'model',
        lookup: 'exact',
        value: tables.organisation,
      } as const;
      await store.update(rangeTable, ofModel, {
        owner: 'elsewhere:1:x',
        leaseUntil: new Date(Date.now() + 60_000),
      });
      await expect(
        second.sync.backfillRange(second.Organisation, String(range?.rangeId)),
      ).rejects.toMatchObject({
        code: 'LEASE_HELD',
      });
      // Its lease ends: taken over.
      await store.update(rangeTable, ofModel, { leaseUntil: new Date(Date.now() - 1000) });
      const result = await second.sync.backfillRange(second.Organisation, String(range?.rangeId));
      expect(result).toMatchObject({ rows: 120, aborted: false, range: { done: true } });
      await expect(first.sync.backfillRange(first.Organisation, 'r9999')).rejects.toMatchObject({
        code: 'NOT_BACKFILLED',
      });
    } finally {
      await emulator.close();
    }
  });
});
