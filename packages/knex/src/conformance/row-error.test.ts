/**
 * `KnexStore.isRowError` on each database: yes for the errors a row's data causes (unique, not
 * null, a value too long for its column), no for the errors that are not about the row (a lock
 * timeout, a busy database, an SQL error, a deadlock), so that an import retries row by row only
 * the former and fails the page on the latter.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

/** The error `promise` rejects with (fails the test when it resolves). */
async function refusal(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the database to refuse the statement');
}

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('row_error');

  beforeAll(async () => {
    knex = await database.connect();
    await knex.schema.createTable(table, (builder) => {
      builder.increments('id');
      builder.string('name', 10).notNullable().unique();
    });
    store = knexStore(knex);
  });

  beforeEach(async () => {
    await knex(table).delete();
    await knex(table).insert({ name: 'taken' });
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  it('a unique violation is a row error', async () => {
    expect(store.isRowError(await refusal(knex(table).insert({ name: 'taken' })))).toBe(true);
  });

  it('a NULL in a NOT NULL column is a row error', async () => {
    expect(store.isRowError(await refusal(knex(table).insert({ name: null })))).toBe(true);
  });

  it.skipIf(database.name === 'sqlite')('a value too long for its column is a row error', async () => {
    expect(store.isRowError(await refusal(knex(table).insert({ name: 'x'.repeat(11) })))).toBe(true);
  });

  it("the store's own ValidationError (a value that does not fit, found before SQL) is a row error", async () => {
    const error = await refusal(store.insert(table, { name: 'taken', id: 'not a number' }));
    expect(store.isRowError(error)).toBe(true);
  });

  it('an SQL error (a missing table) is not a row error', async () => {
    expect(store.isRowError(await refusal(knex.raw(`select * from ${table}_missing`)))).toBe(false);
  });

  it('a deadlock, a serialization failure, a lock-wait timeout or a busy database is not a row error', () => {
    for (const code of ['40P01', '40001', '55P03', '57014', '57P01', 'SQLITE_BUSY', 'ECONNRESET']) {
      expect(store.isRowError(Object.assign(new Error(code), { code }))).toBe(false);
    }
    for (const errno of [1205, 1213, 2013, 1927]) {
      expect(store.isRowError(Object.assign(new Error(String(errno)), { errno }))).toBe(false);
    }
    expect(store.isRowError(undefined)).toBe(false);
  });

  it.skipIf(database.name === 'pglite')(
    'a lock that cannot be taken in time is not a row error',
    async () => {
      const holder = database.name === 'sqlite' ? await database.connect() : knex;
      const waiter = database.name === 'sqlite' ? knex : holder;
      const holding = await holder.transaction();
      try {
        // Holds the row lock (SQLite: the database's write lock).
        await holding(table).where({ name: 'taken' }).update({ name: 'held' });
        const error = await refusal(
          waiter.transaction(async (trx) => {
            if (database.name === 'postgresql') await trx.raw("SET LOCAL lock_timeout = '50ms'");
            if (database.name === 'mysql') await trx.raw('SET SESSION innodb_lock_wait_timeout = 1');
            await trx(table).where({ name: 'taken' }).update({ name: 'waited' });
          }),
        );
        expect(store.isRowError(error)).toBe(false);
      } finally {
        await holding.rollback().catch(() => {});
        if (holder !== knex) await holder.destroy();
      }
    },
  );
});
