import type { Row, SyncedRow } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 12, 0, seconds, 250));
const row = (
  cdmsPk: string,
  seconds: number,
  name: string,
  extra: Record<string, unknown> = {},
): SyncedRow => ({
  cdmsPk,
  modified: at(seconds),
  created: at(0),
  name,
  ...extra,
});

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('upsert');
  const statements: string[] = [];

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('name').nullable();
      builder.boolean('active').nullable();
      builder.integer('local_only').nullable();
    });
    store = knexStore(knex);
    knex.on('query', (query: { sql: string }) => statements.push(query.sql));
  });

  beforeEach(async () => {
    await knex(table).delete();
    statements.length = 0;
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  /** The rows `find` returns for `keys`, in that order. */
  async function found(keys: readonly string[]): Promise<Row[]> {
    const rows = await store.find(table, {
      where: { kind: 'lookup', field: 'cdmsPk', lookup: 'in', value: [...keys] },
    });
    return keys.map((key) => rows.find((candidate) => candidate.cdmsPk === key) ?? { missing: key });
  }

  async function stored(): Promise<Record<string, unknown>> {
    const rows = await store.find(table, { orderBy: [{ field: 'cdmsPk', direction: 'asc' }] });
    return Object.fromEntries(
      rows.map((found) => [found.cdmsPk, { name: found.name, modified: found.modified }]),
    );
  }

  it('inserts new rows, updates older ones, leaves equal and newer ones alone (one batch)', async () => {
    await store.upsertIfNewer(table, [row('a', 10, 'a1'), row('b', 10, 'b1'), row('c', 10, 'c1')]);
    statements.length = 0;
    const result = await store.upsertIfNewer(table, [
      row('a', 5, 'older'), // older: unchanged
      row('b', 10, 'equal'), // equal: unchanged
      row('c', 11, 'newer'), // newer: updated
      row('d', 1, 'new'), // new: inserted
    ]);
    expect(result).toEqual({
      inserted: ['d'],
      updated: ['c'],
      unchanged: ['a', 'b'],
      stored: await found(['d', 'c']),
    });
    expect(await stored()).toEqual({
      a: { name: 'a1', modified: at(10) },
      b: { name: 'b1', modified: at(10) },
      c: { name: 'newer', modified: at(11) },
      d: { name: 'new', modified: at(1) },
    });
  });

  it('versionField: an equal modified with a greater (or first) version updates in the same statement', async () => {
    const versioned = (cdmsPk: string, seconds: number, name: string, cdmsVersion: string | null) =>
      row(cdmsPk, seconds, name, { cdmsVersion });
    await store.upsertIfNewer(table, [
      versioned('a', 10, 'a1', '5'),
      versioned('b', 10, 'b1', '5'),
      versioned('c', 10, 'c1', null),
      versioned('d', 10, 'd1', '5'),
    ]);
    statements.length = 0;
    const result = await store.upsertIfNewer(
      table,
      [
        versioned('a', 10, 'greater', '6'), // tie, greater version: updated
        versioned('b', 10, 'equal', '5'), // tie, same version: unchanged
        versioned('c', 10, 'first', '1'), // tie, the stored row has no version: updated
        versioned('d', 10, 'none', null), // tie, no version given: unchanged
      ],
      { versionField: 'cdmsVersion' },
    );
    const writes = statements.filter((sql) => !/^(begin|commit|savepoint|release)/i.test(sql));
    if (database.name === 'mysql') {
      // Not compared here: core compares the versions of the unchanged rows itself.
      expect(result.versionCompared).toBeUndefined();
      expect(result.unchanged).toEqual(['a', 'b', 'c', 'd']);
      return;
    }
    expect(result).toEqual({
      inserted: [],
      updated: ['a', 'c'],
      unchanged: ['b', 'd'],
      stored: await found(['a', 'c']),
      versionCompared: true,
    });
    expect(await stored()).toEqual({
      a: { name: 'greater', modified: at(10) },
      b: { name: 'b1', modified: at(10) },
      c: { name: 'first', modified: at(10) },
      d: { name: 'd1', modified: at(10) },
    });
    expect(writes).toHaveLength(database.name === 'sqlite' ? 2 : 1);
    // Without versionField an equal modified is never newer.
    expect((await store.upsertIfNewer(table, [versioned('b', 10, 'b2', '9')])).unchanged).toEqual(['b']);
  });

  it('runs one statement per batch on PostgreSQL and PGlite', async () => {
    await store.upsertIfNewer(table, [row('a', 10, 'a1')]);
    statements.length = 0;
    await store.upsertIfNewer(table, [row('a', 11, 'a2'), row('b', 1, 'b1'), row('c', 1, 'c1')]);
    const writes = statements.filter((sql) => !/^(begin|commit|savepoint|release)/i.test(sql));
    if (database.name === 'postgresql' || database.name === 'pglite') {
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(
        /^insert into .* on conflict \("cdms_pk"\) do update set .* where ".*"\."modified" < "excluded"\."modified" returning \*, \(xmax = 0\) as "cdms_sync_inserted"$/,
      );
    } else if (database.name === 'sqlite') {
      expect(writes).toHaveLength(2);
      expect(writes[1]).toMatch(
        /on conflict \(`cdms_pk`\) do update set .* where `.*`\.`modified` < `excluded`\.`modified` returning \*$/,
      );
    } else {
      expect(writes).toHaveLength(3);
      expect(writes[0]).toMatch(/for update$/);
      // No RETURNING on MySQL: one locking read of the changed rows, in the same transaction.
      expect(writes[2]).toMatch(/^select \* from `.*` where `cdms_pk` in \(\?, \?, \?\) for update$/);
      // `modified` is assigned last: MySQL evaluates SET left to right and each IF compares with it.
      expect(writes[1]).toMatch(
        /on duplicate key update .*`name` = IF\(`.*`\.`modified` < VALUES\(`modified`\) AND `.*`\.`cdms_pk` = VALUES\(`cdms_pk`\), VALUES\(`name`\), `name`\).*, `modified` = IF\([^,]*, VALUES\(`modified`\), `modified`\)$/,
      );
    }
  });

  it('a row that another unique index refuses fails the call (MySQL too) with a row error, and never overwrites the other record', async () => {
    const index = `${table}_name_uq`;
    await knex.schema.alterTable(table, (builder) => builder.unique(['name'], { indexName: index }));
    try {
      await store.upsertIfNewer(table, [row('a', 10, 'same')]);
      const refusal = await store.upsertIfNewer(table, [row('b', 20, 'same')]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(Error);
      expect(store.isRowError(refusal)).toBe(true);
      const stored = await store.find(table, { fields: ['cdmsPk', 'name'] });
      expect(stored).toEqual([{ cdmsPk: 'a', name: 'same' }]);
    } finally {
      await knex.schema.alterTable(table, (builder) => builder.dropUnique(['name'], index));
    }
  });

  it('keeps local-only columns and never overwrites a column the rows do not carry', async () => {
    await store.upsertIfNewer(table, [row('a', 10, 'a1', { active: true })]);
    await store.update(
      table,
      { kind: 'lookup', field: 'cdmsPk', lookup: 'exact', value: 'a' },
      { localOnly: 7 },
    );
    const result = await store.upsertIfNewer(table, [row('a', 20, 'a2')]);
    expect(result.updated).toEqual(['a']);
    const [current] = await store.find(table);
    expect(current).toMatchObject({ name: 'a2', active: true, localOnly: 7, modified: at(20) });
    expect(result.stored).toEqual([current]);
  });

  it('handles duplicate keys in one batch (the newest wins) and mixed column sets', async () => {
    const result = await store.upsertIfNewer(table, [
      row('a', 1, 'old'),
      row('b', 1, 'b', { active: false }),
      row('a', 3, 'newest'),
      row('a', 2, 'middle'),
    ]);
    expect(result).toEqual({
      inserted: ['a', 'b'],
      updated: [],
      unchanged: [],
      stored: await found(['a', 'b']),
    });
    expect(result.stored?.[0]).toMatchObject({ name: 'newest', modified: at(3) });
    expect(await stored()).toEqual({
      a: { name: 'newest', modified: at(3) },
      b: { name: 'b', modified: at(1) },
    });
  });

  it('returns the changed rows as stored: inserted then updated, in input order, unchanged ones left out', async () => {
    await store.upsertIfNewer(table, [row('c', 10, 'c1'), row('y', 10, 'y1'), row('b', 10, 'b1')]);
    await store.update(
      table,
      { kind: 'lookup', field: 'cdmsPk', lookup: 'exact', value: 'y' },
      { localOnly: 3 },
    );
    // Two column sets, so two statements (PostgreSQL, SQLite) whose returned rows must be merged.
    const result = await store.upsertIfNewer(table, [
      row('z', 1, 'z new', { active: true }),
      row('y', 11, 'y newer'),
      row('b', 10, 'b equal'),
      row('a', 2, 'a new'),
      row('c', 12, 'c newer', { active: false }),
    ]);
    expect(result).toMatchObject({ inserted: ['z', 'a'], updated: ['y', 'c'], unchanged: ['b'] });
    const expected = await found(['z', 'a', 'y', 'c']);
    expect(result.stored).toEqual(expected);
    // Every column, decoded as `find` decodes it, under model field names.
    expect(expected[2]).toMatchObject({ cdmsPk: 'y', name: 'y newer', localOnly: 3, active: null });
    expect(expected[3]).toMatchObject({ cdmsPk: 'c', active: false, modified: at(12), created: at(0) });
    expect(Object.keys(result.stored?.[0] ?? {}).sort()).toEqual(Object.keys(expected[0] ?? {}).sort());
    expect(result.stored?.[0]).not.toHaveProperty('cdmsSyncInserted');

    const nothingNewer = await store.upsertIfNewer(table, [row('a', 2, 'same'), row('z', 0, 'older')]);
    expect(nothingNewer).toEqual({ inserted: [], updated: [], unchanged: ['a', 'z'], stored: [] });
    expect(await store.upsertIfNewer(table, [])).toEqual({
      inserted: [],
      updated: [],
      unchanged: [],
      stored: [],
    });
  });

  it('validates every row before any SQL', async () => {
    await expect(
      store.upsertIfNewer(table, [row('a', 1, 'ok'), { cdmsPk: '', modified: at(1) } as SyncedRow]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(
      store.upsertIfNewer(table, [{ cdmsPk: 'x', modified: 'yesterday' } as unknown as SyncedRow]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(store.upsertIfNewer(table, [row('a', 1, 'ok', { colour: 'red' })])).rejects.toMatchObject({
      code: 'FIELD_ERROR',
    });
    await expect(store.upsertIfNewer(table, [row('a', 1, 'ok', { active: 'yes' })])).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(statements).toEqual([]);
    expect(await store.count(table)).toBe(0);
  });

  it('joins the surrounding transaction and rolls back with it', async () => {
    await expect(
      store.transaction(async () => {
        await store.upsertIfNewer(table, [row('a', 1, 'a')]);
        expect(await store.count(table)).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await store.count(table)).toBe(0);
  });

  it('compares date-times in time order, not text order, across a large batch', async () => {
    const rows = Array.from({ length: 120 }, (_, index) =>
      row(`k${String(index).padStart(3, '0')}`, index % 60, `v${index}`),
    );
    expect((await store.upsertIfNewer(table, rows)).inserted).toHaveLength(120);
    // 9.250 s vs 10.250 s: text comparison of '…:9' and '…:10' would get this wrong.
    const newer = rows.map((original, index) => ({
      ...original,
      modified: new Date(original.modified.getTime() + (index % 2 === 0 ? 1 : -1)),
    }));
    const result = await store.upsertIfNewer(table, newer);
    expect(result.updated).toHaveLength(60);
    expect(result.unchanged).toHaveLength(60);
    expect(result.updated.every((key) => Number(key.slice(1)) % 2 === 0)).toBe(true);
  });

  it('lets the newest version win under concurrent writers on two connections', async () => {
    if (!database.shared) return;
    const otherKnex = await database.connect();
    const other = knexStore(otherKnex);
    try {
      const keys = ['p', 'q', 'r', 's'];
      const versions = Array.from({ length: 24 }, (_, version) => version);
      // Shuffle deterministically so both writers race on every key in different orders.
      const shuffled = [...versions].sort((x, y) => ((x * 7919) % 24) - ((y * 7919) % 24));
      const results = await Promise.all(
        shuffled.map((version, index) =>
          (index % 2 === 0 ? store : other).upsertIfNewer(
            table,
            (index % 3 === 0 ? [...keys].reverse() : keys).map((key) =>
              row(key, version, `${key}${version}`),
            ),
          ),
        ),
      );
      // Each writer's `stored` shows its own version of the rows it changed, never another writer's.
      results.forEach((result, index) => {
        const version = shuffled[index] ?? -1;
        expect(result.stored?.map((changed) => changed.cdmsPk)).toEqual([
          ...result.inserted,
          ...result.updated,
        ]);
        for (const changed of result.stored ?? [])
          expect(changed).toMatchObject({
            name: `${String(changed.cdmsPk)}${version}`,
            modified: at(version),
          });
      });
      const latest = Math.max(...versions);
      expect(await stored()).toEqual(
        Object.fromEntries(keys.map((key) => [key, { name: `${key}${latest}`, modified: at(latest) }])),
      );
    } finally {
      await otherKnex.destroy();
    }
  });
});
