/**
 * Reconciliation after a complete list sync: local rows that match the query but that CDMS did not
 * list were deleted in CDMS (removed locally, history `delete` "Deleted in CDMS") or changed in CDMS
 * so that they no longer match (refreshed). One id-list request per URL-length-fitted chunk, and
 * none at all when nothing is stale.
 */
import type { CdmsLogger } from '@cdms-sync/cdms-client';
import type { LocalStore, Row } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { describe, expect, it } from 'vitest';
import { delegatingStore } from './support/delegating-store';
import { ACCOUNT_SELECT, account, CDMS_ORIGIN, page, ROOT, useSyncFixture } from './support/sync-fixture';

const ACME = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const BRAVO = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const CHARLIE = '9c6a36b1-d2da-4c33-8c34-222f5c344dab';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const LIST = `${ROOT}/AccountSet`;
const UK_LIST = `${LIST}?$filter=optevia_ukorganisation eq true&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;

/** The id-list request of the reconciliation: `AccountId eq guid'…' or …`, the mapped attributes. */
function byGuids(...guids: string[]): string {
  const filter = guids.map((guid) => `AccountId eq guid'${guid}'`).join(' or ');
  return `${LIST}?$filter=${filter}&$select=${ACCOUNT_SELECT}`;
}

const f = useSyncFixture();

/** Acme, Bravo and Charlie, all UK organisations, synced at T1. */
async function insertThreeUk(): Promise<Record<string, number>> {
  await f.knex('organisation').insert([
    { name: 'Acme', cdms_pk: ACME, created: T1, modified: T1, uk_organisation: true },
    {
      name: 'Bravo',
      cdms_pk: BRAVO,
      created: T1,
      modified: T1,
      uk_organisation: true,
      notes: 'kept locally',
    },
    { name: 'Charlie', cdms_pk: CHARLIE, created: T1, modified: T1, uk_organisation: true },
  ]);
  const rows: { id: number; name: string }[] = await f.knex('organisation').select('id', 'name');
  return Object.fromEntries(rows.map((row) => [row.name, row.id]));
}

const acmeInCdms = () => account({ id: ACME, name: 'Acme', uk: true, modified: T1 });

async function localNames(): Promise<string[]> {
  return (await f.knex('organisation').orderBy('name').select('name')).map((row) => row.name as string);
}

describe('filter() after a complete listing', () => {
  it('a record deleted in CDMS: one id-list request, the local row deleted with history delete', async () => {
    const ids = await insertThreeUk();
    f.cdms
      .get(UK_LIST)
      .reply(200, page([acmeInCdms(), account({ id: CHARLIE, name: 'Charlie', uk: true, modified: T1 })]));
    f.cdms.get(byGuids(BRAVO)).reply(200, page([]));
    const found = await f.sync.runAs({ user: 'alice' }, () =>
      f.Organisation.objects.filter({ ukOrganisation: true }),
    );
    expect(found.map((organisation) => organisation.name).sort()).toEqual(['Acme', 'Charlie']);
    expect(f.requests).toEqual([
      { method: 'GET', url: UK_LIST },
      { method: 'GET', url: byGuids(BRAVO) },
    ]);
    expect(await localNames()).toEqual(['Acme', 'Charlie']);
    expect(await f.sync.history(f.Organisation)).toMatchObject([
      {
        kind: 'delete',
        rowId: ids.Bravo,
        cdmsPk: BRAVO,
        user: 'cdms',
        comment: 'Deleted in CDMS',
        data: { name: 'Bravo', notes: 'kept locally' },
      },
    ]);
  });

  it('a record changed in CDMS so that it no longer matches: refreshed locally, not in the answer', async () => {
    const ids = await insertThreeUk();
    f.cdms
      .get(UK_LIST)
      .reply(200, page([acmeInCdms(), account({ id: CHARLIE, name: 'Charlie', uk: true, modified: T1 })]));
    f.cdms
      .get(byGuids(BRAVO))
      .reply(200, page([account({ id: BRAVO, name: 'Bravo Ltd', uk: false, modified: T2 })]));
    const found = await f.Organisation.objects.filter({ ukOrganisation: true });
    expect(found.map((organisation) => organisation.name).sort()).toEqual(['Acme', 'Charlie']);
    expect(f.requests.map((request) => request.url)).toEqual([UK_LIST, byGuids(BRAVO)]);
    const bravo = await f.knex('organisation').where({ id: ids.Bravo }).first();
    expect(bravo).toMatchObject({ name: 'Bravo Ltd', uk_organisation: false, notes: 'kept locally' });
    expect(new Date(bravo.modified)).toEqual(T2);
    expect(await f.sync.history(f.Organisation)).toMatchObject([
      {
        kind: 'cdms-refresh',
        rowId: ids.Bravo,
        user: 'cdms',
        comment: 'CDMS refresh',
        data: { name: 'Bravo Ltd' },
      },
    ]);
  });

  it('several stale rows: one id-list request for all of them; count() reconciles too', async () => {
    const ids = await insertThreeUk();
    f.cdms.get(UK_LIST).reply(200, page([acmeInCdms()]));
    // Bravo was deleted in CDMS; Charlie is no longer a UK organisation.
    f.cdms
      .get(byGuids(BRAVO, CHARLIE))
      .reply(200, page([account({ id: CHARLIE, name: 'Charlie', uk: false, modified: T2 })]));
    expect(await f.Organisation.objects.filter({ ukOrganisation: true }).count()).toBe(1);
    expect(f.requests.map((request) => request.url)).toEqual([UK_LIST, byGuids(BRAVO, CHARLIE)]);
    expect(await localNames()).toEqual(['Acme', 'Charlie']);
    const history = await f.sync.history(f.Organisation);
    expect(history.map((entry) => [entry.rowId, entry.kind, entry.comment]).sort()).toEqual(
      [
        [ids.Bravo, 'delete', 'Deleted in CDMS'],
        [ids.Charlie, 'cdms-refresh', 'CDMS refresh'],
      ].sort(),
    );
  });

  it('nothing stale: no extra request, nothing written', async () => {
    await insertThreeUk();
    f.cdms
      .get(UK_LIST)
      .reply(
        200,
        page([
          acmeInCdms(),
          account({ id: BRAVO, name: 'Bravo', uk: true, modified: T1 }),
          account({ id: CHARLIE, name: 'Charlie', uk: true, modified: T1 }),
        ]),
      );
    expect(await f.Organisation.objects.filter({ ukOrganisation: true })).toHaveLength(3);
    expect(f.requests.map((request) => request.url)).toEqual([UK_LIST]);
    expect(await f.sync.history(f.Organisation)).toEqual([]);
  });

  it('rows written only with skipCdms (no cdmsPk) are never touched, and cost no request', async () => {
    await f.Organisation.objects.skipCdms().create({ name: 'Local', ukOrganisation: true });
    f.cdms.get(UK_LIST).reply(200, page([]));
    const found = await f.Organisation.objects.filter({ ukOrganisation: true });
    expect(found.map((organisation) => [organisation.name, organisation.cdmsPk])).toEqual([['Local', null]]);
    expect(f.requests.map((request) => request.url)).toEqual([UK_LIST]);
    expect((await f.sync.history(f.Organisation)).map((entry) => entry.kind)).toEqual(['local']);
  });

  it('a long list of stale GUIDs is split into URL-length-fitted id-list requests, never one GET per row', async () => {
    const guids = Array.from(
      { length: 40 },
      (_, index) => `0f8fad5b-d9cb-469f-a165-${String(index).padStart(12, '0')}`,
    );
    await f.knex('organisation').insert(
      guids.map((guid, index) => ({
        name: `Org ${index}`,
        cdms_pk: guid,
        modified: T1,
        uk_organisation: true,
      })),
    );
    f.cdms.get(UK_LIST).reply(200, page([]));
    f.cdms
      .get(LIST)
      .query((query) => String(query.$filter).startsWith('AccountId eq guid'))
      .times(10)
      .reply(200, page([]));
    expect(await f.Organisation.objects.filter({ ukOrganisation: true })).toEqual([]);
    const [first, ...idLists] = f.requests.map((request) => request.url);
    expect(first).toBe(UK_LIST);
    expect(idLists.length).toBeGreaterThan(1);
    expect(idLists.length).toBeLessThan(guids.length);
    const requested = idLists.flatMap((url) => [...url.matchAll(/guid'([^']+)'/g)].map((match) => match[1]));
    expect(requested.sort()).toEqual([...guids].sort());
    for (const url of idLists)
      expect(encodeURI(`${CDMS_ORIGIN}${url}`).length).toBeLessThanOrEqual(2000 + 100);
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 0 }]);
    const history = await f.sync.history(f.Organisation);
    expect(history).toHaveLength(40);
    expect(new Set(history.map((entry) => `${entry.kind} ${entry.user} ${entry.comment}`))).toEqual(
      new Set(['delete cdms Deleted in CDMS']),
    );
  });

  it('queryset delete(): a row deleted in CDMS is removed by the reconciliation, not sent a DELETE', async () => {
    await insertThreeUk();
    f.cdms.get(UK_LIST).reply(200, page([acmeInCdms()]));
    f.cdms
      .get(byGuids(BRAVO, CHARLIE))
      .reply(200, page([account({ id: CHARLIE, name: 'Charlie', uk: false, modified: T2 })]));
    f.cdms.delete(`${LIST}(guid'${ACME}')`).reply(204);
    expect(await f.Organisation.objects.filter({ ukOrganisation: true }).delete()).toBe(1);
    expect(f.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${UK_LIST}`,
      `GET ${byGuids(BRAVO, CHARLIE)}`,
      `DELETE ${LIST}(guid'${ACME}')`,
    ]);
    expect(await localNames()).toEqual(['Charlie']);
  });

  it('a row another table still references is kept (with a warning); the read still answers', async () => {
    const warnings: string[] = [];
    const logger: CdmsLogger = {
      debug: () => {},
      info: () => {},
      warn: (message) => warnings.push(message),
      error: () => {},
    };
    await f.reopen({ logger });
    const ids = await insertThreeUk();
    await f.knex('contact').insert({ last_name: 'Smith', organisation_id: ids.Bravo, modified: T1 });
    f.cdms.get(UK_LIST).reply(200, page([acmeInCdms()]));
    f.cdms.get(byGuids(BRAVO, CHARLIE)).reply(200, page([]));
    const found = await f.Organisation.objects.filter({ ukOrganisation: true });
    expect(found.map((organisation) => organisation.name).sort()).toEqual(['Acme', 'Bravo']);
    expect(warnings).toEqual(['Deleted in CDMS, but the local row could not be deleted; kept']);
    expect(await localNames()).toEqual(['Acme', 'Bravo']);
    expect((await f.sync.history(f.Organisation)).map((entry) => [entry.rowId, entry.kind])).toEqual([
      [ids.Charlie, 'delete'],
    ]);
  });
});

describe('no reconciliation where the listing may be incomplete', () => {
  it('a slice (first(), slice()): only its window is listed, nothing else is touched', async () => {
    await insertThreeUk();
    const top1 = `${LIST}?$filter=optevia_ukorganisation eq true&$select=${ACCOUNT_SELECT}&$orderby=Name asc&$top=1`;
    f.cdms
      .get(top1)
      .times(2)
      .reply(200, page([acmeInCdms()]));
    expect(
      (await f.Organisation.objects.filter({ ukOrganisation: true }).orderBy('name').first())?.name,
    ).toBe('Acme');
    expect(
      (await f.Organisation.objects.filter({ ukOrganisation: true }).orderBy('name').slice(0, 1)).map(
        (organisation) => organisation.name,
      ),
    ).toEqual(['Acme']);
    expect(f.requests.map((request) => request.url)).toEqual([top1, top1]);
    expect(await localNames()).toEqual(['Acme', 'Bravo', 'Charlie']);
  });

  it('a listing cut by syncPageLimit', async () => {
    await f.reopen({ syncPageLimit: 1 });
    await insertThreeUk();
    f.cdms.get(UK_LIST).reply(200, page([acmeInCdms()], `${CDMS_ORIGIN}${LIST}?$skiptoken=2`));
    expect(await f.Organisation.objects.filter({ ukOrganisation: true }).count()).toBe(3);
    expect(f.requests.map((request) => request.url)).toEqual([UK_LIST]);
    expect(await localNames()).toEqual(['Acme', 'Bravo', 'Charlie']);
  });

  it('a superset listing (the filter is not exact in CDMS, e.g. a case-sensitive match)', async () => {
    await insertThreeUk();
    const byName = `${LIST}?$filter=Name eq 'Bravo'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;
    f.cdms.get(byName).reply(200, page([]));
    expect(await f.Organisation.objects.filter({ name: 'Bravo' })).toHaveLength(1);
    expect(f.requests.map((request) => request.url)).toEqual([byName]);
  });
});

describe('UpsertResult.stored', () => {
  /** A store whose upsertIfNewer returns `stored` (marked), or leaves it out; counts the read-backs. */
  function storeWith(returnStored: boolean): { store: LocalStore; readBacks: number[] } {
    const base = knexStore(f.knex);
    const readBacks: number[] = [];
    const store: LocalStore = {
      ...delegatingStore(base),
      find: (table, options) => {
        const where = options?.where;
        if (where?.kind === 'lookup' && where.field === 'cdmsPk' && where.lookup === 'in') readBacks.push(1);
        return base.find(table, options);
      },
      upsertIfNewer: async (table, rows) => {
        const { stored: _stored, ...result } = await base.upsertIfNewer(table, rows);
        if (!returnStored) return result;
        const changed = [...result.inserted, ...result.updated];
        const stored: Row[] = (
          await base.find(table, { where: { kind: 'lookup', field: 'cdmsPk', lookup: 'in', value: changed } })
        ).map((row) => ({ ...row, notes: 'from stored' }));
        return { ...result, stored };
      },
    };
    return { store, readBacks };
  }

  it('is used for the history snapshots instead of reading the rows back', async () => {
    const { store, readBacks } = storeWith(true);
    await f.reopen({ store });
    f.cdms.get(`${LIST}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`).reply(200, page([acmeInCdms()]));
    await f.Organisation.objects.all();
    expect(readBacks).toEqual([]);
    expect(await f.sync.history(f.Organisation)).toMatchObject([
      { kind: 'cdms-refresh', data: { notes: 'from stored' } },
    ]);
  });

  it('without it, the rows are read back once per page', async () => {
    const { store, readBacks } = storeWith(false);
    await f.reopen({ store });
    f.cdms.get(`${LIST}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`).reply(200, page([acmeInCdms()]));
    await f.Organisation.objects.all();
    expect(readBacks).toEqual([1]);
    expect(await f.sync.history(f.Organisation)).toMatchObject([
      { kind: 'cdms-refresh', data: { notes: null } },
    ]);
  });
});
