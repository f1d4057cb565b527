import { describe, expect, it } from 'vitest';
import { ACCOUNT_SELECT, account, page, ROOT, useSyncFixture } from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');

const f = useSyncFixture();

describe('vertical slice: create, get, filter, save, delete', () => {
  it('create: local INSERT + one POST with a client-generated AccountId, stores CreatedOn/ModifiedOn, history local', async () => {
    let sentId = '';
    f.cdms.post(`${ROOT}/AccountSet`).reply(201, (_uri, body) => {
      sentId = (body as { AccountId: string }).AccountId;
      return { d: account({ id: sentId, name: 'Acme', uk: true, created: T1, modified: T1 }) };
    });
    const acme = await f.sync.runAs({ user: 'alice', comment: 'import' }, () =>
      f.Organisation.objects.create({ name: 'Acme', ukOrganisation: true }),
    );
    expect(f.requests).toEqual([
      {
        method: 'POST',
        url: `${ROOT}/AccountSet`,
        body: { AccountId: sentId, Name: 'Acme', optevia_ukorganisation: true },
      },
    ]);
    expect(acme.cdmsPk).toBe(sentId);
    expect(acme.modified).toEqual(T1);
    const rows = await f.knex('organisation').select('*');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Acme', uk_organisation: true, cdms_pk: sentId });
    expect(new Date(rows[0].modified)).toEqual(T1);
    const history = await f.sync.history(acme);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      kind: 'local',
      user: 'alice',
      comment: 'import',
      cdmsPk: sentId,
      rowId: acme.id,
    });
    expect(history[0]?.data).toMatchObject({ name: 'Acme', ukOrganisation: true });
  });

  it('get: in sync -> one GET with $select, nothing written', async () => {
    const [id] = await f
      .knex('organisation')
      .insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1 })
      .returning('id');
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${GUID}')`)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme', modified: T1 }) });
    const acme = await f.Organisation.objects.get({ name: 'Acme' });
    expect(acme.id).toBe(id.id);
    expect(f.requests).toEqual([
      { method: 'GET', url: `${ROOT}/AccountSet(guid'${GUID}')?$select=${ACCOUNT_SELECT}` },
    ]);
    expect(await f.sync.history(acme)).toEqual([]);
  });

  it('filter: one list request with $filter/$orderby/$select, upsert, then local answer', async () => {
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: GUID, name: "O'Neil Ltd", modified: T2 })]));
    const found = await f.Organisation.objects.filter({ name__icontains: "o'neil" }).orderBy('-modified');
    expect(f.requests).toEqual([
      {
        method: 'GET',
        url: `${ROOT}/AccountSet?$filter=substringof('o''neil',Name)&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn desc`,
      },
    ]);
    expect(found.map((o) => o.name)).toEqual(["O'Neil Ltd"]);
    const history = await f.sync.history(f.Organisation);
    expect(history).toMatchObject([
      { kind: 'cdms-refresh', user: 'cdms', comment: 'CDMS refresh', cdmsPk: GUID },
    ]);
  });

  it('save: MERGE of the changed mapped fields + GET of the mapped attributes, local update, history', async () => {
    await f
      .knex('organisation')
      .insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1, notes: 'local' });
    const [acme] = await f.Organisation.objects.skipCdms().filter({ name: 'Acme' });
    if (!acme) throw new Error('missing');
    f.cdms.post(`${ROOT}/AccountSet(guid'${GUID}')`).reply(204);
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${GUID}')`)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Acme Ltd', modified: T2 }) });
    acme.name = 'Acme Ltd';
    acme.notes = 'changed';
    await acme.save();
    expect(f.requests).toEqual([
      {
        method: 'MERGE',
        url: `${ROOT}/AccountSet(guid'${GUID}')`,
        body: { Name: 'Acme Ltd' },
      },
      { method: 'GET', url: `${ROOT}/AccountSet(guid'${GUID}')?$select=${ACCOUNT_SELECT}` },
    ]);
    const row = await f.knex('organisation').first();
    expect(row).toMatchObject({ name: 'Acme Ltd', notes: 'changed' });
    expect(new Date(row.modified)).toEqual(T2);
    expect(acme.modified).toEqual(T2);
    expect(await f.sync.history(acme)).toMatchObject([
      { kind: 'local', user: null, data: { name: 'Acme Ltd' } },
    ]);
  });

  it('delete: CDMS DELETE + local DELETE, history delete', async () => {
    await f.knex('organisation').insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1 });
    const [acme] = await f.Organisation.objects.skipCdms().all();
    if (!acme) throw new Error('missing');
    f.cdms.delete(`${ROOT}/AccountSet(guid'${GUID}')`).reply(204);
    await acme.delete();
    expect(f.requests).toEqual([{ method: 'DELETE', url: `${ROOT}/AccountSet(guid'${GUID}')` }]);
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await f.sync.history(f.Organisation, acme.id)).toMatchObject([
      { kind: 'delete', data: { name: 'Acme' } },
    ]);
  });
});
