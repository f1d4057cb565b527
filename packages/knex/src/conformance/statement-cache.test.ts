/**
 * The store's statement texts (`StatementCache`) on each database: the second statement of a shape
 * runs from the kept text (`knex.raw`) with its own values and answers exactly as Knex's own
 * statement; what makes another text (an identifier, a missing column, a row count) is part of
 * the shape or keeps the statement with Knex.
 */
import type { LookupNode } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('statements');
  /** The SQL of every statement sent, as the driver got it. */
  let sent: string[] = [];
  const record = (query: { sql: string }) => sent.push(query.sql);

  beforeAll(async () => {
    knex = await database.connect();
    await knex.schema.createTable(table, (builder) => {
      builder.increments('id');
      builder.string('name', 40).notNullable();
      builder.integer('size').nullable();
      builder.integer('weight').nullable();
      builder.boolean('active').notNullable().defaultTo(false);
      builder.string('status', 20).notNullable().defaultTo('new');
      if (database.name === 'postgresql' || database.name === 'pglite')
        builder.specificType('tags', 'text[]');
    });
    store = knexStore(knex);
    knex.on('query', record);
  });

  beforeEach(async () => {
    await knex(table).delete();
    sent = [];
  });

  afterAll(async () => {
    knex?.off('query', record);
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  const by = (field: string, lookup: LookupNode['lookup'], value: unknown): LookupNode => ({
    kind: 'lookup',
    field,
    lookup,
    value,
  });

  it('runs a shape again from its text with the new values, answering as Knex does', async () => {
    await store.bulkInsert(table, [
      { name: 'a', size: 1, weight: 10, active: true },
      { name: 'b', size: 2, weight: 20, active: false },
      { name: 'c', size: 3, weight: 30, active: true },
    ]);
    const names = async (size: number) =>
      (
        await store.find(table, {
          where: by('size', 'gte', size),
          orderBy: [{ field: 'name', direction: 'asc' }],
        })
      ).map((row) => row.name);
    sent = [];
    expect(await names(1)).toEqual(['a', 'b', 'c']);
    expect(await names(2)).toEqual(['b', 'c']);
    expect(await names(3)).toEqual(['c']);
    // One text for the three statements: the values were bound, never written into the SQL.
    expect(new Set(sent).size).toBe(1);
    expect(await store.count(table, by('active', 'exact', true))).toBe(2);
    expect(await store.count(table, by('active', 'exact', false))).toBe(1);
    const [updated] = await store.updateReturning(table, by('name', 'exact', 'b'), { size: 5 });
    expect(updated).toMatchObject({ name: 'b', size: 5, active: false });
    const [again] = await store.updateReturning(table, by('name', 'exact', 'c'), { size: 6 });
    expect(again).toMatchObject({ name: 'c', size: 6, active: true });
  });

  it('keeps the same where text on another column apart (the column is part of the shape)', async () => {
    await store.bulkInsert(table, [
      { name: 'small-heavy', size: 1, weight: 90 },
      { name: 'big-light', size: 90, weight: 1 },
    ]);
    const above = async (field: string) =>
      (await store.find(table, { where: by(field, 'gt', 50) })).map((row) => row.name);
    expect(await above('size')).toEqual(['big-light']);
    expect(await above('weight')).toEqual(['small-heavy']);
    expect(await above('size')).toEqual(['big-light']);
  });

  it('inserts rows with other columns or another row count as Knex builds them', async () => {
    const ids = await store.insertIds(table, [{ name: 'one', size: 1 }]);
    const more = await store.insertIds(table, [{ name: 'two', size: 2 }]);
    // A row without `size` and a row with it: Knex writes DEFAULT for the gap.
    const mixed = await store.insertIds(table, [{ name: 'three' }, { name: 'four', size: 4 }]);
    expect([...ids, ...more, ...mixed]).toHaveLength(4);
    const rows = await store.find(table, { orderBy: [{ field: 'id', direction: 'asc' }] });
    expect(rows.map((row) => [row.name, row.size])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', null],
      ['four', 4],
    ]);
    expect(rows.map((row) => row.id)).toEqual([...ids, ...more, ...mixed]);
  });

  it('inserts more rows than SQLite allows terms in one compound select (500), in statements that fit', async () => {
    const rows = Array.from({ length: 1234 }, (_, index) => ({ name: `bulk-${index}`, size: index }));
    await store.insertMany(table, rows);
    expect(await store.count(table)).toBe(1234);
    const changed = Array.from({ length: 600 }, (_, index) => ({ name: `bulk-${index}`, size: -index }));
    await store.insertMany(table, changed);
    expect(await store.count(table, by('size', 'lt', 0))).toBe(599);
  });

  it('inserts rows with different columns with each table default (SQLite: row by row), all or none', async () => {
    await store.insertMany(table, [{ name: 'defaulted' }, { name: 'given', status: 'given', size: 2 }]);
    const rows = await store.find(table, { orderBy: [{ field: 'id', direction: 'asc' }] });
    expect(rows.map((row) => [row.name, row.status, row.size])).toEqual([
      ['defaulted', 'new', null],
      ['given', 'given', 2],
    ]);
    // The second row breaks NOT NULL: neither row is kept.
    await expect(store.insertMany(table, [{ name: 'kept?' }, { name: null, status: 'x' }])).rejects.toThrow();
    expect(await store.count(table)).toBe(2);
  });

  it.skipIf(database.name !== 'postgresql' && database.name !== 'pglite')(
    'never runs from text a value that holds undefined (an array column), the second time either',
    async () => {
      for (const name of ['first', 'second']) {
        await store.insert(table, { name, tags: ['a', undefined, 'b'] });
      }
      const rows = await store.find(table, { orderBy: [{ field: 'id', direction: 'asc' }] });
      expect(rows.map((row) => [row.name, row.tags])).toEqual([
        ['first', ['a', null, 'b']],
        ['second', ['a', null, 'b']],
      ]);
    },
  );
});
