import { createSync, fields, type Manager, Migrator, NotSupportedError, SyncedModel } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createHistoryTable } from '../schema/history-table';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';
import { unusedCdms } from './unused-cdms';

const databases = await testDatabases();

const CREATED = new Date('2024-01-02T03:04:05.678Z');
const MODIFIED = new Date('2024-06-01T12:00:00.500Z');

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const calls: string[] = [];
  const table = uniqueTableName('raw_load');
  const history = uniqueTableName('raw_load_history');

  class OrganisationMigrator extends Migrator {
    service = 'Account';
    fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
  }
  class Organisation extends SyncedModel {
    static override table = table;
    static override migrator: Migrator = new OrganisationMigrator();
    declare static objects: Manager<Organisation>;
    declare name: string;
    declare ukOrganisation: boolean;
    declare notes: string | null;
  }

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('name').notNullable().defaultTo('');
      builder.boolean('uk_organisation').notNullable().defaultTo(false);
      builder.text('notes').nullable();
    });
    await createHistoryTable(knex, { tableName: history });
    store = knexStore(knex);
    createSync({ store, cdms: unusedCdms(calls), historyTable: history }).register(Organisation);
  });

  beforeEach(async () => {
    await knex(table).delete();
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.schema.dropTableIfExists(history);
    await knex?.destroy();
  });

  async function seed(): Promise<void> {
    await store.bulkInsert(table, [
      {
        name: 'Acme',
        ukOrganisation: true,
        notes: 'keep',
        cdmsPk: null,
        created: CREATED,
        modified: MODIFIED,
      },
      {
        name: "O'Neil",
        ukOrganisation: false,
        notes: null,
        cdmsPk: null,
        created: CREATED,
        modified: CREATED,
      },
    ]);
  }

  it('store.raw binds values and decodes the named table as find does', async () => {
    await seed();
    const rows = await store.raw(
      `select * from ${table} where name = ? and uk_organisation = ? and modified >= ?`,
      ['Acme', true, MODIFIED],
      { table },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        name: 'Acme',
        ukOrganisation: true,
        notes: 'keep',
        cdmsPk: null,
        created: CREATED,
        modified: MODIFIED,
      }),
    ]);
    expect(typeof rows[0]?.id).toBe('number');
    // A binding is never interpolated: a quote in it is just data.
    expect(await store.raw(`select name from ${table} where name = ?`, ["O'Neil"])).toEqual([
      { name: "O'Neil" },
    ]);
    expect(await store.raw(`select name from ${table} where name = ?`, ["x' or '1'='1"])).toEqual([]);
    expect(await store.raw(`update ${table} set notes = ? where name = ?`, ['n', "O'Neil"])).toEqual([]);
  });

  it('store.raw joins the current transaction', async () => {
    await seed();
    await expect(
      store.transaction(async () => {
        await store.raw(`update ${table} set notes = ? where name = ?`, ['rolled back', 'Acme']);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const [acme] = await store.find(table, {
      where: { kind: 'lookup', field: 'name', lookup: 'exact', value: 'Acme' },
    });
    expect(acme?.notes).toBe('keep');
  });

  it('QuerySet.raw() needs skipCdms; only()/defer() narrow the objects and save() keeps the rest', async () => {
    await seed();
    await expect(Organisation.objects.raw(`select * from ${table}`)).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    const [acme] = await Organisation.objects
      .skipCdms()
      .raw(`select * from ${table} where name = ?`, ['Acme']);
    expect(acme).toBeInstanceOf(Organisation);
    expect(acme).toMatchObject({ name: 'Acme', ukOrganisation: true, created: CREATED, modified: MODIFIED });

    const [narrowed] = await Organisation.objects.skipCdms().filter({ name: 'Acme' }).only('name');
    expect(Object.keys(narrowed ?? {}).sort()).toEqual(['cdmsPk', 'cdmsVersion', 'id', 'modified', 'name']);
    if (!narrowed) throw new Error('no row');
    narrowed.name = 'Acme Ltd';
    await narrowed.save({ skipCdms: true });
    const [deferred] = await Organisation.objects.skipCdms().filter({ name: 'Acme Ltd' }).defer('notes');
    expect(deferred?.notes).toBeUndefined();
    expect(deferred?.ukOrganisation).toBe(true);
    expect(await knex(table).where({ name: 'Acme Ltd' }).first()).toMatchObject({ notes: 'keep' });
    expect(calls).toEqual([]);
  });
});
