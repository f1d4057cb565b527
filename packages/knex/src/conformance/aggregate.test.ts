import type { Row, StoreAggregation, WhereNode } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

const UUID_A = '1f9619ff-8b86-d011-b42d-00c04fc964ff';
const UUID_B = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
const EARLIEST = new Date('2023-06-01T00:00:00.001Z');
const LATEST = new Date('2025-12-31T23:59:59.999Z');

/** Values chosen to order alike under every collation and to print alike on every dialect. */
const ROWS: Row[] = [
  {
    name: 'banana',
    quantity: 3,
    price: '5.75',
    ratio: 0.25,
    happened: new Date('2024-01-02T03:04:05.678Z'),
    flag: true,
    code: UUID_B,
  },
  { name: 'apple', quantity: 1, price: '1.25', ratio: null, happened: EARLIEST, flag: false, code: UUID_A },
  { name: 'cherry', quantity: null, price: null, ratio: 1.5, happened: null, flag: null, code: null },
  { name: null, quantity: 8, price: '2.75', ratio: null, happened: LATEST, flag: true, code: null },
];

const nothing: WhereNode = { kind: 'lookup', field: 'name', lookup: 'exact', value: 'no such name' };

/** `{ count_f: count(f), sum_f: sum(f) … }` for each function and field. */
function spec(functions: readonly StoreAggregation['function'][], fieldNames: readonly string[]) {
  const aggregations: Record<string, StoreAggregation> = {};
  for (const field of fieldNames)
    for (const fn of functions) aggregations[`${fn}_${field}`] = { function: fn, field };
  return aggregations;
}

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('aggregate');
  const queries: Array<{ sql: string; bindings: unknown[]; transactionId?: string }> = [];

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('name').nullable();
      builder.integer('quantity').nullable();
      builder.specificType('price', 'decimal(10,2)').nullable();
      builder.double('ratio').nullable();
      builder.datetime('happened', { useTz: true, precision: 3 }).nullable();
      builder.boolean('flag').nullable();
      builder.uuid('code').nullable();
      builder.json('payload').nullable();
    });
    store = knexStore(knex);
    await store.describe(table);
    knex.on('query', (query: { sql: string; bindings?: unknown[]; __knexTxId?: string }) =>
      queries.push({ sql: query.sql, bindings: query.bindings ?? [], transactionId: query.__knexTxId }),
    );
  });

  beforeEach(async () => {
    await knex(table).delete();
    await store.bulkInsert(table, ROWS);
    queries.length = 0;
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  it('counts the non-null values of each field, in one aliased query', async () => {
    const result = await store.aggregate(table, undefined, {
      rows: { function: 'count', field: 'id' },
      ...spec(['count'], ['name', 'quantity', 'price', 'ratio', 'happened', 'flag', 'code', 'payload']),
    });
    expect(result).toEqual({
      rows: 4,
      count_name: 3,
      count_quantity: 3,
      count_price: 3,
      count_ratio: 2,
      count_happened: 3,
      count_flag: 3,
      count_code: 2,
      count_payload: 0,
    });
    expect(queries).toHaveLength(1);
    // Knex quotes with backticks on SQLite and MySQL.
    const q = (identifier: string) =>
      database.name === 'postgresql' || database.name === 'pglite' ? `"${identifier}"` : `\`${identifier}\``;
    expect(queries[0]?.sql).toBe(
      `select count(${q('id')}) as ${q('a0')}, count(${q('name')}) as ${q('a1')}, count(${q('quantity')}) as ${q('a2')}, ` +
        `count(${q('price')}) as ${q('a3')}, count(${q('ratio')}) as ${q('a4')}, count(${q('happened')}) as ${q('a5')}, ` +
        `count(${q('flag')}) as ${q('a6')}, count(${q('code')}) as ${q('a7')}, count(${q('payload')}) as ${q('a8')} from ${q(table)}`,
    );
  });

  it('sums and averages integer, decimal and float fields as numbers', async () => {
    const result = await store.aggregate(
      table,
      undefined,
      spec(['sum', 'avg'], ['quantity', 'price', 'ratio']),
    );
    expect(result).toEqual({
      sum_quantity: 12,
      avg_quantity: 4,
      sum_price: 9.75,
      avg_price: 3.25,
      sum_ratio: 1.75,
      avg_ratio: 0.875,
    });
  });

  it('answers min and max exactly as find reads the column', async () => {
    const result = await store.aggregate(
      table,
      undefined,
      spec(['min', 'max'], ['quantity', 'price', 'ratio', 'happened', 'name', 'flag', 'code']),
    );
    expect(result).toEqual({
      min_quantity: 1,
      max_quantity: 8,
      min_price: '1.25',
      max_price: '5.75',
      min_ratio: 0.25,
      max_ratio: 1.5,
      min_happened: EARLIEST,
      max_happened: LATEST,
      min_name: 'apple',
      max_name: 'cherry',
      min_flag: false,
      max_flag: true,
      min_code: UUID_A,
      max_code: UUID_B,
    });
    const found = await store.find(table, { fields: ['quantity', 'price', 'happened', 'flag'] });
    for (const field of ['quantity', 'price', 'happened', 'flag']) {
      expect(found.map((row) => row[field])).toContainEqual(result[`max_${field}`]);
    }
  });

  it('aggregates the rows of a date-time range with the where tree', async () => {
    const where: WhereNode = {
      kind: 'and',
      children: [
        { kind: 'lookup', field: 'happened', lookup: 'gt', value: EARLIEST },
        {
          kind: 'or',
          children: [
            { kind: 'lookup', field: 'flag', lookup: 'exact', value: true },
            { kind: 'not', child: { kind: 'lookup', field: 'name', lookup: 'isnull', value: false } },
          ],
        },
      ],
    };
    const result = await store.aggregate(table, where, {
      rows: { function: 'count', field: 'id' },
      total: { function: 'sum', field: 'quantity' },
      cheapest: { function: 'min', field: 'price' },
      first: { function: 'min', field: 'happened' },
      last: { function: 'max', field: 'name' },
    });
    expect(result).toEqual({
      rows: 2,
      total: 11,
      cheapest: '2.75',
      first: new Date('2024-01-02T03:04:05.678Z'),
      last: 'banana',
    });
    expect(queries).toHaveLength(1);
  });

  it('answers 0 for counts and null for the rest when no row matches', async () => {
    const fieldNames = ['quantity', 'price', 'ratio', 'happened', 'name', 'flag', 'code'];
    const numbers = ['quantity', 'price', 'ratio'];
    const expected: Record<string, unknown> = {};
    for (const field of fieldNames) {
      expected[`count_${field}`] = 0;
      expected[`min_${field}`] = null;
      expected[`max_${field}`] = null;
      if (numbers.includes(field)) {
        expected[`sum_${field}`] = null;
        expected[`avg_${field}`] = null;
      }
    }
    const aggregations = {
      ...spec(['count', 'min', 'max'], fieldNames),
      ...spec(['sum', 'avg'], numbers),
    };
    expect(await store.aggregate(table, nothing, aggregations)).toEqual(expected);
    await knex(table).delete();
    expect(await store.aggregate(table, undefined, aggregations)).toEqual(expected);
  });

  it('answers null for sum, avg, min and max over only null values', async () => {
    const onlyCherry: WhereNode = { kind: 'lookup', field: 'name', lookup: 'exact', value: 'cherry' };
    expect(
      await store.aggregate(table, onlyCherry, {
        count: { function: 'count', field: 'quantity' },
        sum: { function: 'sum', field: 'quantity' },
        avg: { function: 'avg', field: 'price' },
        min: { function: 'min', field: 'happened' },
        max: { function: 'max', field: 'flag' },
      }),
    ).toEqual({ count: 0, sum: null, avg: null, min: null, max: null });
  });

  it('keys the result by any name, never putting it into the SQL', async () => {
    const name = `total"; drop table ${table}; -- \`${'x'.repeat(80)}`;
    const result = await store.aggregate(table, undefined, {
      [name]: { function: 'count', field: 'id' },
      'with.dot': { function: 'max', field: 'quantity' },
    });
    expect(result).toEqual({ [name]: 4, 'with.dot': 8 });
    expect(queries.map((query) => query.sql).join(' ')).not.toMatch(/drop table|with\.dot/);
    expect(await store.count(table)).toBe(4);
  });

  it('rejects unknown fields and unfit aggregations before any SQL', async () => {
    await expect(
      store.aggregate(table, undefined, { n: { function: 'count', field: 'colour' } }),
    ).rejects.toMatchObject({
      code: 'FIELD_ERROR',
      message: expect.stringMatching(/"colour".*known fields: id, cdmsPk/),
    });
    await expect(
      store.aggregate(table, undefined, {
        ok: { function: 'count', field: 'id' },
        n: { function: 'max', field: 'quantity_' },
      }),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(
      store.aggregate(
        table,
        { kind: 'lookup', field: 'size', lookup: 'exact', value: 1 },
        {
          n: { function: 'count', field: 'id' },
        },
      ),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(
      store.aggregate(table, undefined, { n: { function: 'sum', field: 'name' } }),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR', message: expect.stringContaining('sum(name)') });
    await expect(
      store.aggregate(table, undefined, { n: { function: 'avg', field: 'happened' } }),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(
      store.aggregate(table, undefined, { n: { function: 'max', field: 'payload' } }),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(
      store.aggregate(table, undefined, {
        n: { function: 'median' as StoreAggregation['function'], field: 'quantity' },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      store.aggregate(
        table,
        { kind: 'lookup', field: 'quantity', lookup: 'gt', value: 'many' },
        {
          n: { function: 'count', field: 'id' },
        },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await store.aggregate(table, undefined, {})).toEqual({});
    expect(queries).toEqual([]);
  });

  it('joins the implicit transaction and sees its uncommitted rows', async () => {
    await store.transaction(async () => {
      await store.insert(table, { name: 'pending', quantity: 100 });
      expect(
        await store.aggregate(table, undefined, {
          rows: { function: 'count', field: 'id' },
          most: { function: 'max', field: 'quantity' },
        }),
      ).toEqual({ rows: 5, most: 100 });
    });
    const select = queries.find((query) => /^select .*count/i.test(query.sql));
    expect(select?.transactionId).toBeDefined();
  });
});
