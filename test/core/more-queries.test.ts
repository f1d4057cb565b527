/** latest / earliest / inBulk / distinct / aggregate, in CDMS mode and with skipCdms. */
import {
  Count,
  DoesNotExistError,
  FieldError,
  type LocalStore,
  Max,
  Min,
  NotSupportedError,
  type StoreAggregation,
  Sum,
} from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { describe, expect, it } from 'vitest';
import { delegatingStore } from './support/delegating-store';
import { ACCOUNT_SELECT, account, page, ROOT, useSyncFixture } from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const GUID2 = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const GUID3 = '9c6a36b1-d2da-4c33-8c34-222f5c344dab';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const T3 = new Date('2016-04-01T08:00:00Z');
const LIST = `${ROOT}/AccountSet`;

const f = useSyncFixture();

/** Acme (T1, uk), Bravo (T2), Charlie (T3, uk): ids 1, 2, 3. */
async function insertThree() {
  await f.knex('organisation').insert([
    { name: 'Acme', cdms_pk: GUID, created: T1, modified: T1, uk_organisation: true },
    { name: 'Bravo', cdms_pk: GUID2, created: T2, modified: T2, uk_organisation: false },
    { name: 'Charlie', cdms_pk: GUID3, created: T3, modified: T3, uk_organisation: true },
  ]);
  return (await f.knex('organisation').orderBy('id').select('id')).map((row) => row.id as number);
}

describe('latest() / earliest()', () => {
  it('latest(): $orderby reversed, $top=1, one list request', async () => {
    await insertThree();
    const url = `${LIST}?$filter=optevia_ukorganisation eq true&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn desc&$top=1`;
    f.cdms.get(url).reply(200, page([account({ id: GUID3, name: 'Charlie', uk: true, modified: T3 })]));
    const latest = await f.Organisation.objects.filter({ ukOrganisation: true }).latest();
    expect(f.requests).toEqual([{ method: 'GET', url }]);
    expect(latest.name).toBe('Charlie');
  });

  it("earliest('name') and latest('-name'): the same request", async () => {
    await insertThree();
    const url = `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name asc&$top=1`;
    f.cdms
      .get(url)
      .times(2)
      .reply(200, page([account({ id: GUID, name: 'Acme', uk: true, modified: T1 })]));
    expect((await f.Organisation.objects.earliest('name')).name).toBe('Acme');
    expect((await f.Organisation.objects.latest('-name')).name).toBe('Acme');
    expect(f.requests.map((request) => request.url)).toEqual([url, url]);
  });

  it('nothing matches: DoesNotExistError; skipCdms: 0 requests', async () => {
    // A case-sensitive text match is a superset in CDMS (case-insensitive): no $top.
    f.cdms
      .get(`${LIST}?$filter=Name eq 'Nobody'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn desc`)
      .reply(200, page([]));
    await expect(f.Organisation.objects.filter({ name: 'Nobody' }).latest()).rejects.toBeInstanceOf(
      DoesNotExistError,
    );
    await insertThree();
    expect((await f.Organisation.objects.skipCdms().latest('created')).name).toBe('Charlie');
    expect((await f.Organisation.objects.skipCdms().earliest('-ukOrganisation', 'name')).name).toBe('Acme');
    expect(f.requests).toHaveLength(1);
  });
});

describe('inBulk()', () => {
  it('by local id in CDMS mode: refreshes the rows by their GUIDs, then answers locally', async () => {
    const [acme, bravo] = await insertThree();
    const url =
      `${LIST}?$filter=AccountId eq guid'${GUID}' or AccountId eq guid'${GUID2}'` +
      `&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;
    f.cdms
      .get(url)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'Acme', uk: true, modified: T1 }),
          account({ id: GUID2, name: 'Bravo Ltd', modified: T3 }),
        ]),
      );
    const found = await f.Organisation.objects.inBulk([acme as number, bravo as number, 999]);
    expect(f.requests).toEqual([{ method: 'GET', url }]);
    expect([...found.keys()]).toEqual([acme, bravo]);
    expect(found.get(bravo as number)?.name).toBe('Bravo Ltd');
    expect(await f.sync.history(f.Organisation)).toMatchObject([
      { kind: 'cdms-refresh', data: { name: 'Bravo Ltd' } },
    ]);
  });

  it('by a mapped field: $filter on it; [] makes no request; skipCdms() makes none', async () => {
    await insertThree();
    const url = `${LIST}?$filter=Name eq 'Acme' or Name eq 'Charlie'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;
    f.cdms.get(url).reply(200, page([]));
    const byName = await f.Organisation.objects.inBulk(['Acme', 'Charlie'], { fieldName: 'name' });
    expect([...byName.keys()].sort()).toEqual(['Acme', 'Charlie']);
    expect(await f.Organisation.objects.inBulk([])).toEqual(new Map());
    expect((await f.Organisation.objects.skipCdms().inBulk()).size).toBe(3);
    expect(f.requests).toEqual([{ method: 'GET', url }]);
  });

  it('an unknown field: FieldError before any request', async () => {
    await expect(
      f.Organisation.objects.inBulk([1] as never[], { fieldName: 'nope' as never }),
    ).rejects.toBeInstanceOf(FieldError);
    expect(f.requests).toEqual([]);
  });
});

describe('distinct()', () => {
  it('drops repeated values, before the slice', async () => {
    await insertThree();
    const flags = f.Organisation.objects.skipCdms().distinct().orderBy('name');
    expect(await flags.valuesList('ukOrganisation', { flat: true })).toEqual([true, false]);
    expect(await flags.slice(1, 2).values('ukOrganisation')).toEqual([{ ukOrganisation: false }]);
    expect(await flags).toHaveLength(3);
    expect(f.requests).toEqual([]);
  });
});

/** The suite's store plus an `aggregate` computed from `find` (a stand-in for a store that has one). */
function aggregatingStore(): LocalStore {
  const base = knexStore(f.knex);
  return {
    ...delegatingStore(base),
    async aggregate(table, where, aggregations: Readonly<Record<string, StoreAggregation>>) {
      const rows = await base.find(table, where ? { where } : {});
      const result: Record<string, unknown> = {};
      for (const [name, { function: fn, field }] of Object.entries(aggregations)) {
        const values = rows.map((row) => row[field]).filter((value) => value !== null && value !== undefined);
        const sorted = [...values].sort((a, b) => (a as number) - (b as number));
        const sum = values.reduce((total: number, value) => total + Number(value), 0);
        result[name] =
          fn === 'count'
            ? values.length
            : values.length === 0
              ? null
              : fn === 'sum'
                ? sum
                : fn === 'avg'
                  ? sum / values.length
                  : fn === 'min'
                    ? sorted[0]
                    : sorted[sorted.length - 1];
      }
      return result;
    },
  };
}

describe('aggregate()', () => {
  it('a store without aggregate: NotSupportedError before any request', async () => {
    const { aggregate: _aggregate, ...withoutAggregate } = aggregatingStore();
    await f.reopen({ store: withoutAggregate });
    await expect(f.Organisation.objects.aggregate({ total: Count('id') })).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    expect(f.requests).toEqual([]);
  });

  it('syncs the matching rows (as count), then aggregates locally', async () => {
    await f.reopen({ store: aggregatingStore() });
    await insertThree();
    const url = `${LIST}?$filter=optevia_ukorganisation eq true&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;
    f.cdms
      .get(url)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'Acme', uk: true, modified: T1 }),
          account({ id: GUID3, name: 'Charlie', uk: true, modified: T3 }),
        ]),
      );
    const result = await f.Organisation.objects
      .filter({ ukOrganisation: true })
      .aggregate({ total: Count('id'), newest: Max('created'), oldest: Min('created'), ids: Sum('id') });
    expect(f.requests).toEqual([{ method: 'GET', url }]);
    expect(result).toEqual({ total: 2, newest: T3, oldest: T1, ids: expect.any(Number) });

    expect(
      await f.Organisation.objects.none().aggregate({ total: Count('id'), newest: Max('created') }),
    ).toEqual({
      total: 0,
      newest: null,
    });
    await expect(f.Organisation.objects.aggregate({ total: Sum('name') })).rejects.toBeInstanceOf(FieldError);
    await expect(f.Organisation.objects.slice(0, 1).aggregate({ total: Count('id') })).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    expect(await f.Organisation.objects.skipCdms().aggregate({ total: Count('notes') })).toEqual({
      total: 0,
    });
    expect(f.requests).toHaveLength(1);
  });
});

describe('fixes found by the integration suite', () => {
  it('a slice with an offset: $skip in CDMS, and the local answer is the listed rows (no local OFFSET)', async () => {
    const url = `${LIST}?$select=${ACCOUNT_SELECT}&$orderby=Name asc&$top=2&$skip=1`;
    f.cdms
      .get(url)
      .reply(
        200,
        page([
          account({ id: GUID2, name: 'Bravo', modified: T2 }),
          account({ id: GUID3, name: 'Charlie', modified: T3 }),
        ]),
      );
    const found = await f.Organisation.objects.orderBy('name').slice(1, 3);
    expect(f.requests).toEqual([{ method: 'GET', url }]);
    expect(found.map((each) => each.name)).toEqual(['Bravo', 'Charlie']);
  });

  it('getOrCreate after the record was deleted in CDMS: the stale local row is deleted, one new row', async () => {
    await f.knex('organisation').insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1 });
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${GUID}')`)
      .query(true)
      .reply(404, {
        error: { code: '', message: { lang: 'en-US', value: 'Account With Id = … Does Not Exist' } },
      });
    f.cdms.post(`${LIST}`).reply(201, (_uri, body) => ({
      d: account({ id: (body as { AccountId: string }).AccountId, name: 'Acme', modified: T2 }),
    }));
    const [acme, created] = await f.Organisation.objects.getOrCreate({ name: 'Acme' });
    expect(created).toBe(true);
    expect(f.requests.map((request) => request.method)).toEqual(['GET', 'POST']);
    expect(await f.knex('organisation').select('cdms_pk')).toEqual([{ cdms_pk: acme.cdmsPk }]);
    expect((await f.sync.history(f.Organisation)).map((entry) => entry.kind)).toEqual(['local', 'delete']);
  });
});
