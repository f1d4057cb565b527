import { CdmsClient } from '@cdms-sync/cdms-client';
import { ConflictError } from '@cdms-sync/core';
import { openPglite } from '@cdms-sync/knex';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SELECT,
  account,
  BASE_URL,
  createTables,
  openFixture,
  page,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const GUID2 = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const ONE = `${ROOT}/AccountSet(guid'${GUID}')`;
const SERVER_ERROR = { error: { code: '', message: { lang: 'en-US', value: 'CRM fault' } } };

const f = useSyncFixture();

async function localCounts() {
  const [organisations] = await f.knex('organisation').count({ n: '*' });
  const [history] = await f.knex('cdms_sync_history').count({ n: '*' });
  return { organisations: Number(organisations?.n), history: Number(history?.n) };
}

async function insertAcme() {
  await f.knex('organisation').insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1 });
  const [acme] = await f.Organisation.objects.skipCdms().all();
  if (!acme) throw new Error('no row');
  return acme;
}

function replyCreated(name: string) {
  f.cdms.post(`${ROOT}/AccountSet`).reply(201, (_uri, body) => ({
    d: account({ id: (body as { AccountId: string }).AccountId, name, created: T1, modified: T1 }),
  }));
}

describe('CDMS failures roll everything back', () => {
  it('500 on create: typed error, no row, no history', async () => {
    f.cdms.post(`${ROOT}/AccountSet`).reply(500, SERVER_ERROR);
    await expect(f.Organisation.objects.create({ name: 'Acme' })).rejects.toMatchObject({
      code: 'CDMS_SERVER_ERROR',
    });
    expect(f.requests).toHaveLength(1);
    expect(await localCounts()).toEqual({ organisations: 0, history: 0 });
  });

  it('500 on save: local row unchanged, no history', async () => {
    const acme = await insertAcme();
    f.cdms.post(ONE).reply(500, SERVER_ERROR);
    acme.name = 'Changed';
    await expect(acme.save()).rejects.toMatchObject({ code: 'CDMS_SERVER_ERROR' });
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Acme' });
    expect(await localCounts()).toEqual({ organisations: 1, history: 0 });
  });

  it('500 on delete: the row stays, no history', async () => {
    const acme = await insertAcme();
    f.cdms.delete(ONE).reply(500, SERVER_ERROR);
    await expect(acme.delete()).rejects.toMatchObject({ code: 'CDMS_SERVER_ERROR' });
    expect(await localCounts()).toEqual({ organisations: 1, history: 0 });
  });

  it('bulkCreate: a failure on the second POST leaves nothing behind', async () => {
    replyCreated('A');
    f.cdms.post(`${ROOT}/AccountSet`).reply(500, SERVER_ERROR);
    await expect(f.Organisation.objects.bulkCreate([{ name: 'A' }, { name: 'B' }])).rejects.toMatchObject({
      code: 'CDMS_SERVER_ERROR',
    });
    expect(f.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(await localCounts()).toEqual({ organisations: 0, history: 0 });
  });
});

describe('writes', () => {
  it('new Model(values).save() creates with one POST', async () => {
    replyCreated('Acme');
    const acme = new f.Organisation({ name: 'Acme' });
    await acme.save();
    expect(f.requests).toEqual([
      { method: 'POST', url: `${ROOT}/AccountSet`, body: { AccountId: acme.cdmsPk, Name: 'Acme' } },
    ]);
    expect(acme.id).toBeTypeOf('number');
    expect(acme.created).toEqual(T1);
  });

  it('delete: a CDMS 404 counts as already deleted', async () => {
    const acme = await insertAcme();
    f.cdms.delete(ONE).reply(404, {});
    await acme.delete();
    expect(await localCounts()).toEqual({ organisations: 0, history: 1 });
  });

  it('save({ detectConflicts: true }): GET first, ConflictError when CDMS changed, nothing sent or written', async () => {
    const acme = await insertAcme();
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: { ModifiedOn: `/Date(${T2.getTime()})/` } });
    acme.name = 'Mine';
    await expect(acme.save({ detectConflicts: true })).rejects.toBeInstanceOf(ConflictError);
    expect(f.requests).toEqual([{ method: 'GET', url: `${ONE}?$select=ModifiedOn,VersionNumber` }]);
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Acme' });
  });

  it('queryset update(): list, then MERGE + GET per row, in one transaction', async () => {
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'A', modified: T1 }),
          account({ id: GUID2, name: 'B', modified: T1 }),
        ]),
      );
    for (const id of [GUID, GUID2]) {
      f.cdms.post(`${ROOT}/AccountSet(guid'${id}')`).reply(204);
      f.cdms
        .get(`${ROOT}/AccountSet(guid'${id}')`)
        .query(true)
        .reply(200, { d: account({ id, name: id === GUID ? 'A' : 'B', uk: true, modified: T2 }) });
    }
    const changed = await f.sync.runAs({ user: 'bob', comment: 'mark UK' }, () =>
      f.Organisation.objects.orderBy('name').update({ ukOrganisation: true }),
    );
    expect(changed).toBe(2);
    expect(f.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${ROOT}/AccountSet?$select=${ACCOUNT_SELECT}&$orderby=Name asc`,
      `MERGE ${ROOT}/AccountSet(guid'${GUID}')`,
      `GET ${ROOT}/AccountSet(guid'${GUID}')?$select=${ACCOUNT_SELECT}`,
      `MERGE ${ROOT}/AccountSet(guid'${GUID2}')`,
      `GET ${ROOT}/AccountSet(guid'${GUID2}')?$select=${ACCOUNT_SELECT}`,
    ]);
    // Only the given mapped field is MERGEd.
    expect(f.requests[1]?.body).toEqual({ optevia_ukorganisation: true });
    expect(await f.knex('organisation').where({ uk_organisation: true }).count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
    const history = await f.sync.history(f.Organisation);
    expect(history.filter((entry) => entry.kind === 'local')).toMatchObject([
      { user: 'bob', comment: 'mark UK' },
      { user: 'bob', comment: 'mark UK' },
    ]);
  });

  it('queryset delete(): list, then one DELETE per row', async () => {
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: GUID, name: 'A', modified: T1 })]));
    f.cdms.delete(ONE).reply(204);
    expect(await f.Organisation.objects.filter({ name__startswith: 'A' }).delete()).toBe(1);
    expect(f.requests.map((r) => r.method)).toEqual(['GET', 'DELETE']);
    expect(await localCounts()).toEqual({ organisations: 0, history: 2 });
  });

  it('getOrCreate(): get decides locally, then POST when absent; second call finds it', async () => {
    replyCreated('Acme');
    const [acme, created] = await f.Organisation.objects.getOrCreate(
      { name: 'Acme' },
      { ukOrganisation: true },
    );
    expect(created).toBe(true);
    expect(f.requests).toEqual([
      {
        method: 'POST',
        url: `${ROOT}/AccountSet`,
        body: { AccountId: acme.cdmsPk, Name: 'Acme', optevia_ukorganisation: true },
      },
    ]);
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${acme.cdmsPk}')`)
      .query(true)
      .reply(200, {
        d: account({ id: acme.cdmsPk as string, name: 'Acme', modified: T1 }),
      });
    const [again, createdAgain] = await f.Organisation.objects.getOrCreate({ name: 'Acme' });
    expect([again.id, createdAgain]).toEqual([acme.id, false]);
  });

  it('updateOrCreate(): get, then MERGE + GET', async () => {
    await insertAcme();
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme', modified: T1 }) });
    f.cdms.post(ONE).reply(204);
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme', uk: true, modified: T2 }) });
    const [acme, created] = await f.Organisation.objects.updateOrCreate(
      { name: 'Acme' },
      { ukOrganisation: true },
    );
    expect(created).toBe(false);
    expect(acme.ukOrganisation).toBe(true);
    expect(f.requests.map((r) => r.method)).toEqual(['GET', 'MERGE', 'GET']);
  });
});

describe('context', () => {
  it('runAs contexts of two Syncs do not see each other; runAs({ cdms }) uses that client', async () => {
    const otherKnex = await openPglite();
    await createTables(otherKnex);
    const other = await openFixture({ knex: otherKnex });
    try {
      replyCreated('Acme');
      const alice = await f.sync.runAs({ user: 'alice' }, () =>
        other.sync.runAs({ user: 'mallory' }, () => f.Organisation.objects.create({ name: 'Acme' })),
      );
      expect(await f.sync.history(alice)).toMatchObject([{ user: 'alice' }]);

      const seen: string[] = [];
      const perUser = new CdmsClient({ baseUrl: BASE_URL, retries: false });
      perUser.on('request', (event) => seen.push(event.method));
      replyCreated('Bravo');
      await f.sync.runAs({ user: 'bob', cdms: perUser }, () =>
        f.Organisation.objects.create({ name: 'Bravo' }),
      );
      expect(seen).toEqual(['POST']);
    } finally {
      await other.knex.destroy();
    }
  });
});
