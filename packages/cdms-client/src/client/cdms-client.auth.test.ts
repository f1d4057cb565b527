import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isCdmsError } from '../errors/cdms-error';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { isCdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  blockRealNetwork,
  crm,
  fakeAuth,
  odataError,
  type RecordedRequest,
  rawAccount,
  recordAndReply,
  rejectionOf,
  SERVICE_PATH,
  serialiseWithCauses,
  testClient,
} from './__fixtures__/cdms-test-kit';

blockRealNetwork();

const SECRETS = ['secret-cookie-value', 'secret-bearer-token', 'MSISAuth', 'Bearer'];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('CdmsClient authentication', () => {
  it('asks auth for headers with baseUrl and an axios instance', async () => {
    const auth = fakeAuth();
    const { client } = testClient({ auth });
    crm()
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Acme') });
    await client.get('Account', ACCOUNT_ID);
    expect(auth.headers).toHaveBeenCalledTimes(1);
    const context = auth.headers.mock.calls[0]?.[0] as unknown as {
      baseUrl: string;
      http: { request: unknown };
    };
    expect(context?.baseUrl).toBe('https://crm.example.org/ORG');
    expect(typeof context?.http.request).toBe('function');
  });

  it('a 401 invalidates the session and replays once with fresh headers', async () => {
    const recorded: RecordedRequest[] = [];
    const auth = fakeAuth();
    const { client, events } = testClient({ auth });
    crm()
      .get(ACCOUNT_PATH)
      .reply(recordAndReply(recorded, 401, odataError('session expired')))
      .get(ACCOUNT_PATH)
      .reply(recordAndReply(recorded, 200, { d: rawAccount(ACCOUNT_ID, 'Acme') }));

    expect((await client.get('Account', ACCOUNT_ID)).Name).toBe('Acme');

    expect(auth.invalidate).toHaveBeenCalledTimes(1);
    expect(recorded.map((request) => request.headers.cookie)).toEqual([
      'MSISAuth=secret-cookie-value-1',
      'MSISAuth=secret-cookie-value-2',
    ]);
    expect(events.map((event) => [event.attempt, event.status])).toEqual([
      [1, 401],
      [2, 200],
    ]);
    expect(client.stats()).toMatchObject({ total: 2, retries: 0, authReplays: 1, failures: 1 });
  });

  it('a second 401 throws CdmsUnauthorizedError without another invalidation', async () => {
    const auth = fakeAuth();
    const { client } = testClient({ auth });
    crm().post(ACCOUNT_PATH).times(3).reply(401, odataError('still expired'));
    const error = await rejectionOf(client.update('Account', ACCOUNT_ID, { Name: 'x' }));
    expect(isCdmsUnauthorizedError(error)).toBe(true);
    expect(auth.invalidate).toHaveBeenCalledTimes(1);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('without auth a 401 throws at once', async () => {
    const { client } = testClient();
    crm().get(ACCOUNT_PATH).times(2).reply(401);
    expect(isCdmsUnauthorizedError(await rejectionOf(client.get('Account', ACCOUNT_ID)))).toBe(true);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('an auth failure that is not a CdmsError becomes a CdmsLoginError without its details', async () => {
    const auth = {
      headers: async () => {
        throw Object.assign(new Error('login failed'), {
          config: { headers: { Cookie: 'MSISAuth=secret-cookie-value' } },
        });
      },
      invalidate: async () => {},
    };
    const { client } = testClient({ auth });
    crm().get(ACCOUNT_PATH).reply(200, {});
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsLoginError(error)).toBe(true);
    expectNoSecret(serialiseWithCauses(error));
    expect(nock.pendingMocks()).toHaveLength(1);
  });
});

describe('CdmsClient never leaks auth headers', () => {
  it('not in errors, their causes, log lines or events, whatever fails', async () => {
    const auth = fakeAuth();
    const { client, events, logger } = testClient({
      auth,
      timeoutMs: 30,
      retries: { limit: 1, minTimeoutMs: 1 },
    });
    crm()
      .get(ACCOUNT_PATH)
      .times(2)
      .reply(404, odataError('missing'))
      .post(`${SERVICE_PATH}/AccountSet`)
      .reply(400, odataError('bad'))
      .post(ACCOUNT_PATH)
      .times(2)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .delete(ACCOUNT_PATH)
      .times(2)
      .delay(200)
      .reply(204)
      .get(`${SERVICE_PATH}/AccountSet`)
      .times(3)
      .reply(401, odataError('expired'))
      .get(`${SERVICE_PATH}/ContactSet`)
      .reply(200, 'not json');

    const errors = [
      await rejectionOf(client.get('Account', ACCOUNT_ID)),
      await rejectionOf(client.create('Account', { Name: 'x' })),
      await rejectionOf(client.update('Account', ACCOUNT_ID, { Name: 'x' })),
      await rejectionOf(client.delete('Account', ACCOUNT_ID)),
      await rejectionOf(client.list('Account')),
      await rejectionOf(client.list('Contact')),
    ];

    expect(errors.map((error) => (isCdmsError(error) ? error.code : error))).toEqual([
      'CDMS_NOT_FOUND',
      'CDMS_BAD_REQUEST',
      'CDMS_NETWORK_ERROR',
      'CDMS_TIMEOUT',
      'CDMS_UNAUTHORIZED',
      'CDMS_UNEXPECTED_RESPONSE',
    ]);
    for (const error of errors) {
      expectNoSecret(serialiseWithCauses(error));
      expectNoSecret(String(error));
    }
    expect(logger.lines.length).toBeGreaterThan(0);
    expectNoSecret(logger.lines.join('\n'));
    expect(events.length).toBeGreaterThan(6);
    expectNoSecret(JSON.stringify(events));
  });

  it('redacts credentials in the base URL from errors, logs and events', async () => {
    const { client, events, logger } = testClient({
      baseUrl: 'https://alice:secret-cookie-value@crm.example.org/ORG',
    });
    crm().get(ACCOUNT_PATH).reply(404);
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expectNoSecret(serialiseWithCauses(error));
    expectNoSecret(logger.lines.join('\n'));
    expectNoSecret(JSON.stringify(events));
    expect(events[0]?.url).toBe(`https://crm.example.org${ACCOUNT_PATH}`);
  });

  it('not when the session expired in any shape, nor in the typed error of the second expiry', async () => {
    const auth = fakeAuth();
    const { client, events, logger } = testClient({ auth });
    const signInUrl =
      'https://adfs.example.org/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fcrm.example.org%2f&wctx=secret-cookie-value&wresult=secret-bearer-token';
    const signInPage =
      '<html><body><form method="post" action="/adfs/ls/"><input name="ctl00$UsernameTextBox" value="secret-cookie-value"/><input type="password" name="ctl00$PasswordTextBox"/></form></body></html>';
    crm()
      .get(ACCOUNT_PATH)
      .reply(302, 'Object moved', { Location: signInUrl })
      .get(ACCOUNT_PATH)
      .reply(200, signInPage, { 'Content-Type': 'text/html; charset=utf-8' });

    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));

    expect(isCdmsUnauthorizedError(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, sessionExpiry: 'sign-in-page' });
    expect(auth.invalidate).toHaveBeenCalledTimes(1);
    // The session the first request carried is the one invalidated.
    expect(auth.invalidate.mock.calls[0]?.[0]).toMatchObject({
      headers: { Cookie: 'MSISAuth=secret-cookie-value-1' },
    });
    expect(events.map((event) => [event.status, event.errorCode])).toEqual([
      [302, 'CDMS_UNAUTHORIZED'],
      [200, 'CDMS_UNAUTHORIZED'],
    ]);
    expect(client.stats()).toMatchObject({ total: 2, authReplays: 1, failures: 2 });
    expectNoSecret(serialiseWithCauses(error));
    expectNoSecret(String(error));
    expectNoSecret(logger.lines.join('\n'));
    expectNoSecret(JSON.stringify(events));
  });

  it('a redirect that is not to a sign-in page stays an unexpected answer, without a replay', async () => {
    const auth = fakeAuth();
    const { client } = testClient({ auth });
    crm()
      .get(ACCOUNT_PATH)
      .reply(301, '', { Location: `https://crm.example.org${ACCOUNT_PATH}` });
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsError(error) && error.code).toBe('CDMS_UNEXPECTED_RESPONSE');
    expect(auth.invalidate).not.toHaveBeenCalled();
  });
});
