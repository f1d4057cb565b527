/**
 * CRM 2011 answers 404 to request URIs over ~2,048 characters: long `or` chains are split into
 * several list requests under `maxUrlLength`, or dropped (a superset) when they cannot be split.
 */
import { Q } from '@cdms-sync/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_SELECT,
  account,
  CDMS_ORIGIN,
  contact,
  type Fixture,
  page,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const T1 = new Date('2016-02-28T10:00:00Z');
const ACCOUNTS = `${ROOT}/AccountSet`;

/** A deterministic GUID per number: `00000000-0000-4000-8000-000000000017`. */
function guid(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

const GUIDS = Array.from({ length: 300 }, (_, index) => guid(index + 1));

const f = useSyncFixture();
/** Raw (still percent-encoded) paths, to measure what went on the wire. */
let rawPaths: string[];
beforeEach(() => {
  rawPaths = [];
  f.cdms.on('request', (request: { path: string }) => rawPaths.push(request.path));
});

/** GUIDs named in a request URL (`guid'…'` literals). */
function guidsIn(url: string): string[] {
  return [...url.matchAll(/guid'([0-9a-f-]{36})'/g)].map((match) => match[1] as string);
}

/** Answer every AccountSet list with the accounts (of `existing`) whose GUID the filter names. */
function replyAccountsByGuid(existing: ReadonlySet<string>) {
  f.cdms
    .get((path) => path.startsWith(`${ACCOUNTS}?`))
    .times(100)
    .reply(200, (uri) =>
      page(
        guidsIn(decodeURIComponent(uri))
          .filter((id) => existing.has(id))
          .map((id) => account({ id, name: `Org ${id.slice(-4)}`, modified: T1 })),
      ),
    );
}

describe('maxUrlLength', () => {
  it('an `in` of 300 GUIDs becomes several list requests, each URL under 2000 characters', async () => {
    const existing = new Set(GUIDS.slice(0, 120));
    replyAccountsByGuid(existing);
    const found = await f.Organisation.objects.filter({ cdmsPk__in: GUIDS });

    expect(f.requests.length).toBeGreaterThan(1);
    for (const path of rawPaths) expect(`${CDMS_ORIGIN}${path}`.length).toBeLessThanOrEqual(2000);
    // Every GUID asked for exactly once, in order, and each request is a plain `or` chain.
    expect(f.requests.flatMap((request) => guidsIn(request.url))).toEqual(GUIDS);
    for (const request of f.requests) {
      expect(request.method).toBe('GET');
      const ids = guidsIn(request.url);
      expect(request.url).toBe(
        `${ACCOUNTS}?$filter=${ids.map((id) => `AccountId eq guid'${id}'`).join(' or ')}` +
          `&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`,
      );
    }
    // The requests are as full as the limit allows: one more GUID would not have fitted.
    const first = rawPaths[0] as string;
    expect(
      `${CDMS_ORIGIN}${first}`.length + `%20or%20AccountId%20eq%20guid'${GUIDS[0]}'`.length,
    ).toBeGreaterThan(2000);

    expect(found.map((organisation) => organisation.cdmsPk).sort()).toEqual([...existing].sort());
    expect(await f.knex('organisation').count({ n: '*' })).toEqual([{ n: 120 }]);
    const history = await f.knex('cdms_sync_history').select('kind');
    expect(history).toHaveLength(120);
    expect(new Set(history.map((entry) => entry.kind))).toEqual(new Set(['cdms-refresh']));
  });

  it('a smaller maxUrlLength makes more, shorter requests', async () => {
    await f.reopen({ maxUrlLength: 800 });
    rawPaths = [];
    f.cdms.on('request', (request: { path: string }) => rawPaths.push(request.path));
    replyAccountsByGuid(new Set());
    await f.Organisation.objects.filter({ cdmsPk__in: GUIDS.slice(0, 40) });
    expect(rawPaths.length).toBeGreaterThan(2);
    for (const path of rawPaths) expect(`${CDMS_ORIGIN}${path}`.length).toBeLessThanOrEqual(800);
    expect(f.requests.flatMap((request) => guidsIn(request.url))).toEqual(GUIDS.slice(0, 40));
  });

  it('the other conditions stay in every part; a slice becomes $top = skip + top per part, no $skip', async () => {
    replyAccountsByGuid(new Set(GUIDS));
    await f.Organisation.objects
      .filter({ cdmsPk__in: GUIDS.slice(0, 60), ukOrganisation: false })
      .orderBy('name')
      .slice(5, 15);
    expect(f.requests.length).toBeGreaterThan(1);
    for (const request of f.requests) {
      const ids = guidsIn(request.url);
      expect(request.url).toBe(
        `${ACCOUNTS}?$filter=(${ids.map((id) => `AccountId eq guid'${id}'`).join(' or ')})` +
          ` and (optevia_ukorganisation eq false or optevia_ukorganisation eq null)` +
          `&$select=${ACCOUNT_SELECT}&$orderby=Name asc&$top=15`,
      );
    }
    expect(f.requests.flatMap((request) => guidsIn(request.url))).toEqual(GUIDS.slice(0, 60));
  });

  it('a top-level Q(…) | Q(…) with a long `in` is split across the whole disjunction', async () => {
    replyAccountsByGuid(new Set());
    await f.Organisation.objects.filter(
      Q<InstanceType<Fixture['Organisation']>>({ cdmsPk__in: GUIDS.slice(0, 60) }).or({
        ukOrganisation: true,
      }),
    );
    const urls = f.requests.map((request) => request.url);
    expect(urls.length).toBeGreaterThan(1);
    expect(urls.filter((url) => url.includes('optevia_ukorganisation eq true'))).toHaveLength(1);
    expect(urls.flatMap(guidsIn)).toEqual(GUIDS.slice(0, 60));
  });

  it('a long `in` under NOT cannot be split: one request for the superset, exact local answer', async () => {
    await f.knex('organisation').insert([
      { name: 'Kept', cdms_pk: guid(1000), created: T1, modified: T1 },
      { name: 'Excluded', cdms_pk: GUIDS[0], created: T1, modified: T1 },
    ]);
    f.cdms.get(`${ACCOUNTS}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`).reply(200, page([]));
    const found = await f.Organisation.objects.exclude({ cdmsPk__in: GUIDS });
    expect(f.requests).toEqual([
      { method: 'GET', url: `${ACCOUNTS}?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc` },
    ]);
    expect(found.map((organisation) => organisation.name)).toEqual(['Kept']);
  });

  it('NOT of a long `in` beside a short condition keeps the short one and drops the slice', async () => {
    const expected = `${ACCOUNTS}?$filter=Name eq 'Acme'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;
    f.cdms.get(expected).reply(200, page([account({ id: guid(1000), name: 'Acme', modified: T1 })]));
    const found = await f.Organisation.objects
      .filter({ name: 'Acme' })
      .exclude({ cdmsPk__in: GUIDS })
      .slice(0, 5);
    expect(f.requests).toEqual([{ method: 'GET', url: expected }]);
    expect(found.map((organisation) => organisation.cdmsPk)).toEqual([guid(1000)]);
  });

  it('importing the accounts of many contacts: the GUIDs are split under the limit too', async () => {
    const accountIds = GUIDS.slice(0, 90);
    const contacts = accountIds.map((accountId, index) =>
      contact({ id: guid(5000 + index), lastName: `C${index}`, accountId, modified: T1 }),
    );
    f.cdms
      .get(
        `${ROOT}/ContactSet?$select=ContactId,CreatedOn,ModifiedOn,LastName,ParentCustomerId,VersionNumber&$orderby=ModifiedOn asc`,
      )
      .reply(200, page(contacts));
    replyAccountsByGuid(new Set(accountIds));
    const found = await f.Contact.objects.all();
    const imports = f.requests.slice(1);
    expect(imports.length).toBeGreaterThan(1);
    for (const path of rawPaths) expect(`${CDMS_ORIGIN}${path}`.length).toBeLessThanOrEqual(2000);
    expect(imports.flatMap((request) => guidsIn(request.url))).toEqual(accountIds);
    expect(found).toHaveLength(90);
    expect(found.every((each) => typeof each.organisationId === 'number')).toBe(true);
    expect(await f.knex('cdms_sync_history').count({ n: '*' })).toEqual([{ n: 180 }]);
  });
});
