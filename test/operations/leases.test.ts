/**
 * Leases and state on every database: one holder per name; a lease whose connection dies is free
 * again; range claims never overlap, and an expired claim is taken over.
 */
import { knexStore } from '@cdms-sync/knex';
import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import {
  describeEachDatabase,
  testDatabases,
  uniqueTableName,
} from '../../packages/knex/src/conformance/databases';
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

  it('leases of many models share one connection: a pool of 4 holds 6 leases and still serves queries', async () => {
    const store = knexStore(setup.knex);
    const names = Array.from({ length: 6 }, (_, index) => `poll:${setup.tables.organisation}:${index}`);
    const leases = await Promise.all(names.map((name) => store.leases.tryLease(name)));
    expect(leases.every((lease) => lease !== undefined)).toBe(true);
    // The same store (one process) cannot take a name twice, though the database session could.
    expect(await store.leases.tryLease(names[0] ?? '')).toBeUndefined();
    await expect(setup.knex.raw('SELECT 1')).resolves.toBeDefined();
    for (const lease of leases) await lease?.release();
    const again = await store.leases.tryLease(names[0] ?? '');
    expect(again).toBeDefined();
    await again?.release();
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

const postgres = databases.find((database) => database.name === 'postgresql' && database.available);

describe.runIf(postgres !== undefined)('postgresql lease scope', () => {
  it('the same lease name in two schemas of one database is two leases', async () => {
    const schema = uniqueTableName('lease_scope');
    const knex = await (postgres as NonNullable<typeof postgres>).connect();
    await knex.raw('CREATE SCHEMA ??', [schema]);
    const other = knexFactory({ ...knex.client.config, searchPath: [schema] });
    try {
      const here = await knexStore(knex).leases.tryLease('poll:organisation');
      const there = await knexStore(other).leases.tryLease('poll:organisation');
      expect(here).toBeDefined();
      expect(there).toBeDefined();
      await here?.release();
      await there?.release();
    } finally {
      await other.destroy();
      await knex.raw('DROP SCHEMA ?? CASCADE', [schema]);
      await knex.destroy();
    }
  });
});
