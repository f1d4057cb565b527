/**
 * Leases and state on every database: one holder per name; a lease whose connection dies is free
 * again; range claims never overlap, and an expired claim is taken over.
 */
import { knexStore } from '@cdms-sync/knex';
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { openSync, seedAccounts, startEmulator, useOperationSetup } from './support';

const databases = await testDatabases();

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database, { emulator: false });

  it('a lease has one holder until it is released', async () => {
    const store = knexStore(setup.knex);
    // SQLite and PGlite serve one process: their lock is the store's own.
    const other = ['postgresql', 'mysql'].includes(database.name)
      ? knexStore(await database.connect())
      : store;
    const lease = await store.leases.tryLease(`poll:${setup.tables.organisation}`);
    expect(lease).toBeDefined();
    expect(await other.leases.tryLease(`poll:${setup.tables.organisation}`)).toBeUndefined();
    expect(await lease?.held()).toBe(true);
    await lease?.release();
    expect(await lease?.held()).toBe(false);
    const again = await other.leases.tryLease(`poll:${setup.tables.organisation}`);
    expect(again).toBeDefined();
    await again?.release();
    if (other !== store) await other.close();
  });

  it('range claims never overlap, and an expired claim is taken over', async () => {
    const emulator = await startEmulator();
    try {
      seedAccounts(emulator, 120);
      const first = openSync(setup.knex, emulator, setup.tables);
      const second = openSync(setup.knex, emulator, setup.tables);
      const [range] = await first.sync.planBackfill(first.Organisation, { rangeRows: 1000 });
      expect(range).toBeDefined();
      const rangeTable = `${setup.tables.state}_range`;
      // Another process holds it (its lease runs for a minute).
      const store = knexStore(setup.knex);
      const ofModel = {
        kind: 'lookup',
        field: 'model',
        lookup: 'exact',
        value: setup.tables.organisation,
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
