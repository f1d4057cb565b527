import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdfsFormAuth } from '../auth/adfs-form-auth';
import { emulatorPerTest } from '../emulator/__fixtures__/emulator-test-kit';
import type { CdmsEmulator, EmulatorAuthOptions } from '../emulator/types';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { isCdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  crm,
  fakeAuth,
  odataError,
  type RecordedRequest,
  rawAccount,
  recordAndReply,
  SERVICE_PATH,
  testClient,
} from './__fixtures__/cdms-test-kit';
import { CdmsClient } from './cdms-client';
import type { CdmsRequestEvent } from './types';

// An expired claims session in each of its shapes, against the emulator's ADFS-like login: a 401,
// a 302 to the sign-in page (what CRM 2011 IFD answers) and that sign-in page with 200. Each
// operation sees one sign-in, one replay and its normal outcome. (No nock: real sockets.)

const start = emulatorPerTest();
const USERNAME = 'CORP\\alice';
const PASSWORD = 'correct horse battery staple';
const SHAPES = ['status-401', 'sign-in-redirect', 'sign-in-page'] as const;
const EXPECTED_STATUS = { 'status-401': 401, 'sign-in-redirect': 302, 'sign-in-page': 200 } as const;

async function signedIn(auth: Partial<EmulatorAuthOptions> = {}, pageSize = 50) {
  const emulator = await start({ auth: { username: USERNAME, password: PASSWORD, ...auth }, pageSize });
  const adfs = new AdfsFormAuth({
    adfsUrl: 'https://adfs.example.org/adfs/services/trust',
    username: USERNAME,
    password: PASSWORD,
    loginRetries: { limit: 3, minTimeoutMs: 1, maxTimeoutMs: 5 },
  });
  // Room for the ten concurrent requests below, so all ten are sent with the old session.
  const client = new CdmsClient({
    baseUrl: emulator.url,
    auth: adfs,
    retries: false,
    budget: { maxConcurrent: 16 },
  });
  const events: CdmsRequestEvent[] = [];
  client.on('request', (event) => events.push(event));
  // Sign in once before the scenario.
  await client.list('Account', { top: 1 });
  emulator.clearRequests();
  events.length = 0;
  client.resetStats();
  return { emulator, client, events };
}

/** Sign-ins: the final token post to the organisation, which sets the session cookie. */
function signIns(emulator: CdmsEmulator): number {
  return emulator.requestCount({ method: 'POST', status: 302, path: /\/ORG\/?$/ });
}

describe.each(SHAPES)('an expired session answered as %s', (shape) => {
  const operations: Array<[string, (client: CdmsClient, emulator: CdmsEmulator) => Promise<void>]> = [
    [
      'get',
      async (client, emulator) => {
        const [acme] = emulator.seed('Account', [{ Name: 'Acme' }]);
        expect((await client.get('Account', String(acme!.AccountId), { select: ['Name'] })).Name).toBe(
          'Acme',
        );
      },
    ],
    [
      'create (without a key)',
      async (client, emulator) => {
        await client.create('Account', { Name: 'Acme' });
        expect(emulator.records('Account').map((record) => record.Name)).toEqual(['Acme']);
      },
    ],
    [
      'save (MERGE)',
      async (client, emulator) => {
        const [acme] = emulator.seed('Account', [{ Name: 'Acme' }]);
        await client.update('Account', String(acme!.AccountId), { Name: 'Acme Ltd' });
        expect(emulator.records('Account').map((record) => record.Name)).toEqual(['Acme Ltd']);
      },
    ],
    [
      'delete',
      async (client, emulator) => {
        const [acme] = emulator.seed('Account', [{ Name: 'Acme' }]);
        await client.delete('Account', String(acme!.AccountId));
        expect(emulator.records('Account')).toEqual([]);
      },
    ],
  ];

  it.each(operations)('%s: one sign-in, one replay, the normal outcome', async (_name, operation) => {
    const { emulator, client, events } = await signedIn({ expiredSession: shape });
    emulator.expireSessions();
    await operation(client, emulator);
    expect(signIns(emulator)).toBe(1);
    expect(client.stats()).toMatchObject({ total: 2, authReplays: 1, failures: 1 });
    expect(events.map((event) => [event.status, event.errorCode])).toEqual([
      [EXPECTED_STATUS[shape], 'CDMS_UNAUTHORIZED'],
      [expect.any(Number), undefined],
    ]);
  });

  it('list paging: the session expires between two pages; one sign-in, the page replayed, every row once', async () => {
    const { emulator, client } = await signedIn({ expiredSession: shape }, 2);
    emulator.seed(
      'Account',
      Array.from({ length: 5 }, (_, index) => ({ Name: `Org ${index}` })),
    );
    const names: string[] = [];
    let pages = 0;
    for await (const page of client.pages('Account', { select: ['Name'] })) {
      names.push(...page.results.map((row) => String(row.Name)));
      pages += 1;
      if (pages === 1) emulator.expireSessions();
    }
    expect(names.sort()).toEqual(['Org 0', 'Org 1', 'Org 2', 'Org 3', 'Org 4']);
    expect(signIns(emulator)).toBe(1);
    expect(client.stats()).toMatchObject({ total: 4, authReplays: 1 });
  });

  it('a session that stays rejected surfaces as CdmsUnauthorizedError after one more sign-in and one replay', async () => {
    // Every session the emulator creates is already expired.
    const emulator = await start({
      auth: { username: USERNAME, password: PASSWORD, cookieTtlMs: -1, expiredSession: shape },
    });
    const auth = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org',
      username: USERNAME,
      password: PASSWORD,
    });
    const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
    const error = await client.list('Account').catch((caught: unknown) => caught);
    expect(isCdmsUnauthorizedError(error)).toBe(true);
    expect(error).toMatchObject({ status: EXPECTED_STATUS[shape], sessionExpiry: shape });
    // The first sign-in (no session yet), then one after the expiry answer; never a third.
    expect(signIns(emulator)).toBe(2);
    expect(client.stats()).toMatchObject({ total: 2, authReplays: 1, failures: 2 });
  });
});

describe('concurrent expiry answers', () => {
  it.each(SHAPES)(
    'ten requests sent with the old session, answered %s one after another, share one sign-in',
    async (shape) => {
      const { emulator, client } = await signedIn({ expiredSession: shape });
      const [acme] = emulator.seed('Account', [{ Name: 'Acme' }]);
      emulator.expireSessions();
      // Spread the expiry answers out: the nth request is answered n * 15 ms late.
      for (let index = 0; index < 10; index += 1) {
        emulator.addFault({ operation: 'get', times: 1 }, { type: 'latency', ms: index * 15 });
      }
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          client.get('Account', String(acme!.AccountId), { select: ['Name'] }),
        ),
      );
      expect(results.map((row) => row.Name)).toEqual(Array(10).fill('Acme'));
      expect(signIns(emulator)).toBe(1);
      expect(client.stats()).toMatchObject({ authReplays: 10 });
    },
  );
});

describe('a flaky sign-in page', () => {
  it('is tried again (with backoff) until the form comes', async () => {
    const emulator = await start({ auth: { username: USERNAME, password: PASSWORD, flakySignInPages: 2 } });
    const warnings: string[] = [];
    const auth = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org',
      username: USERNAME,
      password: PASSWORD,
      loginRetries: { limit: 3, minTimeoutMs: 1, maxTimeoutMs: 5 },
      logger: {
        debug: () => {},
        info: () => {},
        error: () => {},
        warn: (message, details) => warnings.push(`${message} ${JSON.stringify(details)}`),
      },
    });
    const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
    expect((await client.list('Account')).results).toEqual([]);
    expect(signIns(emulator)).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/CDMS login failed; retrying .*"attempt":1/);
    for (const line of warnings) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain('alice');
    }
  });

  it('gives up after loginRetries with a CdmsLoginError', async () => {
    const emulator = await start({ auth: { username: USERNAME, password: PASSWORD, flakySignInPages: 10 } });
    const auth = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org',
      username: USERNAME,
      password: PASSWORD,
      loginRetries: { limit: 2, minTimeoutMs: 1, maxTimeoutMs: 5 },
    });
    const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
    const error = await client.list('Account').catch((caught: unknown) => caught);
    expect(isCdmsLoginError(error)).toBe(true);
    expect(emulator.requestCount({ method: 'GET', path: /\/ORG\/?$/ })).toBe(3);
  });

  it('a wrong password is never tried again', async () => {
    const emulator = await start({ auth: { username: USERNAME, password: PASSWORD } });
    const auth = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org',
      username: USERNAME,
      password: 'wrong-password',
      loginRetries: { limit: 5, minTimeoutMs: 1, maxTimeoutMs: 5 },
    });
    const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
    const error = await client.list('Account').catch((caught: unknown) => caught);
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error).toMatchObject({ transient: false });
    expect(emulator.requestCount({ method: 'POST' })).toBe(1);
  });
});

describe('a create replayed after an expired session', () => {
  describe('with its key (nock: the exact request sequence)', () => {
    beforeEach(() => {
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
    });
    afterEach(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    it('a keyed create whose replay meets a duplicate key reads the record back instead of failing', async () => {
      const recorded: RecordedRequest[] = [];
      const auth = fakeAuth();
      // Retries off: only the replay after the expiry answer sends the POST again.
      const { client, events } = testClient({ auth, retries: false });
      crm()
        .post(`${SERVICE_PATH}/AccountSet`)
        .reply(recordAndReply(recorded, 401, odataError('session expired')))
        .post(`${SERVICE_PATH}/AccountSet`)
        .reply(recordAndReply(recorded, 500, odataError('Cannot insert duplicate key.')))
        .get(ACCOUNT_PATH)
        .reply(recordAndReply(recorded, 200, { d: rawAccount(ACCOUNT_ID, 'Acme') }));

      const created = await client.create('Account', { AccountId: ACCOUNT_ID, Name: 'Acme' });

      expect(created).toEqual({ AccountId: ACCOUNT_ID, Name: 'Acme', ModifiedOn: new Date(1663715691000) });
      // One sign-in between the two POSTs, which carry the same key; then one read-back.
      expect(auth.invalidate).toHaveBeenCalledTimes(1);
      expect(recorded.map((request) => [request.method, request.headers.cookie])).toEqual([
        ['POST', 'MSISAuth=secret-cookie-value-1'],
        ['POST', 'MSISAuth=secret-cookie-value-2'],
        ['GET', 'MSISAuth=secret-cookie-value-2'],
      ]);
      expect(recorded.slice(0, 2).map((request) => JSON.parse(request.body ?? ''))).toEqual([
        { AccountId: ACCOUNT_ID, Name: 'Acme' },
        { AccountId: ACCOUNT_ID, Name: 'Acme' },
      ]);
      expect(
        events.map((event) => `${event.operation} ${event.method} ${event.errorCode ?? event.status}`),
      ).toEqual(['create POST CDMS_UNAUTHORIZED', 'create POST CDMS_SERVER_ERROR', 'get GET 200']);
      expect(client.stats()).toMatchObject({ retries: 0, authReplays: 1 });
      expect(nock.isDone()).toBe(true);
    });
  });

  it('an unkeyed create is replayed once: exactly one POST reaches the data service after the sign-in, one record', async () => {
    const { emulator, client } = await signedIn({ expiredSession: 'status-401' });
    emulator.expireSessions();

    const created = await client.create('Account', { Name: 'Acme' });

    expect(signIns(emulator)).toBe(1);
    const creates = emulator.requests.flatMap((request, index) =>
      request.operation === 'create' ? [{ index, status: request.status }] : [],
    );
    const signIn = emulator.requests.findIndex(
      (request) => request.method === 'POST' && request.status === 302 && /\/ORG\/?$/.test(request.path),
    );
    // The rejected POST before the sign-in, exactly one POST after it.
    expect(creates.filter((entry) => entry.index < signIn).map((entry) => entry.status)).toEqual([401]);
    expect(creates.filter((entry) => entry.index > signIn).map((entry) => entry.status)).toEqual([201]);
    expect(emulator.records('Account').map((record) => [record.AccountId, record.Name])).toEqual([
      [created.AccountId, 'Acme'],
    ]);
  });
});
