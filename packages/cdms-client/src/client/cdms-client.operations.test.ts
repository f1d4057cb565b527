import axios from 'axios';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { and, eq, property, substringof } from '../odata/filter-builder';
import { literal } from '../odata/literal';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  BASE_URL,
  blockRealNetwork,
  crm,
  fakeAuth,
  ORIGIN,
  type RecordedRequest,
  rawAccount,
  recordAndReply,
  SERVICE_PATH,
  testClient,
} from './__fixtures__/cdms-test-kit';
import { CdmsClient } from './cdms-client';

blockRealNetwork();

const JSON_HEADERS = {
  accept: 'application/json',
  dataserviceversion: '2.0',
  maxdataserviceversion: '2.0',
};

describe('CdmsClient operations: the exact request and the decoded answer', () => {
  it('list: GET {set}?$filter… with a serialised tree, JSON headers and auth headers', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient({ auth: fakeAuth() });
    crm()
      .get(() => true)
      .reply(recordAndReply(recorded, 200, { d: { results: [rawAccount(ACCOUNT_ID, "O'Neil & Co")] } }));

    const page = await client.list('Account', {
      filter: and(
        eq(property('Name'), literal.string("O'Neil & Co")),
        substringof(literal.string('x'), property('Name')),
      ),
      select: ['AccountId', 'Name'],
      orderBy: [
        { attribute: 'Name', direction: 'asc' },
        { attribute: 'ModifiedOn', direction: 'desc' },
      ],
      top: 10,
      skip: 20,
    });

    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(
      // Node's URL parser sends the quotes as %27 in a query (WHATWG "special-query" set); IIS decodes them.
      `${SERVICE_PATH}/AccountSet?$filter=Name%20eq%20%27O%27%27Neil%20%26%20Co%27%20and%20substringof(%27x%27,Name)` +
        '&$select=AccountId,Name&$orderby=Name%20asc,ModifiedOn%20desc&$top=10&$skip=20',
    );
    expect(request?.headers).toMatchObject({
      ...JSON_HEADERS,
      cookie: 'MSISAuth=secret-cookie-value-1',
      authorization: 'Bearer secret-bearer-token',
    });
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.headers['x-http-method']).toBeUndefined();
    expect(page).toEqual({
      results: [{ AccountId: ACCOUNT_ID, Name: "O'Neil & Co", ModifiedOn: new Date(1663715691000) }],
    });
  });

  it('list: a string filter is sent as given (encoded), and no options means no query string', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .get(() => true)
      .times(2)
      .reply(recordAndReply(recorded, 200, { d: { results: [] } }));

    await client.list('Contact', { filter: "LastName eq 'Smith'" });
    await client.list('Contact');

    expect(recorded.map((request) => request.path)).toEqual([
      `${SERVICE_PATH}/ContactSet?$filter=LastName%20eq%20%27Smith%27`,
      `${SERVICE_PATH}/ContactSet`,
    ]);
  });

  it('list: returns __next with the page', async () => {
    const { client } = testClient();
    const next = `https://crm.example.org${SERVICE_PATH}/AccountSet?$skiptoken=1`;
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(200, { d: { results: [rawAccount(ACCOUNT_ID, 'A')], __next: next } });
    const page = await client.list('Account');
    expect(page.next).toBe(next);
    expect(page.results).toHaveLength(1);
  });

  it("get: GET {set}(guid'…')?$select=… and decodes the entity", async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .get(() => true)
      .reply(recordAndReply(recorded, 200, { d: rawAccount(ACCOUNT_ID, 'Acme') }));

    const account = await client.get('Account', ACCOUNT_ID.toUpperCase(), { select: ['Name', 'ModifiedOn'] });

    expect(recorded[0]?.method).toBe('GET');
    expect(recorded[0]?.path).toBe(`${ACCOUNT_PATH}?$select=Name,ModifiedOn`);
    expect(recorded[0]?.headers).toMatchObject(JSON_HEADERS);
    expect(account).toEqual({ AccountId: ACCOUNT_ID, Name: 'Acme', ModifiedOn: new Date(1663715691000) });
  });

  it('get: without select there is no query string', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .get(() => true)
      .reply(recordAndReply(recorded, 200, { d: rawAccount(ACCOUNT_ID, 'Acme') }));
    await client.get('Account', ACCOUNT_ID);
    expect(recorded[0]?.path).toBe(ACCOUNT_PATH);
  });

  it('create: POST {set} with the encoded JSON body, expects 201 and returns the created entity', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient({ auth: fakeAuth() });
    crm()
      .post(() => true)
      .reply(recordAndReply(recorded, 201, { d: rawAccount(ACCOUNT_ID, 'Acme') }));

    const created = await client.create('Account', {
      Name: 'Acme',
      optevia_LastVisit: new Date(1456617600000),
      PrimaryContactId: { Id: ACCOUNT_ID, LogicalName: 'contact' },
      Skipped: undefined,
    });

    expect(recorded[0]?.method).toBe('POST');
    expect(recorded[0]?.path).toBe(`${SERVICE_PATH}/AccountSet`);
    expect(recorded[0]?.headers).toMatchObject({
      ...JSON_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      cookie: 'MSISAuth=secret-cookie-value-1',
    });
    expect(recorded[0]?.headers['x-http-method']).toBeUndefined();
    expect(JSON.parse(recorded[0]?.body ?? '')).toEqual({
      Name: 'Acme',
      optevia_LastVisit: '/Date(1456617600000)/',
      PrimaryContactId: { Id: ACCOUNT_ID, LogicalName: 'contact' },
    });
    expect(created).toEqual({ AccountId: ACCOUNT_ID, Name: 'Acme', ModifiedOn: new Date(1663715691000) });
  });

  it('update: POST {set}(guid) with X-HTTP-Method: MERGE and the body, accepts 204', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .post(() => true)
      .reply(recordAndReply(recorded, 204));

    await expect(
      client.update('Account', ACCOUNT_ID, { Name: 'Acme Ltd', Telephone1: null }),
    ).resolves.toBeUndefined();

    expect(recorded[0]?.method).toBe('POST');
    expect(recorded[0]?.path).toBe(ACCOUNT_PATH);
    expect(recorded[0]?.headers).toMatchObject({
      ...JSON_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'x-http-method': 'MERGE',
    });
    expect(recorded[0]?.body).toBe('{"Name":"Acme Ltd","Telephone1":null}');
  });

  it('update and delete accept 1223 as 204', async () => {
    // Node cannot send or parse a 4-digit status, so an adapter stands in for the old browser stack.
    const seen: string[] = [];
    const http = axios.create({
      adapter: async (config) => {
        seen.push(`${config.method?.toUpperCase()} ${config.url}`);
        return { status: 1223, statusText: '', data: '', headers: {}, config };
      },
    });
    const client = new CdmsClient({ baseUrl: BASE_URL, axios: http });
    await expect(client.update('Account', ACCOUNT_ID, { Name: 'x' })).resolves.toBeUndefined();
    await expect(client.delete('Account', ACCOUNT_ID)).resolves.toBeUndefined();
    expect(seen).toEqual([`POST ${ORIGIN}${ACCOUNT_PATH}`, `DELETE ${ORIGIN}${ACCOUNT_PATH}`]);
  });

  it('delete: DELETE {set}(guid) without a body', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .delete(() => true)
      .reply(recordAndReply(recorded, 204));
    await client.delete('Account', ACCOUNT_ID);
    expect(recorded[0]?.method).toBe('DELETE');
    expect(recorded[0]?.path).toBe(ACCOUNT_PATH);
    expect(recorded[0]?.headers).toMatchObject(JSON_HEADERS);
    expect(recorded[0]?.headers['content-type']).toBeUndefined();
    expect(recorded[0]?.body).toBe('');
  });

  it('normalises the base URL and honours a custom service path', async () => {
    const client = new CdmsClient({
      baseUrl: 'https://crm.example.org/ORG///',
      servicePath: 'custom/Data.svc/',
    });
    expect(client.baseUrl).toBe('https://crm.example.org/ORG');
    expect(client.serviceRoot).toBe('https://crm.example.org/ORG/custom/Data.svc');
    crm()
      .get('/ORG/custom/Data.svc/AccountSet')
      .reply(200, { d: { results: [] } });
    await client.list('Account');
    expect(nock.isDone()).toBe(true);
  });
});
