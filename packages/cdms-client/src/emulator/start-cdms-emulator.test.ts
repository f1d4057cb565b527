import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../odata/metadata';
import { emulatorPerTest } from './__fixtures__/emulator-test-kit';
import { startCdmsEmulator } from './start-cdms-emulator';
import type { CdmsEmulator } from './types';

const JSON_HEADERS = { Accept: 'application/json' };
const ACCOUNT_TYPE = 'Microsoft.Crm.Sdk.Data.Services.Account';
const T0 = Date.UTC(2016, 1, 28, 10, 0, 0);

const start = emulatorPerTest();

interface JsonAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected freely
  body: any;
}

async function request(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const response = await fetch(url, { ...init, headers: { ...JSON_HEADERS, ...(init.headers ?? {}) } });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

const list = (e: CdmsEmulator, query: string) => request(`${e.serviceUrl}/AccountSet?${query}`);
const names = (answer: JsonAnswer): unknown[] =>
  answer.body.d.results.map((row: { Name: unknown }) => row.Name);
const odataError = (message: string | RegExp) => ({
  error: {
    code: '',
    message: { lang: 'en-US', value: typeof message === 'string' ? message : expect.stringMatching(message) },
  },
});

/** POSTs `body` as JSON to `AccountSet` (a create). */
const postAccount = (e: CdmsEmulator, body: unknown) =>
  request(`${e.serviceUrl}/AccountSet`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Creates the Account 'Acme' through the API; each `merge()` then MERGEs a new Telephone1 into it. */
async function createAccountToMerge(e: CdmsEmulator) {
  const created = await postAccount(e, { Name: 'Acme' });
  const id = created.body.d.AccountId as string;
  const merge = () =>
    fetch(`${e.serviceUrl}/AccountSet(guid'${id}')`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-HTTP-Method': 'MERGE' },
      body: JSON.stringify({ Telephone1: String(Math.random()) }),
    });
  return { id, merge };
}

describe('list', () => {
  it('answers a page with __metadata, CRM value shapes and no __next', async () => {
    const e = await start({ clock: () => T0 });
    const [owner] = e.seed('SystemUser', [{ FullName: 'Sam Smith', DomainName: 'CORP\\sam' }]);
    e.seed('Account', [
      {
        Name: 'Acme',
        optevia_ukorganisation: true,
        Revenue: { Value: '12.50' },
        IndustryCode: { Value: 7 },
        OwnerId: { Id: owner!.SystemUserId as string, LogicalName: 'systemuser' },
      },
    ]);
    const answer = await list(e, '');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body.d.__next).toBeUndefined();
    const [row] = answer.body.d.results;
    expect(row.__metadata).toEqual({
      uri: `${e.serviceUrl}/AccountSet(guid'${row.AccountId}')`,
      type: ACCOUNT_TYPE,
    });
    expect(row).toMatchObject({
      Name: 'Acme',
      optevia_ukorganisation: true,
      Address1_City: null,
      Revenue: { Value: '12.50' },
      IndustryCode: { Value: 7 },
      StateCode: { Value: null },
      OwnerId: { Id: owner!.SystemUserId, LogicalName: 'systemuser', Name: 'Sam Smith' },
      ParentAccountId: { Id: null, LogicalName: null, Name: null },
      CreatedOn: `/Date(${T0})/`,
      ModifiedOn: `/Date(${T0})/`,
      VersionNumber: '2',
    });
  });

  it('pages 120 rows by 50 with absolute __next links that keep the options', async () => {
    const e = await start();
    e.seed(
      'Account',
      Array.from({ length: 120 }, (_, index) => ({
        Name: `Account ${String(119 - index).padStart(3, '0')}`,
      })),
    );
    const seen: unknown[] = [];
    const pageSizes: number[] = [];
    let url: string | undefined = `${e.serviceUrl}/AccountSet?$select=Name&$orderby=Name asc`;
    while (url !== undefined) {
      const answer = await request(url);
      expect(answer.status).toBe(200);
      pageSizes.push(answer.body.d.results.length);
      seen.push(...names(answer));
      url = answer.body.d.__next;
      if (url !== undefined) {
        expect(url.startsWith(`${e.serviceUrl}/AccountSet?`)).toBe(true);
        expect(url).toContain('$skiptoken=');
        expect(url).toContain('$select=Name');
        expect(url).toContain('$orderby=Name%20asc');
      }
    }
    expect(pageSizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(
      Array.from({ length: 120 }, (_, index) => `Account ${String(index).padStart(3, '0')}`),
    );
  });

  it('caps the total with $top across pages and applies $skip first', async () => {
    const e = await start({ pageSize: 10 });
    e.seed(
      'Account',
      Array.from({ length: 30 }, (_, index) => ({ Name: `A${String(index).padStart(2, '0')}` })),
    );
    const first = await list(e, '$orderby=Name&$skip=5&$top=12');
    expect(names(first)).toEqual(['A05', 'A06', 'A07', 'A08', 'A09', 'A10', 'A11', 'A12', 'A13', 'A14']);
    const second = await request(first.body.d.__next);
    expect(names(second)).toEqual(['A15', 'A16']);
    expect(second.body.d.__next).toBeUndefined();
    expect(names(await list(e, '$top=0'))).toEqual([]);
  });

  it('compares strings case-insensitively in eq, ne, gt, lt and the string functions', async () => {
    const e = await start();
    e.seed('Account', [{ Name: 'Acme' }, { Name: 'bravo' }, { Name: 'CHARLIE' }]);
    const matching = async (filter: string) =>
      names(await list(e, `$filter=${encodeURIComponent(filter)}&$orderby=Name`));
    expect(await matching("Name eq 'ACME'")).toEqual(['Acme']);
    expect(await matching("Name ne 'acme'")).toEqual(['bravo', 'CHARLIE']);
    expect(await matching("Name gt 'B'")).toEqual(['bravo', 'CHARLIE']);
    expect(await matching("Name lt 'Bz'")).toEqual(['Acme', 'bravo']);
    expect(await matching("substringof('HAR', Name)")).toEqual(['CHARLIE']);
    expect(await matching("startswith(Name, 'BR')")).toEqual(['bravo']);
    expect(await matching("endswith(Name, 'ME')")).toEqual(['Acme']);
    expect(await matching("tolower(Name) eq 'CHARLIE'")).toEqual(['CHARLIE']);
    expect(await matching("toupper(Name) eq 'bravo'")).toEqual(['bravo']);
    expect(await matching("Name eq 'O''Neil'")).toEqual([]);
  });

  it('follows SQL null semantics: only eq null / ne null match nulls', async () => {
    const e = await start();
    e.seed('Account', [{ Name: 'Acme', Address1_City: 'Leeds' }, { Name: 'Bravo' }]);
    const matching = async (filter: string) =>
      names(await list(e, `$filter=${encodeURIComponent(filter)}&$orderby=Name`));
    expect(await matching('Address1_City eq null')).toEqual(['Bravo']);
    expect(await matching('Address1_City ne null')).toEqual(['Acme']);
    expect(await matching("Address1_City ne 'York'")).toEqual(['Acme']);
    expect(await matching("not (Address1_City eq 'Leeds')")).toEqual([]);
    expect(await matching("Address1_City eq 'Leeds' or Name eq 'Bravo'")).toEqual(['Acme', 'Bravo']);
    expect(await matching("not substringof('e', Address1_City)")).toEqual([]);
    expect(await matching('Address1_City gt null')).toEqual([]);
    expect(await matching('ParentAccountId/Id eq null')).toEqual(['Acme', 'Bravo']);
  });

  it('filters lookups by Lookup/Id, option sets by /Value, dates, booleans and numbers', async () => {
    const e = await start();
    const [parent] = e.seed('Account', [{ Name: 'Parent' }]);
    const parentId = parent!.AccountId as string;
    e.seed('Account', [
      {
        Name: 'Child',
        ParentAccountId: { Id: parentId.toUpperCase() },
        IndustryCode: { Value: 3 },
        optevia_ukorganisation: true,
        NumberOfEmployees: 12,
        Revenue: { Value: '100.25' },
      },
    ]);
    e.seed('Contact', [{ LastName: 'Smith', ParentCustomerId: { Id: parentId, LogicalName: 'account' } }]);
    const matching = async (filter: string) => names(await list(e, `$filter=${encodeURIComponent(filter)}`));
    expect(await matching(`ParentAccountId/Id eq guid'${parentId}'`)).toEqual(['Child']);
    expect(await matching("ParentAccountId/Name eq 'PARENT'")).toEqual(['Child']);
    expect(await matching('IndustryCode/Value eq 3')).toEqual(['Child']);
    expect(await matching('Revenue/Value gt 100.2M')).toEqual(['Child']);
    expect(await matching('optevia_ukorganisation eq true')).toEqual(['Child']);
    expect(await matching('NumberOfEmployees ge 12 and NumberOfEmployees le 12')).toEqual(['Child']);
    expect(await matching("CreatedOn gt datetime'2000-01-01T00:00:00'")).toHaveLength(2);
    const contacts = await request(
      `${e.serviceUrl}/ContactSet?$filter=${encodeURIComponent(`ParentCustomerId/Id eq guid'${parentId}'`)}`,
    );
    expect(contacts.body.d.results.map((row: { LastName: string }) => row.LastName)).toEqual(['Smith']);
    expect(contacts.body.d.results[0].ParentCustomerId).toEqual({
      Id: parentId,
      LogicalName: 'account',
      Name: 'Parent',
    });
  });

  it('orders by several keys, nulls first, ties in primary-key order on every page', async () => {
    const e = await start({ pageSize: 2 });
    const rows = e.seed('Account', [
      { Name: 'b', Address1_City: 'Leeds' },
      { Name: 'a', Address1_City: 'leeds' },
      { Name: 'c', Address1_City: 'York' },
      { Name: 'd' },
      { Name: 'x', Address1_City: 'Leeds' },
      { Name: 'x', Address1_City: 'Leeds' },
    ]);
    const collect = async (query: string) => {
      const result: { Name: string; AccountId: string }[] = [];
      let url: string | undefined = `${e.serviceUrl}/AccountSet?${query}`;
      while (url !== undefined) {
        const answer = await request(url);
        result.push(...answer.body.d.results);
        url = answer.body.d.__next;
      }
      return result;
    };
    const byCity = await collect('$orderby=Address1_City asc,Name desc');
    expect(byCity.map((row) => row.Name)).toEqual(['d', 'x', 'x', 'b', 'a', 'c']);
    const twins = rows.filter((row) => row.Name === 'x').map((row) => row.AccountId as string);
    expect(byCity.slice(1, 3).map((row) => row.AccountId)).toEqual([...twins].sort());
    const descending = await collect('$orderby=Address1_City desc');
    // 'Leeds' and 'leeds' tie (case-insensitive), so the four of them come in primary-key order.
    const leeds = rows.filter((row) => row.Address1_City === 'Leeds' || row.Address1_City === 'leeds');
    expect(descending.map((row) => row.AccountId)).toEqual([
      rows[2]!.AccountId,
      ...leeds.map((row) => row.AccountId as string).sort(),
      rows[3]!.AccountId,
    ]);
    const unordered = await collect('');
    expect(unordered.map((row) => row.AccountId)).toEqual(rows.map((row) => row.AccountId as string).sort());
  });

  it('returns only the $select attributes, and 400 for an unknown one', async () => {
    const e = await start();
    e.seed('Account', [{ Name: 'Acme', Telephone1: '0113' }]);
    const answer = await list(e, '$select=Name,Telephone1');
    expect(Object.keys(answer.body.d.results[0])).toEqual(['__metadata', 'Name', 'Telephone1']);
    const unknown = await list(e, '$select=Name,Nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(odataError(`No property 'Nope' exists in type '${ACCOUNT_TYPE}'.`));
  });
});

describe('errors', () => {
  it('answers 400 with the OData error body for a bad $filter, XML when JSON is not accepted', async () => {
    const e = await start();
    const bad = await list(e, `$filter=${encodeURIComponent("Name eq 'x")}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(odataError(/^Syntax error in \$filter/));
    const xml = await fetch(`${e.serviceUrl}/AccountSet?$filter=Name%20eq`);
    expect(xml.status).toBe(400);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toMatch(
      /^<\?xml[^>]*\?><error xmlns="http:\/\/schemas\.microsoft\.com\/ado\/2007\/08\/dataservices\/metadata"><code><\/code><message xml:lang="en-US">Syntax error in \$filter: .*<\/message><\/error>$/,
    );
  });

  it('rejects unknown attributes and mismatched types in $filter and $orderby', async () => {
    const e = await start();
    expect((await list(e, `$filter=${encodeURIComponent("Nope eq 'x'")}`)).body).toEqual(
      odataError(`No property 'Nope' exists in type '${ACCOUNT_TYPE}'.`),
    );
    expect((await list(e, `$filter=${encodeURIComponent('Name eq 3')}`)).status).toBe(400);
    expect((await list(e, `$filter=${encodeURIComponent("ParentAccountId eq 'x'")}`)).status).toBe(400);
    expect((await list(e, '$orderby=Nope')).status).toBe(400);
    expect((await list(e, '$inlinecount=allpages')).status).toBe(400);
  });

  it('answers 404 for an unknown set and a missing record, 400 for a malformed GUID', async () => {
    const e = await start();
    const unknownSet = await request(`${e.serviceUrl}/NopeSet`);
    expect(unknownSet.status).toBe(404);
    expect(unknownSet.body).toEqual(odataError("Resource not found for the segment 'NopeSet'."));
    const id = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
    const missing = await request(`${e.serviceUrl}/AccountSet(guid'${id}')`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(odataError(`account With Id = ${id} Does Not Exist`));
    for (const key of ["guid'not-a-guid'", "'7a4814f9-b0b8-ea11-a812-000d3a122b89'", '42']) {
      const malformed = await request(`${e.serviceUrl}/AccountSet(${key})`);
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual(odataError('Bad Request - Error in query syntax.'));
    }
  });

  it('answers 500 "Cannot insert duplicate key." for a second create with the same id', async () => {
    const e = await start();
    const id = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
    const body = JSON.stringify({ AccountId: id, Name: 'Acme' });
    const init = { method: 'POST', body, headers: { 'Content-Type': 'application/json' } };
    expect((await request(`${e.serviceUrl}/AccountSet`, init)).status).toBe(201);
    const duplicate = await request(`${e.serviceUrl}/AccountSet`, {
      ...init,
      body: JSON.stringify({ AccountId: id, Name: 'Other' }),
    });
    expect(duplicate.status).toBe(500);
    expect(duplicate.body).toEqual(odataError('Cannot insert duplicate key.'));
    expect(e.records('Account').map((row) => row.Name)).toEqual(['Acme']);
  });

  it('rejects unknown attributes and bad values in a write, writing nothing', async () => {
    const e = await start();
    const post = (body: unknown) => postAccount(e, body);
    const unknown = await post({ Name: 'Acme', Nope: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      odataError(
        `Error processing request stream. The property name 'Nope' specified for type '${ACCOUNT_TYPE}' is not valid.`,
      ),
    );
    expect((await post({ Name: 5 })).status).toBe(400);
    expect((await post({ ParentAccountId: { Id: 'nope' } })).status).toBe(400);
    expect((await request(`${e.serviceUrl}/AccountSet`, { method: 'POST', body: '{' })).status).toBe(400);
    expect(e.records('Account')).toEqual([]);
  });

  it("accepts a date-only datetime'2010-07-15' in $filter (midnight UTC), as CRM 2011 does", async () => {
    const e = await start();
    e.seed('Account', [
      { Name: 'Old', CreatedOn: new Date('2010-07-14T23:59:59Z') },
      { Name: 'New', CreatedOn: new Date('2010-07-15T00:00:00Z') },
    ]);
    const answer = await list(e, `$filter=${encodeURIComponent("CreatedOn ge datetime'2010-07-15'")}`);
    expect(answer.status).toBe(200);
    expect(names(answer)).toEqual(['New']);
  });

  it('$orderby: 400 for a member of a lookup (PrimaryContactId/Name) like CRM; the lookup itself is accepted', async () => {
    const e = await start();
    e.seed('Account', [{ Name: 'Acme' }]);
    const member = await list(e, '$orderby=PrimaryContactId/Name');
    expect(member.status).toBe(400);
    expect(member.body).toEqual(odataError(/PrimaryContactId\/Name/));
    expect((await list(e, '$orderby=IndustryCode/Value desc')).status).toBe(400);
    expect((await list(e, '$orderby=PrimaryContactId')).status).toBe(200);
    expect((await list(e, '$orderby=IndustryCode desc')).status).toBe(200);
  });

  it("rejects a string longer than the attribute's maximum length (Account.Name 160) with CRM's 400, writing nothing", async () => {
    const e = await start();
    const post = (body: unknown) => postAccount(e, body);
    const tooLong = await post({ Name: 'x'.repeat(161) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual(
      odataError(
        "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
      ),
    );
    expect(e.records('Account')).toEqual([]);
    expect((await post({ Name: 'x'.repeat(160) })).status).toBe(201);
    const [record] = e.records('Account');
    const merge = await request(`${e.serviceUrl}/AccountSet(guid'${record?.AccountId}')`, {
      method: 'POST',
      body: JSON.stringify({ Name: 'y'.repeat(161) }),
      headers: { 'Content-Type': 'application/json', 'X-HTTP-Method': 'MERGE' },
    });
    expect(merge.status).toBe(400);
    expect(e.records('Account')[0]?.Name).toBe('x'.repeat(160));
  });

  it('maximum lengths are configurable per attribute (maxLength on an Edm.String)', async () => {
    const e = await start({
      entities: [{ name: 'Account', attributes: { Name: { type: 'Edm.String', maxLength: 5 } } }],
    });
    const post = (name: string) => postAccount(e, { Name: name });
    expect((await post('Acme!')).status).toBe(201);
    expect((await post('Acme Ltd')).status).toBe(400);
  });

  it('rejects $filter on a single record and writes to a collection path', async () => {
    const e = await start();
    const [acme] = e.seed('Account', [{ Name: 'Acme' }]);
    expect(
      (await request(`${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')?$filter=Name eq 'x'`)).status,
    ).toBe(400);
    expect((await request(`${e.serviceUrl}/AccountSet`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('retrieve, create, update, delete', () => {
  it('retrieves one record wrapped in d, with $select', async () => {
    const e = await start();
    const [acme] = e.seed('Account', [{ Name: 'Acme', Telephone1: '0113' }]);
    const answer = await request(`${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')?$select=Name`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      d: {
        __metadata: { uri: `${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')`, type: ACCOUNT_TYPE },
        Name: 'Acme',
      },
    });
  });

  it('creates with 201, the whole entity and a Location; honours a client-chosen id', async () => {
    const e = await start({ clock: () => T0 + 400 });
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const answer = await request(`${e.serviceUrl}/AccountSet`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        AccountId: id.toUpperCase(),
        Name: 'Acme',
        ModifiedOn: '/Date(0)/',
        Revenue: { Value: '1.50' },
      }),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`${e.serviceUrl}/AccountSet(guid'${id}')`);
    expect(answer.body.d).toMatchObject({
      AccountId: id,
      Name: 'Acme',
      Revenue: { Value: '1.50' },
      Telephone1: null,
      CreatedOn: `/Date(${T0})/`,
      ModifiedOn: `/Date(${T0})/`,
      VersionNumber: '1',
    });
    expect(Object.keys(answer.body.d)).toContain('EMailAddress1');
  });

  it('MERGE changes only the sent attributes; PUT replaces; DELETE removes (all 204)', async () => {
    const e = await start();
    const [acme] = e.seed('Account', [{ Name: 'Acme', Telephone1: '0113', Address1_City: 'Leeds' }]);
    const recordUrl = `${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')`;
    const merge = await fetch(recordUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-HTTP-Method': 'MERGE' },
      body: JSON.stringify({ Telephone1: '0114' }),
    });
    expect(merge.status).toBe(204);
    expect(await merge.text()).toBe('');
    expect(e.records('Account')[0]).toMatchObject({
      Name: 'Acme',
      Telephone1: '0114',
      Address1_City: 'Leeds',
    });
    const put = await fetch(recordUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'Acme Ltd' }),
    });
    expect(put.status).toBe(204);
    expect(e.records('Account')[0]).toMatchObject({
      Name: 'Acme Ltd',
      Telephone1: null,
      Address1_City: null,
    });
    const missingMerge = await fetch(
      `${e.serviceUrl}/AccountSet(guid'0f8fad5b-d9cb-469f-a165-70867728950e')`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-HTTP-Method': 'MERGE', Accept: 'application/json' },
        body: '{}',
      },
    );
    expect(missingMerge.status).toBe(404);
    expect((await fetch(recordUrl, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(recordUrl, { method: 'DELETE' })).status).toBe(404);
    expect(e.records('Account')).toEqual([]);
  });

  it('modifiedOn: strictly-increasing bumps ModifiedOn to a strictly later whole second and VersionNumber on every write', async () => {
    let now = T0 + 250;
    const e = await start({ clock: () => new Date(now), modifiedOn: 'strictly-increasing' });
    const { id, merge } = await createAccountToMerge(e);
    const state = () => {
      const record = e.records('Account')[0]!;
      return {
        modified: (record.ModifiedOn as Date).getTime(),
        version: record.VersionNumber,
        created: (record.CreatedOn as Date).getTime(),
      };
    };
    expect(state()).toEqual({ modified: T0, version: 1, created: T0 });
    await merge();
    expect(state()).toEqual({ modified: T0 + 1000, version: 2, created: T0 });
    await merge();
    expect(state()).toEqual({ modified: T0 + 2000, version: 3, created: T0 });
    e.editAsCdmsUser('Account', id, { Name: 'Edited' });
    expect(state()).toEqual({ modified: T0 + 3000, version: 4, created: T0 });
    now = T0 + 10_700;
    await merge();
    expect(state()).toEqual({ modified: T0 + 10_000, version: 5, created: T0 });
    expect(e.records('Account')[0]!.Name).toBe('Edited');
  });

  it('default clock is CRM 2011: writes within one second share ModifiedOn (editAsCdmsUser too); VersionNumber grows on every write', async () => {
    let now = T0 + 250;
    const e = await start({ clock: () => new Date(now) });
    const { id, merge } = await createAccountToMerge(e);
    const state = () => {
      const record = e.records('Account')[0]!;
      return { modified: (record.ModifiedOn as Date).getTime(), version: record.VersionNumber };
    };
    expect(state()).toEqual({ modified: T0, version: 1 });
    now = T0 + 600;
    await merge();
    expect(state()).toEqual({ modified: T0, version: 2 });
    now = T0 + 999;
    e.editAsCdmsUser('Account', id, { Name: 'Edited' });
    expect(state()).toEqual({ modified: T0, version: 3 });
    now = T0 + 1_000;
    await merge();
    expect(state()).toEqual({ modified: T0 + 1000, version: 4 });
  });
});

describe('seed, records, editAsCdmsUser', () => {
  it('keeps given system attributes, generates missing ones, and writes nothing on a bad row', () =>
    start({ clock: () => T0 }).then((e) => {
      const [given, generated] = e.seed('Account', [
        { Name: 'Old', ModifiedOn: new Date(Date.UTC(2010, 0, 1, 0, 0, 0, 999)), VersionNumber: 40 },
        { Name: 'New' },
      ]);
      expect(given).toMatchObject({ ModifiedOn: new Date(Date.UTC(2010, 0, 1)), VersionNumber: 40 });
      expect(generated).toMatchObject({
        ModifiedOn: new Date(T0),
        CreatedOn: new Date(T0),
        VersionNumber: 41,
      });
      expect(() => e.seed('Account', [{ Name: 'ok' }, { Name: 'bad', Nope: 1 }])).toThrow(/Nope/);
      expect(e.records('Account')).toHaveLength(2);
      expect(() => e.seed('Nope', [])).toThrow(/Nope/);
      expect(() =>
        e.editAsCdmsUser('Account', given!.AccountId as string, { ModifiedOn: new Date() }),
      ).toThrow(/maintained by the emulator/);
      expect(() =>
        e.editAsCdmsUser('Account', '0f8fad5b-d9cb-469f-a165-70867728950e', { Name: 'x' }),
      ).toThrow(/Does Not Exist/);
    }));

  it('accepts custom entities', async () => {
    const e = await start({
      entities: [
        {
          name: 'optevia_country',
          primaryNameAttribute: 'optevia_name',
          attributes: {
            optevia_name: 'Edm.String',
            optevia_population: 'Edm.Int64',
            optevia_rate: 'Edm.Double',
          },
        },
      ],
    });
    e.seed('optevia_country', [
      { optevia_name: 'France', optevia_population: 67_000_000, optevia_rate: 1.5 },
    ]);
    const answer = await request(`${e.serviceUrl}/optevia_countrySet?$filter=optevia_population gt 1000`);
    expect(answer.body.d.results[0]).toMatchObject({
      __metadata: { type: 'Microsoft.Crm.Sdk.Data.Services.optevia_country' },
      optevia_name: 'France',
      optevia_population: '67000000',
      optevia_rate: 1.5,
    });
    expect(answer.body.d.results[0].optevia_countryId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await request(`${e.serviceUrl}/AccountSet`)).status).toBe(404);
  });
});

describe('IIS and formats', () => {
  it('answers 404 to a query string longer than 2048 characters, unless the limit is lifted', async () => {
    const ids = Array.from(
      { length: 40 },
      (_, index) => `guid'0f8fad5b-d9cb-469f-a165-${String(index).padStart(12, '0')}'`,
    );
    const filter = encodeURIComponent(ids.map((id) => `AccountId eq ${id}`).join(' or '));
    const e = await start();
    const tooLong = await fetch(`${e.serviceUrl}/AccountSet?$filter=${filter}`);
    expect(tooLong.status).toBe(404);
    expect(await tooLong.text()).toContain('404.15');
    expect(e.requests[0]).toMatchObject({ status: 404, operation: 'list' });
    await e.close();
    const lifted = await start({ maxQueryStringLength: Number.POSITIVE_INFINITY });
    expect((await fetch(`${lifted.serviceUrl}/AccountSet?$filter=${filter}`)).status).toBe(200);
  });

  it('answers Atom XML when JSON is not accepted, and serves the service document', async () => {
    const e = await start({ pageSize: 1 });
    e.seed('Account', [{ Name: 'A & B', Revenue: { Value: '1.50' } }, { Name: 'C' }]);
    const feed = await fetch(`${e.serviceUrl}/AccountSet?$orderby=Name`);
    expect(feed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await feed.text();
    expect(xml).toContain('<d:Name>A &amp; B</d:Name>');
    expect(xml).toContain(
      '<d:Revenue m:type="Microsoft.Crm.Sdk.Data.Services.Money"><d:Value m:type="Edm.Decimal">1.50</d:Value></d:Revenue>',
    );
    expect(xml).toMatch(/<link rel="next" href="[^"]*\$skiptoken=1,&#39;name&#39;,[^"]*" \/><\/feed>$/);
    const service = await request(`${e.serviceUrl}/`);
    expect(service.body).toEqual({ d: { EntitySets: ['AccountSet', 'ContactSet', 'SystemUserSet'] } });
  });
});

describe('metadata, log, lifecycle', () => {
  it('serves $metadata for the configured entities', async () => {
    const e = await start();
    const response = await fetch(`${e.serviceUrl}/$metadata`);
    expect(response.status).toBe(200);
    const model = parseMetadata(await response.text());
    expect(model.entitySets).toEqual({
      AccountSet: 'Account',
      ContactSet: 'Contact',
      SystemUserSet: 'SystemUser',
    });
    expect(model.entityTypes.Account?.key).toEqual(['AccountId']);
    expect(model.entityTypes.Account?.properties).toContainEqual({
      name: 'ParentAccountId',
      type: 'Microsoft.Crm.Sdk.Data.Services.EntityReference',
      // WCF Data Services requires complex properties to be non-nullable; CRM 2011 publishes them so.
      nullable: false,
    });
    expect(model.entityTypes.Contact?.properties).toContainEqual({
      name: 'ModifiedOn',
      type: 'Edm.DateTime',
      nullable: true,
    });
  });

  it('logs every request without cookies, and counts them by filter', async () => {
    const e = await start();
    e.seed('Account', [{ Name: 'Acme' }]);
    await fetch(`${e.serviceUrl}/AccountSet?$filter=Name%20eq%20'Acme'`, {
      headers: { Cookie: 'MSISAuth=secret', ...JSON_HEADERS },
    });
    await fetch(`${e.serviceUrl}/AccountSet`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer secret' },
      body: JSON.stringify({ Name: 'New' }),
    });
    expect(e.requests).toHaveLength(2);
    expect(e.requests[0]).toMatchObject({
      method: 'GET',
      path: '/ORG/XRMServices/2011/OrganizationData.svc/AccountSet',
      query: { $filter: "Name eq 'Acme'" },
      operation: 'list',
      service: 'Account',
      status: 200,
      faults: [],
    });
    expect(e.requests[0]!.headers.cookie).toBeUndefined();
    expect(e.requests[0]!.headers.accept).toBe('application/json');
    expect(e.requests[1]).toMatchObject({
      method: 'POST',
      body: { Name: 'New' },
      operation: 'create',
      status: 201,
    });
    expect(e.requests[1]!.headers.authorization).toBeUndefined();
    expect(e.requestCount()).toBe(2);
    expect(e.requestCount({ operation: 'create' })).toBe(1);
    expect(e.requestCount({ method: 'get', service: 'Account' })).toBe(1);
    expect(e.requestCount((entry) => entry.status === 201)).toBe(1);
    e.reset();
    expect(e.requestCount()).toBe(0);
    expect(e.records('Account')).toEqual([]);
  });

  it('frees the port on close', async () => {
    const e = await start();
    const port = e.port;
    await e.close();
    await expect(fetch(`${e.serviceUrl}/AccountSet`)).rejects.toThrow();
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
    const again = await start({ port });
    expect(again.url).toBe(`http://127.0.0.1:${port}/ORG`);
  });

  it('keeps two instances apart', async () => {
    const first = await start();
    const second = await startCdmsEmulator();
    try {
      first.seed('Account', [{ Name: 'Only here' }]);
      expect(second.records('Account')).toEqual([]);
      expect(second.port).not.toBe(first.port);
    } finally {
      await second.close();
    }
  });
});
