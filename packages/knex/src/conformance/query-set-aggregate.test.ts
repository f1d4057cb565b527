import {
  Avg,
  Count,
  createSync,
  fields,
  type Manager,
  Max,
  Migrator,
  Min,
  Sum,
  SyncedModel,
} from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSyncedTable } from '../schema/synced-columns';
import { knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';
import { unusedCdms } from './unused-cdms';

const databases = await testDatabases();

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  const table = uniqueTableName('qs_aggregate');

  class OrganisationMigrator extends Migrator {
    service = 'Account';
    fields = { name: fields.string('Name') };
  }
  class Organisation extends SyncedModel {
    static override table = table;
    static override migrator: Migrator = new OrganisationMigrator();
    declare static objects: Manager<Organisation>;
    declare name: string;
    /** Local-only fields. */
    declare quantity: number | null;
    declare price: string | null;
    declare happened: Date | null;
  }

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('name').notNullable().defaultTo('');
      builder.integer('quantity').nullable();
      builder.specificType('price', 'decimal(10,2)').nullable();
      builder.datetime('happened', { useTz: true, precision: 3 }).nullable();
    });
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  it('QuerySet.aggregate() answers from the knex store end to end', async () => {
    const store = knexStore(knex);
    const calls: string[] = [];
    createSync({ store, cdms: unusedCdms(calls) }).register(Organisation);
    await store.bulkInsert(table, [
      { name: 'a', quantity: 2, price: '1.25', happened: new Date('2024-01-01T00:00:00.001Z') },
      { name: 'b', quantity: 4, price: '2.75', happened: new Date('2024-06-01T12:00:00.500Z') },
      { name: 'c', quantity: null, price: null, happened: null },
    ]);

    const all = await Organisation.objects.skipCdms().aggregate({
      n: Count('id'),
      total: Sum('quantity'),
      mean: Avg('price'),
      cheapest: Min('price'),
      latest: Max('happened'),
      first: Min('name'),
    });
    expect(all).toEqual({
      n: 3,
      total: 6,
      mean: 2,
      cheapest: '1.25',
      latest: new Date('2024-06-01T12:00:00.500Z'),
      first: 'a',
    });

    const filtered = await Organisation.objects
      .skipCdms()
      .filter({ quantity__gte: 3 })
      .aggregate({ n: Count('quantity'), total: Sum('quantity'), earliest: Min('happened') });
    expect(filtered).toEqual({ n: 1, total: 4, earliest: new Date('2024-06-01T12:00:00.500Z') });

    const none = await Organisation.objects
      .skipCdms()
      .filter({ name: 'z' })
      .aggregate({ n: Count('id'), total: Sum('quantity'), latest: Max('happened') });
    expect(none).toEqual({ n: 0, total: null, latest: null });

    expect(calls).toEqual([]);
  });
});
