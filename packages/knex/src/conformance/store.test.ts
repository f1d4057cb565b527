import type { WhereNode } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createHistoryTable, DEFAULT_HISTORY_TABLE } from '../schema/history-table';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

const byName = (name: string): WhereNode => ({ kind: 'lookup', field: 'name', lookup: 'exact', value: name });

const SAMPLE = {
  cdmsPk: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
  name: "Ünïcödé O'Brien ✓",
  flag: true,
  quantity: 42,
  big: 9_007_199_254_740_991,
  price: '12.25',
  ratio: 0.5,
  happened: new Date('2024-02-29T23:30:15.250Z'),
  day: '2024-02-29',
  payload: { list: [1, 'two', null], nested: { ok: false } },
  notes: '',
};

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('store');
  const queries: Array<{ sql: string; transactionId?: string }> = [];

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('name').nullable();
      builder.boolean('flag').nullable();
      builder.integer('quantity').nullable();
      builder.bigInteger('big').nullable();
      builder.specificType('price', 'decimal(10,2)').nullable();
      builder.double('ratio').nullable();
      builder.datetime('happened', { useTz: true, precision: 3 }).nullable();
      builder.date('day').nullable();
      builder.json('payload').nullable();
      builder.text('notes').nullable();
    });
    store = knexStore(knex);
    knex.on('query', (query: { sql: string; __knexTxId?: string }) =>
      queries.push({ sql: query.sql, transactionId: query.__knexTxId }),
    );
  });

  beforeEach(async () => {
    await knex(table).delete();
    queries.length = 0;
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  it('detects the dialect and its capabilities', () => {
    expect(store.dialect).toBe(database.name);
    expect(store.capabilities.rowLocks).toBe(database.name !== 'sqlite');
    expect(store.capabilities.unsupportedLookups).toEqual(
      database.name === 'sqlite' ? ['regex', 'iregex'] : [],
    );
  });

  it('describes the columns as model fields with portable types', async () => {
    const columns = await store.describe(table);
    expect(Object.fromEntries(columns.map((column) => [column.field, column.type]))).toEqual({
      id: 'integer',
      cdmsPk: 'string',
      created: 'datetime',
      modified: 'datetime',
      cdmsVersion: 'integer',
      name: 'string',
      flag: 'boolean',
      quantity: 'integer',
      big: 'integer',
      price: 'decimal',
      ratio: 'float',
      happened: 'datetime',
      day: 'date',
      payload: 'json',
      notes: 'string',
    });
    expect(columns.find((column) => column.field === 'cdmsPk')).toEqual({
      field: 'cdmsPk',
      column: 'cdms_pk',
      type: 'string',
      nullable: true,
      maxLength: 36,
      hasDefault: false,
    });
    expect(columns.find((column) => column.field === 'modified')).toMatchObject({
      nullable: false,
      hasDefault: true,
    });
  });

  it('forget() drops the cached description: a column added by a migration is then known', async () => {
    const migrated = uniqueTableName('forget');
    await createSyncedTable(knex, migrated, (builder) => builder.string('name').nullable());
    try {
      await store.insert(migrated, { name: 'before' });
      await knex.schema.alterTable(migrated, (builder) => builder.integer('added').nullable());
      await expect(store.insert(migrated, { name: 'stale', added: 1 })).rejects.toThrow(
        /Unknown field "added"/,
      );
      store.forget(migrated);
      expect(await store.insert(migrated, { name: 'after', added: 2 })).toMatchObject({
        name: 'after',
        added: 2,
      });
      expect((await store.describe(migrated)).map((column) => column.field)).toContain('added');
    } finally {
      await knex.schema.dropTableIfExists(migrated);
    }
  });

  it('describes the declared length of varchar columns only (validation before I/O relies on it)', async () => {
    const columns = await store.describe(table);
    expect(columns.find((column) => column.field === 'name')?.maxLength).toBe(255);
    expect(columns.find((column) => column.field === 'notes')?.maxLength).toBeUndefined();
    expect(columns.find((column) => column.field === 'quantity')?.maxLength).toBeUndefined();
  });

  it('inserts and returns the stored row with identical values on every dialect', async () => {
    const before = Date.now();
    const stored = await store.insert(table, SAMPLE);
    expect(stored).toEqual({
      ...SAMPLE,
      id: expect.any(Number),
      created: expect.any(Date),
      modified: expect.any(Date),
      cdmsVersion: null,
    });
    // Defaults come from the database clock with milliseconds.
    expect(Math.abs((stored.created as Date).getTime() - before)).toBeLessThan(60_000);
    const [found] = await store.find(table, { where: byName(SAMPLE.name) });
    expect(found).toEqual(stored);
  });

  it('reads nulls as null and JSON strings as strings', async () => {
    const stored = await store.insert(table, { name: 'empty', payload: 'just text' });
    expect(stored).toMatchObject({
      flag: null,
      quantity: null,
      happened: null,
      day: null,
      price: null,
      cdmsPk: null,
      payload: 'just text',
    });
  });

  it('bulk-inserts atomically and returns the rows in order', async () => {
    const rows = await store.bulkInsert(table, [
      { name: 'b', flag: false },
      { name: 'a', quantity: 1 },
      { name: 'c' },
    ]);
    expect(rows.map((row) => [row.name, row.flag, row.quantity])).toEqual([
      ['b', false, null],
      ['a', null, 1],
      ['c', null, null],
    ]);
    expect(rows.map((row) => row.id)).toEqual([...rows.map((row) => row.id as number)].sort((x, y) => x - y));
    await expect(
      store.bulkInsert(table, [{ name: 'd' }, { name: 'e', quantity: 'many' }]),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await store.count(table)).toBe(3);
  });

  it('counts, checks existence, updates and deletes', async () => {
    await store.bulkInsert(table, [
      { name: 'a', quantity: 1 },
      { name: 'b', quantity: 2 },
      { name: 'c', quantity: 3 },
    ]);
    const big: WhereNode = { kind: 'lookup', field: 'quantity', lookup: 'gte', value: 2 };
    expect(await store.count(table)).toBe(3);
    expect(await store.count(table, big)).toBe(2);
    expect(await store.exists(table, byName('b'))).toBe(true);
    expect(await store.exists(table, byName('z'))).toBe(false);
    expect(
      await store.update(table, big, { flag: true, happened: new Date('2020-01-01T00:00:00.001Z') }),
    ).toBe(2);
    expect(await store.update(table, byName('z'), { flag: true })).toBe(0);
    const updated = await store.find(table, {
      where: big,
      orderBy: [{ field: 'name', direction: 'asc' }],
      fields: ['name', 'flag', 'happened'],
    });
    expect(updated).toEqual([
      { name: 'b', flag: true, happened: new Date('2020-01-01T00:00:00.001Z') },
      { name: 'c', flag: true, happened: new Date('2020-01-01T00:00:00.001Z') },
    ]);
    expect(await store.delete(table, big)).toBe(2);
    expect(await store.delete(table, big)).toBe(0);
    expect((await store.find(table)).map((row) => row.name)).toEqual(['a']);
  });

  it('inserts rows returning only their ids, in order, without reading the rows back', async () => {
    queries.length = 0;
    const ids = await store.insertIds(table, [
      { name: 'ids-1', payload: { big: 'snapshot' } },
      { name: 'ids-2' },
      { name: 'ids-3', quantity: 3 },
    ]);
    expect(ids).toHaveLength(3);
    const stored = await store.find(table, {
      where: { kind: 'lookup', field: 'id', lookup: 'in', value: ids },
      orderBy: [{ field: 'id', direction: 'asc' }],
    });
    expect(stored.map((row) => [row.id, row.name])).toEqual([
      [ids[0], 'ids-1'],
      [ids[1], 'ids-2'],
      [ids[2], 'ids-3'],
    ]);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(queries.filter((query) => /returning \*|^select/i.test(query.sql.trim()))).toEqual([
      expect.objectContaining({ sql: expect.stringMatching(/^select/i) }),
    ]);
    expect(await store.insertIds(table, [])).toEqual([]);
  });

  it('inserts rows returning nothing, in one statement on every dialect, reading nothing back', async () => {
    queries.length = 0;
    await store.insertMany(table, [
      { name: 'many-rows-1', payload: { big: 'snapshot' }, quantity: null },
      { name: 'many-rows-2', payload: null, quantity: 2 },
    ]);
    expect(queries.map((query) => query.sql.trim())).toEqual([expect.stringMatching(/^insert into [^;]+$/i)]);
    expect(queries[0]?.sql).not.toMatch(/returning/i);
    const stored = await store.find(table, {
      where: { kind: 'lookup', field: 'name', lookup: 'startswith', value: 'many-rows-' },
      orderBy: [{ field: 'id', direction: 'asc' }],
    });
    expect(stored.map((row) => [row.name, row.quantity, row.payload])).toEqual([
      ['many-rows-1', null, { big: 'snapshot' }],
      ['many-rows-2', 2, null],
    ]);
    queries.length = 0;
    await store.insertMany(table, []);
    expect(queries).toEqual([]);
  });

  it('applies several updates together, in one statement on PostgreSQL and PGlite, or none of them', async () => {
    const other = uniqueTableName('many');
    await createSyncedTable(knex, other, (builder) => builder.string('label').nullable());
    try {
      const [first, second] = await store.bulkInsert(table, [
        { name: 'many-1', quantity: 1 },
        { name: 'many-2', quantity: 2 },
      ]);
      const entry = await store.insert(other, { label: 'before' });
      const byId = (id: unknown): WhereNode => ({ kind: 'lookup', field: 'id', lookup: 'exact', value: id });
      const writes = () => queries.filter((query) => /^(with|update)/i.test(query.sql.trim()));
      queries.length = 0;
      await store.updateMany([
        {
          table,
          where: byId(first?.id),
          values: { quantity: 10, happened: new Date('2022-01-01T00:00:00Z') },
        },
        { table: other, where: byId(entry.id), values: { label: 'after' } },
      ]);
      if (store.dialect === 'postgresql' || store.dialect === 'pglite') {
        expect(writes().map((query) => query.sql)).toEqual([
          expect.stringMatching(/^with "cdms_sync_update_0" as \(update .*\) update /i),
        ]);
      } else {
        expect(writes()).toHaveLength(2);
      }
      const quantities = async () =>
        (
          await store.find(table, {
            where: { kind: 'lookup', field: 'name', lookup: 'startswith', value: 'many-' },
            orderBy: [{ field: 'name', direction: 'asc' }],
          })
        ).map((row) => row.quantity);
      expect(await quantities()).toEqual([10, 2]);
      expect((await store.find(other))[0]?.label).toBe('after');

      // A refused update (checked before any SQL) leaves the others unapplied, also inside a transaction.
      await expect(
        store.updateMany([
          { table, where: byId(first?.id), values: { quantity: 11 } },
          { table: other, where: byId(entry.id), values: {} },
        ]),
      ).rejects.toThrow(/updateMany\(".*"\) needs at least one value/);
      await store.transaction(async () => {
        await expect(
          store.updateMany([
            { table, where: byId(first?.id), values: { quantity: 12 } },
            { table, where: byId(second?.id), values: { unknownField: 1 } },
          ]),
        ).rejects.toThrow(/unknownField/);
      });
      expect(await quantities()).toEqual([10, 2]);
      await store.updateMany([]);

      // Two updates of one table (here of one row) are both applied: one statement would skip one.
      queries.length = 0;
      await store.updateMany([
        { table, where: byId(first?.id), values: { quantity: 30 } },
        { table, where: byId(first?.id), values: { name: 'many-1b' } },
      ]);
      expect(writes()).toHaveLength(2);
      expect(await store.find(table, { where: byId(first?.id), fields: ['name', 'quantity'] })).toEqual([
        { name: 'many-1b', quantity: 30 },
      ]);
    } finally {
      await knex.schema.dropTableIfExists(other);
    }
  });

  it('updates and deletes returning the rows (as find returns them), in one statement where the dialect can', async () => {
    const [first, second] = await store.bulkInsert(table, [
      { name: 'ret-1', quantity: 1 },
      { name: 'ret-2', quantity: 2 },
    ]);
    const byId = (row: typeof first): WhereNode => ({
      kind: 'lookup',
      field: 'id',
      lookup: 'exact',
      value: row?.id,
    });
    queries.length = 0;
    const updated = await store.updateReturning(table, byId(first), {
      quantity: 10,
      happened: new Date('2021-06-01T00:00:00.125Z'),
    });
    expect(updated).toEqual(await store.find(table, { where: byId(first) }));
    expect(updated).toMatchObject([
      { id: first?.id, name: 'ret-1', quantity: 10, happened: new Date('2021-06-01T00:00:00.125Z') },
    ]);
    const writes = (sql: string) => queries.filter((query) => query.sql.toLowerCase().startsWith(sql));
    if (store.dialect !== 'mysql') expect(writes('update')[0]?.sql).toMatch(/returning \*$/i);
    expect(await store.updateReturning(table, byName('nobody'), { quantity: 1 })).toEqual([]);
    // The rows updated come back even when the update changes what `where` matches.
    expect(await store.updateReturning(table, byName('ret-1'), { name: 'ret-1b' })).toMatchObject([
      { id: first?.id, name: 'ret-1b', quantity: 10 },
    ]);

    queries.length = 0;
    const [before] = await store.find(table, { where: byId(second) });
    const deleted = await store.deleteReturning(table, byId(second));
    expect(deleted).toEqual([before]);
    if (store.dialect === 'postgresql' || store.dialect === 'pglite') {
      expect(writes('delete')[0]?.sql).toMatch(/returning \*$/i);
    }
    expect(await store.find(table, { where: byId(second) })).toEqual([]);
    expect(await store.deleteReturning(table, byId(second))).toEqual([]);
    await expect(store.updateReturning(table, byId(first), {})).rejects.toThrow(/at least one value/);
  });

  it('rejects unknown fields and wrong types before any SQL, leaving the data untouched', async () => {
    await store.insert(table, { name: 'keep', quantity: 1 });
    queries.length = 0;
    await expect(store.insert(table, { name: 'x', colour: 'red' })).rejects.toMatchObject({
      code: 'FIELD_ERROR',
      message: expect.stringMatching(/"colour".*known fields: id, cdmsPk/),
    });
    await expect(store.insert(table, { name: 'x', flag: 'yes' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('"flag"'),
    });
    await expect(store.insert(table, { name: 'x', quantity: 1.5 })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(store.insert(table, { name: 'x', happened: 'not a date' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(store.insert(table, { name: 42 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(store.update(table, byName('keep'), { quantity: 'two' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(store.update(table, byName('keep'), { size: 2 })).rejects.toMatchObject({
      code: 'FIELD_ERROR',
    });
    await expect(
      store.delete(table, { kind: 'lookup', field: 'size', lookup: 'exact', value: 1 }),
    ).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(store.find(table, { fields: ['size'] })).rejects.toMatchObject({ code: 'FIELD_ERROR' });
    await expect(store.find(table, { limit: -1 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(queries).toEqual([]);
    expect(await store.find(table, { fields: ['name', 'quantity'] })).toEqual([
      { name: 'keep', quantity: 1 },
    ]);
  });

  it('rejects a table that does not exist', async () => {
    await expect(store.find(uniqueTableName('missing'))).rejects.toMatchObject({ code: 'FIELD_ERROR' });
  });

  it('commits a transaction that every store call inside joins', async () => {
    const result = await store.transaction(async () => {
      await store.insert(table, { name: 'a' });
      await store.bulkInsert(table, [{ name: 'b' }]);
      expect(await store.count(table)).toBe(2);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.count(table)).toBe(2);
    const statements = queries.filter((query) => /^(insert|select count)/i.test(query.sql));
    // Inside: two inserts and a count, all in a transaction (bulkInsert's own is a savepoint); outside: the last count.
    expect(statements.map((query) => query.transactionId !== undefined)).toEqual([
      ...statements.slice(0, -1).map(() => true),
      false,
    ]);
    expect(statements.length).toBeGreaterThanOrEqual(4);
  });

  it('rolls back when the function throws and rethrows the original error', async () => {
    const failure = new Error('boom');
    await expect(
      store.transaction(async () => {
        await store.insert(table, { name: 'a' });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await store.count(table)).toBe(0);
  });

  it('rolls a nested transaction back to its savepoint only', async () => {
    const inner = new Error('inner');
    await store.transaction(async () => {
      await store.insert(table, { name: 'outer' });
      await expect(
        store.transaction(async () => {
          await store.insert(table, { name: 'inner' });
          expect(await store.count(table)).toBe(2);
          throw inner;
        }),
      ).rejects.toBe(inner);
      // A failed statement inside the savepoint must not poison the outer transaction either.
      await expect(
        store.transaction(() => store.insert(table, { name: 'bad', id: 'x' as unknown as number })),
      ).rejects.toBeDefined();
      await store.insert(table, { name: 'after' });
    });
    expect(
      (await store.find(table, { orderBy: [{ field: 'name', direction: 'asc' }] })).map((row) => row.name),
    ).toEqual(['after', 'outer']);
    expect(queries.some((query) => /savepoint/i.test(query.sql))).toBe(true);
  });

  it('hides uncommitted work from other connections', async () => {
    if (!database.shared) return;
    const other = await database.connect();
    try {
      await store.transaction(async () => {
        await store.insert(table, { name: 'pending' });
        expect(
          await other(table)
            .count({ count: '*' })
            .then((rows) => Number(rows[0]?.count)),
        ).toBe(0);
      });
      expect(
        await other(table)
          .count({ count: '*' })
          .then((rows) => Number(rows[0]?.count)),
      ).toBe(1);
    } finally {
      await other.destroy();
    }
  });

  it('locks rows with forUpdate until the transaction ends, where the dialect can', async () => {
    const row = await store.insert(table, { name: 'locked', quantity: 0 });
    const byId: WhereNode = { kind: 'lookup', field: 'id', lookup: 'exact', value: row.id };
    queries.length = 0;
    await store.transaction(() => store.find(table, { where: byId, forUpdate: true }));
    const select = queries.find((query) => /^select/i.test(query.sql))?.sql ?? '';
    if (!store.capabilities.rowLocks) {
      expect(select).not.toMatch(/for update/i);
      return;
    }
    expect(select).toMatch(/for update$/i);
    if (!database.shared) return;

    const otherKnex = await database.connect();
    const other = knexStore(otherKnex);
    const events: string[] = [];
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const first = store.transaction(async () => {
        await store.find(table, { where: byId, forUpdate: true });
        events.push('first locked');
        locked();
        await released;
        await store.update(table, byId, { quantity: 1 });
        events.push('first commits');
      });
      await isLocked;
      const second = other.transaction(async () => {
        const [seen] = await other.find(table, { where: byId, forUpdate: true });
        events.push(`second locked, quantity ${String(seen?.quantity)}`);
        await other.update(table, byId, { quantity: Number(seen?.quantity) + 1 });
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      events.push('releasing');
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(['first locked', 'releasing', 'first commits', 'second locked, quantity 1']);
      expect((await store.find(table, { where: byId }))[0]?.quantity).toBe(2);
    } finally {
      await otherKnex.destroy();
    }
  });

  it('creates the history table that core writes to', async () => {
    const history = uniqueTableName('history');
    await createHistoryTable(knex, { tableName: history });
    try {
      const entry = await store.insert(history, {
        model: table,
        rowId: '1',
        cdmsPk: null,
        kind: 'cdms-refresh',
        data: { name: 'Acme', modified: '2024-01-01T00:00:00.000Z' },
        user: null,
        comment: 'CDMS refresh',
        createdAt: new Date('2024-01-01T00:00:00.123Z'),
      });
      expect(entry).toMatchObject({
        id: expect.any(Number),
        kind: 'cdms-refresh',
        data: { name: 'Acme' },
        createdAt: new Date('2024-01-01T00:00:00.123Z'),
      });
      expect(DEFAULT_HISTORY_TABLE).toBe('cdms_sync_history');
    } finally {
      await knex.schema.dropTableIfExists(history);
    }
  });
});
