import type { WhereNode } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

const eq = (field: string, value: unknown): WhereNode => ({ kind: 'lookup', field, lookup: 'exact', value });
const and = (...children: WhereNode[]): WhereNode => ({ kind: 'and', children });
const or = (...children: WhereNode[]): WhereNode => ({ kind: 'or', children });
const not = (child: WhereNode): WhereNode => ({ kind: 'not', child });

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const organisations = uniqueTableName('rel_org');
  const contacts = uniqueTableName('rel_contact');
  const queries: string[] = [];
  /** A condition on the contact's organisation, as `buildWhere` makes it. */
  const organisation = (where: WhereNode): WhereNode => ({
    kind: 'related',
    field: 'organisationId',
    relation: 'organisation',
    table: organisations,
    where,
  });
  /** A condition on an organisation's parent. */
  const parent = (where: WhereNode): WhereNode => ({
    kind: 'related',
    field: 'parentId',
    relation: 'parent',
    table: organisations,
    where,
  });

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, organisations, (builder) => {
      builder.string('name').nullable();
      builder.boolean('active').notNullable().defaultTo(false);
      builder.datetime('founded', { useTz: true, precision: 3 }).nullable();
      builder.integer('parent_id').unsigned().nullable();
    });
    await createSyncedTable(knex, contacts, (builder) => {
      builder.string('last_name').notNullable();
      builder.integer('organisation_id').unsigned().nullable();
    });
    store = knexStore(knex);
    const holding = await store.insert(organisations, { name: 'Holding', active: true });
    const [acme, acmeUk, other, unnamed] = await store.bulkInsert(organisations, [
      { name: 'Acme', active: true, founded: new Date('2001-02-03T04:05:06.789Z'), parentId: holding.id },
      { name: 'ACME UK', active: false, parentId: holding.id },
      { name: 'Other', active: false },
      { name: null, active: true },
    ]);
    await store.bulkInsert(contacts, [
      { lastName: 'Smith', organisationId: acme?.id },
      { lastName: 'Jones', organisationId: acme?.id },
      { lastName: 'Brown', organisationId: acmeUk?.id },
      { lastName: 'Green', organisationId: other?.id },
      { lastName: 'White', organisationId: unnamed?.id },
      { lastName: 'Solo', organisationId: null },
    ]);
    knex.on('query', (query: { sql: string }) => queries.push(query.sql));
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(contacts);
    await knex?.schema.dropTableIfExists(organisations);
    await knex?.destroy();
  });

  async function find(where: WhereNode): Promise<string[]> {
    const rows = await store.find(contacts, { where, fields: ['lastName'] });
    return rows.map((row) => String(row.lastName)).sort();
  }

  it('filters by a related field, with a subquery (no duplicate rows)', async () => {
    const icontains: WhereNode = { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acme' };
    expect(await find(organisation(icontains))).toEqual(['Brown', 'Jones', 'Smith']);
    expect(queries.at(-1)).toMatch(/ IN \(SELECT .* FROM .* WHERE /i);
    expect(await store.count(contacts, organisation(eq('name', 'Acme')))).toBe(2);
    expect(await store.exists(contacts, organisation(eq('name', 'Nobody')))).toBe(false);
  });

  it('normalises related values like any other (booleans, date-times)', async () => {
    expect(await find(organisation(eq('active', true)))).toEqual(['Jones', 'Smith', 'White']);
    expect(await find(organisation(eq('founded', new Date('2001-02-03T04:05:06.789Z'))))).toEqual([
      'Jones',
      'Smith',
    ]);
  });

  it('nests across two relations', async () => {
    expect(await find(organisation(parent(eq('name', 'Holding'))))).toEqual(['Brown', 'Jones', 'Smith']);
    expect(await find(organisation(and(eq('active', false), parent(eq('name', 'Holding')))))).toEqual([
      'Brown',
    ]);
  });

  it('combines with and/or/not', async () => {
    expect(await find(or(organisation(eq('name', 'Other')), eq('lastName', 'Solo')))).toEqual([
      'Green',
      'Solo',
    ]);
    expect(await find(and(organisation(eq('active', true)), not(eq('lastName', 'Smith'))))).toEqual([
      'Jones',
      'White',
    ]);
    expect(await find(organisation(not(eq('name', 'Acme'))))).toEqual(['Brown', 'Green', 'White']);
  });

  it('exclude keeps rows whose foreign key is NULL (as Django)', async () => {
    expect(await find(not(organisation(eq('name', 'Acme'))))).toEqual(['Brown', 'Green', 'Solo', 'White']);
    // A related row whose field is NULL does not match, so its contacts are kept too.
    expect(
      await find(not(organisation({ kind: 'lookup', field: 'name', lookup: 'icontains', value: 'a' }))),
    ).toEqual(['Green', 'Solo', 'White']);
  });

  it('updates and deletes by a related condition (a self-referential one too)', async () => {
    await store
      .transaction(async () => {
        expect(await store.update(organisations, parent(eq('name', 'Holding')), { active: false })).toBe(2);
        expect(await store.delete(contacts, organisation(eq('name', 'Other')))).toBe(1);
        expect(await find(eq('lastName', 'Green'))).toEqual([]);
        throw new Error('roll back');
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.message !== 'roll back') throw error;
      });
    expect(await find(organisation(eq('name', 'Other')))).toEqual(['Green']);
  });

  it('an unknown related field is a FieldError, before any SQL', async () => {
    const before = queries.length;
    await expect(find(organisation(eq('nmae', 'Acme')))).rejects.toMatchObject({
      code: 'FIELD_ERROR',
      message: expect.stringContaining('Unknown field "nmae"'),
    });
    expect(queries.length).toBe(before);
  });
});
