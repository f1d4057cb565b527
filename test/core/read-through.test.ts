import { CdmsClient } from '@cdms-sync/cdms-client';
import {
  DoesNotExistError,
  type LocalStore,
  MultipleObjectsReturnedError,
  ObjectsNotInSyncError,
} from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { describe, expect, it } from 'vitest';
import { delegatingStore } from './support/delegating-store';
import {
  ACCOUNT_SELECT,
  account,
  BASE_URL,
  CDMS_ORIGIN,
  page,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const GUID2 = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const T3 = new Date('2016-04-01T08:00:00Z');
const ONE = `${ROOT}/AccountSet(guid'${GUID}')`;
const ONE_SELECT = `${ONE}?$select=${ACCOUNT_SELECT}`;

const f = useSyncFixture();

/** A second CDMS client (another user's): its reads are never merged with the default client's. */
const otherClient = () => new CdmsClient({ baseUrl: BASE_URL, retries: false });

async function insertAcme(modified: Date, values: Record<string, unknown> = {}) {
  const [row] = await f
    .knex('organisation')
    .insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified, ...values })
    .returning('*');
  return row as { id: number };
}

describe('get()', () => {
  it('CDMS newer: one GET, refresh through upsertIfNewer, history cdms-refresh', async () => {
    const { id } = await insertAcme(T1, { notes: 'local only' });
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme Ltd', uk: true, modified: T2 }) });
    const acme = await f.Organisation.objects.get({ id });
    expect(f.requests).toEqual([{ method: 'GET', url: ONE_SELECT }]);
    expect(acme).toMatchObject({
      id,
      name: 'Acme Ltd',
      ukOrganisation: true,
      notes: 'local only',
      modified: T2,
    });
    expect(await f.sync.history(acme)).toMatchObject([
      { kind: 'cdms-refresh', user: 'cdms', comment: 'CDMS refresh', data: { name: 'Acme Ltd' } },
    ]);
  });

  it('local newer: ObjectsNotInSyncError, local row unchanged, no history', async () => {
    const { id } = await insertAcme(T2);
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Old', modified: T1 }) });
    await expect(f.Organisation.objects.get({ id })).rejects.toBeInstanceOf(ObjectsNotInSyncError);
    expect(f.requests).toHaveLength(1);
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Acme' });
    expect(await f.sync.history(f.Organisation)).toEqual([]);
  });

  it('CDMS 404 for an existing local row: the stale row is deleted (history delete), DoesNotExistError (cause CdmsNotFoundError)', async () => {
    const { id } = await insertAcme(T1, { notes: 'local only' });
    f.cdms
      .get(ONE)
      .query(true)
      .reply(404, { error: { code: '', message: { lang: 'en-US', value: 'Not found' } } });
    const error = await f.sync
      .runAs({ user: 'alice', comment: 'lookup' }, () => f.Organisation.objects.get({ id }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DoesNotExistError);
    expect((error as Error).cause).toMatchObject({ code: 'CDMS_NOT_FOUND' });
    expect(f.requests).toEqual([{ method: 'GET', url: ONE_SELECT }]);
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 0 }]);
    // Deleted by CDMS, not by the acting user.
    expect(await f.sync.history(f.Organisation, id)).toMatchObject([
      {
        kind: 'delete',
        rowId: id,
        cdmsPk: GUID,
        user: 'cdms',
        comment: 'Deleted in CDMS',
        data: { name: 'Acme', notes: 'local only' },
      },
    ]);
  });

  it('DoesNotExist and MultipleObjectsReturned are decided locally, without a request', async () => {
    await expect(f.Organisation.objects.get({ name: 'Nobody' })).rejects.toBeInstanceOf(DoesNotExistError);
    await f.knex('organisation').insert([
      { name: 'Twin', cdms_pk: GUID, modified: T1 },
      { name: 'Twin', cdms_pk: GUID2, modified: T1 },
    ]);
    await expect(f.Organisation.objects.get({ name: 'Twin' })).rejects.toBeInstanceOf(
      MultipleObjectsReturnedError,
    );
    expect(f.requests).toEqual([]);
  });

  it('get({ cdmsPk }) without a local row imports the record with one GET', async () => {
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme', modified: T1 }) });
    const acme = await f.Organisation.objects.get({ cdmsPk: GUID });
    expect(f.requests).toEqual([{ method: 'GET', url: ONE_SELECT }]);
    expect(acme).toMatchObject({ name: 'Acme', cdmsPk: GUID, modified: T1 });
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await f.sync.history(acme)).toMatchObject([{ kind: 'cdms-refresh' }]);
  });

  it('get({ cdmsPk }) with CDMS 404: DoesNotExistError, nothing written', async () => {
    f.cdms.get(ONE).query(true).reply(404, {});
    await expect(f.Organisation.objects.get({ cdmsPk: GUID })).rejects.toBeInstanceOf(DoesNotExistError);
    expect(f.requests).toHaveLength(1);
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await f.knex('cdms_sync_history').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('two concurrent refreshes of the same record both succeed: one row, newest data', async () => {
    const { id } = await insertAcme(T1);
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Second', modified: T2 }) });
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Third', modified: T3 }) });
    // Two users (two clients): identical reads of one identity would share one GET (single-flight).
    const results = await Promise.all([
      f.Organisation.objects.get({ id }),
      f.sync.runAs({ user: 'bob', cdms: otherClient() }, () => f.Organisation.objects.get({ id })),
    ]);
    expect(results).toHaveLength(2);
    const rows = await f.knex('organisation').select('*');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Third' });
    expect(new Date(rows[0].modified)).toEqual(T3);
  });

  it('two concurrent list syncs importing the same new record: one row, newest data', async () => {
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: GUID, name: 'Old', modified: T2 })]));
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: GUID, name: 'New', modified: T3 })]));
    await Promise.all([
      f.Organisation.objects.all(),
      f.sync.runAs({ user: 'bob', cdms: otherClient() }, async () => await f.Organisation.objects.all()),
    ]);
    const rows = await f.knex('organisation').select('*');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'New' });
  });
});

describe('filter(), iteration, count(), exists(), first(), last(), values()', () => {
  const LIST = `${ROOT}/AccountSet`;

  it('escapes quotes in every literal', async () => {
    f.cdms.get(LIST).query(true).reply(200, page([]));
    await f.Organisation.objects.filter({ name: "O'Neil" }).filter({ name__startswith: "x' or 1 eq 1" });
    expect(f.requests.map((r) => r.url)).toEqual([
      `${LIST}?$filter=Name eq 'O''Neil' and startswith(Name,'x'' or 1 eq 1')&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`,
    ]);
  });

  it('follows __next across 3 pages, one upsert per page, no per-row requests', async () => {
    const next2 = `${CDMS_ORIGIN}${ROOT}/AccountSet?$skiptoken=2`;
    const next3 = `${CDMS_ORIGIN}${ROOT}/AccountSet?$skiptoken=3`;
    f.cdms
      .get(LIST)
      .query((query) => query.$skiptoken === undefined)
      .reply(200, page([account({ id: GUID, name: 'A', modified: T1 })], next2));
    f.cdms
      .get(LIST)
      .query({ $skiptoken: '2' })
      .reply(200, page([account({ id: GUID2, name: 'B', modified: T1 })], next3));
    f.cdms
      .get(LIST)
      .query({ $skiptoken: '3' })
      .reply(200, page([account({ id: '9c6a36b1-d2da-4c33-8c34-222f5c344dab', name: 'C', modified: T1 })]));
    const all = [];
    for await (const organisation of f.Organisation.objects.orderBy('name')) all.push(organisation.name);
    expect(all).toEqual(['A', 'B', 'C']);
    expect(f.requests.map((r) => r.url)).toEqual([
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name asc`,
      `${LIST}?$skiptoken=2`,
      `${LIST}?$skiptoken=3`,
    ]);
    expect(await f.sync.history(f.Organisation)).toHaveLength(3);
  });

  it('stops following pages at syncPageLimit', async () => {
    await f.reopen({ syncPageLimit: 1 });
    f.cdms
      .get(LIST)
      .query(true)
      .reply(
        200,
        page(
          [account({ id: GUID, name: 'A', modified: T1 })],
          `${CDMS_ORIGIN}${ROOT}/AccountSet?$skiptoken=2`,
        ),
      );
    expect(await f.Organisation.objects.count()).toBe(1);
    expect(f.requests).toHaveLength(1);
  });

  it('a slice maps to $top/$skip and to LIMIT/OFFSET', async () => {
    f.cdms
      .get(LIST)
      .query(true)
      .reply(200, page([account({ id: GUID2, name: 'B', modified: T2 })]));
    await f.knex('organisation').insert({ name: 'A', cdms_pk: GUID, modified: T1 });
    const second = await f.Organisation.objects.orderBy('name').slice(1, 2);
    expect(f.requests.map((r) => r.url)).toEqual([
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name asc&$top=1&$skip=1`,
    ]);
    expect(second.map((o) => o.name)).toEqual(['B']);
  });

  it('none() and a filter that matches nothing make no request', async () => {
    expect(await f.Organisation.objects.none()).toEqual([]);
    expect(await f.Organisation.objects.none().count()).toBe(0);
    expect(await f.Organisation.objects.filter({ name__in: [] })).toEqual([]);
    expect(await f.Organisation.objects.filter({ name__in: [] }).exists()).toBe(false);
    expect(await f.Organisation.objects.slice(3, 3).exists()).toBe(false);
    expect(f.requests).toEqual([]);
  });

  it('count(), exists(), first(), last(), values(), valuesList() sync first, then answer locally', async () => {
    const rows = page([
      account({ id: GUID, name: 'A', modified: T1 }),
      account({ id: GUID2, name: 'B', modified: T2 }),
    ]);
    for (let index = 0; index < 6; index += 1) f.cdms.get(LIST).query(true).reply(200, rows);
    expect(await f.Organisation.objects.count()).toBe(2);
    expect(await f.Organisation.objects.filter({ name: 'A' }).exists()).toBe(true);
    expect((await f.Organisation.objects.first())?.name).toBe('A');
    expect((await f.Organisation.objects.last())?.name).toBe('B');
    expect(await f.Organisation.objects.orderBy('-name').values('name')).toEqual([
      { name: 'B' },
      { name: 'A' },
    ]);
    expect(await f.Organisation.objects.orderBy('name').valuesList('name', { flat: true })).toEqual([
      'A',
      'B',
    ]);
    expect(f.requests.map((r) => r.url)).toEqual([
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`,
      // CDMS compares text case-insensitively: a superset, so no $top (the local store decides).
      `${LIST}?$filter=Name eq 'A'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`,
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc&$top=1`,
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn desc&$top=1`,
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name desc`,
      `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name asc`,
    ]);
    // The same two rows were listed six times: inserted once each, never refreshed again.
    expect(await f.sync.history(f.Organisation)).toHaveLength(2);
  });
});

describe('importing a page of CDMS rows', () => {
  it('writes the history of a page with one multi-row insert, not one INSERT per row', async () => {
    const writes: string[] = [];
    const base = knexStore(f.knex);
    const store: LocalStore = {
      ...delegatingStore(base),
      insert: (table, row) => {
        writes.push(`insert ${table}`);
        return base.insert(table, row);
      },
      bulkInsert: (table, rows) => {
        writes.push(`bulkInsert ${table} x${rows.length}`);
        return base.bulkInsert(table, rows);
      },
    };
    await f.reopen({ store });
    const GUID3 = '9c6a36b1-d2da-4c33-8c34-222f5c344dab';
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'A', modified: T1 }),
          account({ id: GUID2, name: 'B', modified: T2 }),
          account({ id: GUID3, name: 'C', modified: T3 }),
        ]),
      );
    const organisations = await f.Organisation.objects.orderBy('name');
    expect(organisations.map((organisation) => organisation.name)).toEqual(['A', 'B', 'C']);
    expect(writes).toEqual(['bulkInsert cdms_sync_history x3']);
    const history = await f.sync.history(f.Organisation);
    expect(history.map((entry) => [entry.rowId, entry.cdmsPk, entry.kind, entry.user]).sort()).toEqual(
      organisations
        .map((organisation) => [organisation.id, organisation.cdmsPk, 'cdms-refresh', 'cdms'])
        .sort(),
    );
    expect(history.map((entry) => entry.data.name).sort()).toEqual(['A', 'B', 'C']);
  });
});
