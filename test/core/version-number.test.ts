/**
 * The optional `cdms_version` column: CDMS `VersionNumber` is kept there, and a record whose
 * `ModifiedOn` equals the local `modified` (two writes within one second) but whose `VersionNumber`
 * is greater is refreshed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_SELECT, account, page, ROOT, useSyncFixture } from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const ONE = `${ROOT}/AccountSet(guid'${GUID}')`;
const SELECT = ACCOUNT_SELECT;

const f = useSyncFixture();
beforeEach(async () => {
  await f.knex('organisation').insert({
    name: 'Acme',
    cdms_pk: GUID,
    created: T1,
    modified: T1,
    cdms_version: 100,
  });
});

/** A CDMS Account with its VersionNumber (CRM sends the Int64 as text). */
function versioned(name: string, modified: Date, version: string) {
  return { ...account({ id: GUID, name, modified }), VersionNumber: version };
}

async function stored() {
  const row = await f.knex('organisation').first('name', 'modified', 'cdms_version');
  return { ...row, cdms_version: String(row?.cdms_version) };
}

describe('VersionNumber', () => {
  it('get(): ModifiedOn equal, VersionNumber greater -> refresh, history cdms-refresh', async () => {
    f.cdms.get(`${ONE}?$select=${SELECT}`).reply(200, { d: versioned('Acme Ltd', T1, '101') });
    const acme = await f.Organisation.objects.get({ cdmsPk: GUID });
    expect(f.requests).toEqual([{ method: 'GET', url: `${ONE}?$select=${SELECT}` }]);
    expect(acme.name).toBe('Acme Ltd');
    expect(await stored()).toEqual({ name: 'Acme Ltd', modified: T1, cdms_version: '101' });
    expect(await f.sync.history(acme)).toMatchObject([{ kind: 'cdms-refresh', data: { name: 'Acme Ltd' } }]);
  });

  it('get(): the same VersionNumber -> in sync, nothing written', async () => {
    f.cdms.get(`${ONE}?$select=${SELECT}`).reply(200, { d: versioned('Other', T1, '100') });
    expect((await f.Organisation.objects.get({ cdmsPk: GUID })).name).toBe('Acme');
    expect(await stored()).toEqual({ name: 'Acme', modified: T1, cdms_version: '100' });
    expect(await f.sync.history(f.Organisation)).toEqual([]);
  });

  it('list sync: an equal ModifiedOn with a greater VersionNumber is refreshed too', async () => {
    const url = `${ROOT}/AccountSet?$select=${SELECT}&$orderby=ModifiedOn asc`;
    f.cdms.get(url).reply(200, page([versioned('Acme Two', T1, '102')]));
    expect((await f.Organisation.objects.all()).map((each) => each.name)).toEqual(['Acme Two']);
    expect(f.requests).toEqual([{ method: 'GET', url }]);
    expect(await stored()).toEqual({ name: 'Acme Two', modified: T1, cdms_version: '102' });
    expect(await f.sync.history(f.Organisation)).toHaveLength(1);
  });

  it('save(): reads back the mapped attributes with VersionNumber and keeps it', async () => {
    const [acme] = await f.Organisation.objects.skipCdms().all();
    if (!acme) throw new Error('no row');
    f.cdms.post(ONE).reply(204);
    f.cdms
      .get(ONE)
      .query({ $select: SELECT })
      .reply(200, { d: versioned('Saved', T2, '105') });
    acme.name = 'Saved';
    await acme.save();
    expect(f.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `MERGE ${ONE}`,
      `GET ${ONE}?$select=${SELECT}`,
    ]);
    expect(await stored()).toEqual({ name: 'Saved', modified: T2, cdms_version: '105' });
  });

  it('save({ detectConflicts }): a greater VersionNumber with the same ModifiedOn is a conflict', async () => {
    const [acme] = await f.Organisation.objects.skipCdms().all();
    if (!acme) throw new Error('no row');
    f.cdms
      .get(ONE)
      .query({ $select: 'ModifiedOn,VersionNumber' })
      .reply(200, { d: { ModifiedOn: `/Date(${T1.getTime()})/`, VersionNumber: '101' } });
    acme.name = 'Mine';
    await expect(acme.save({ detectConflicts: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(f.requests).toHaveLength(1);
    expect(await stored()).toEqual({ name: 'Acme', modified: T1, cdms_version: '100' });
  });
});
