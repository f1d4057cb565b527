import axios, { AxiosError } from 'axios';
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockRealNetwork, recordingLogger } from '../client/__fixtures__/cdms-test-kit';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { captureError, describeError } from './__fixtures__/auth-test-kit';
import { AdfsFormAuth } from './adfs-form-auth';
import type { CdmsAuthContext } from './cdms-auth';
import { MemoryCookieStore } from './memory-cookie-store';

const CRM = 'https://crm.example.org';
const STS = 'https://sts.crm.example.org';
const ADFS = 'https://adfs.example.org';
const ADFS_URL = 'https://adfs.example.org/adfs/services/trust';
const USERNAME = 'EXAMPLE\\alice.smith';
const PASSWORD = 'pa$$ w0rd&<secret>';
const TOKEN_1 =
  '<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust"><saml:Assertion>first-token-SECRET1</saml:Assertion></t:RequestSecurityTokenResponse>';
const TOKEN_2 =
  '<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust"><saml:Assertion>second-token-SECRET2</saml:Assertion></t:RequestSecurityTokenResponse>';
const COOKIE_VALUES = [
  'ReqClientIdValue',
  'MSISAuthValueAAAA',
  'MSISAuth1ValueBBBB',
  'ctx-cookie-1',
  'adfs-auth-cookie',
];

const htmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const loginFormHtml = (errorText?: string) => `<!DOCTYPE html>
<html><head><title>Sign In</title>
<script type="text/javascript">var x = "<form action='/evil'>";</script></head>
<body>
<form method="post" action="/adfs/ls/?wa=wsignin1.0&amp;wtrealm=https%3a%2f%2fsts.crm.example.org%2f&amp;wctx=abc" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTk=" />
<input type="hidden" name="__EVENTVALIDATION" value="/wEWBAK&amp;x" />
<!-- <input name="commented" value="no"> -->
<label>User name</label><input name="ctl00$ContentPlaceHolder1$UsernameTextBox" type="text" id="ctl00_ContentPlaceHolder1_UsernameTextBox" />
<label>Password</label><input name="ctl00$ContentPlaceHolder1$PasswordTextBox" type="password" id="ctl00_ContentPlaceHolder1_PasswordTextBox" />
<input type="checkbox" name="ctl00$ContentPlaceHolder1$Remember" />
<input type="submit" name="ctl00$ContentPlaceHolder1$SubmitButton" value="Sign In" id="ctl00_ContentPlaceHolder1_SubmitButton" />
${errorText === undefined ? '' : `<span id="ctl00_ContentPlaceHolder1_ErrorTextLabel"><p>${htmlEscape(errorText)}</p></span>`}
</form></body></html>`;

const tokenFormHtml = (
  action: string,
  token: string,
  context: string,
) => `<html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="${action}"><input type="hidden" name="wa" value="wsignin1.0" /><input type="hidden" name="wresult" value="${htmlEscape(token)}" /><input type="hidden" name="wctx" value="${htmlEscape(context)}" /><noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>
<script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>`;

interface RecordedRequest {
  method: string;
  url: string;
  cookie: string | undefined;
  contentType: string | undefined;
  form: Record<string, string> | undefined;
}

let recorded: RecordedRequest[] = [];

/** A `.reply()` callback that records the request (sent to `origin`) and answers `status`. */
function recordAndReply(
  origin: string,
  status: number,
  body: string,
  headers: Record<string, string | string[]>,
) {
  return function (
    this: { req: { method: string; headers: Record<string, string> } },
    uri: string,
    requestBody: unknown,
  ): [number, string, Record<string, string | string[]>] {
    recorded.push({
      method: this.req.method,
      url: `${origin}${uri}`,
      cookie: this.req.headers.cookie,
      contentType: this.req.headers['content-type'],
      form:
        typeof requestBody === 'string' && requestBody.length > 0
          ? Object.fromEntries(new URLSearchParams(requestBody))
          : undefined,
    });
    return [status, body, headers];
  };
}

/** The whole passive chain: CRM -> its STS -> the federated ADFS (login) -> STS (hop 1) -> CRM (hop 2). */
function mockLoginChain(options: { cookieExpiry?: string } = {}) {
  const expiry = options.cookieExpiry ?? 'Max-Age=3600';
  nock(CRM)
    .get('/ORG/')
    .query({ whr: ADFS_URL })
    .reply(
      recordAndReply(CRM, 302, '', {
        Location: `${STS}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fcrm.example.org%2f&wctx=rm%3d1&whr=${encodeURIComponent(ADFS_URL)}`,
        'Set-Cookie': ['ReqClientId=ReqClientIdValue; expires=Fri, 01-Jan-2100 00:00:00 GMT; path=/; secure'],
      }),
    );
  nock(STS)
    .get('/adfs/ls/')
    .query(true)
    .reply(
      recordAndReply(STS, 302, '', {
        Location: `${ADFS}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fsts.crm.example.org%2f&wctx=abc`,
        'Set-Cookie': ['MSISContext=ctx-cookie-1; path=/adfs; HttpOnly; Secure'],
      }),
    );
  nock(ADFS)
    .get('/adfs/ls/')
    .query(true)
    .reply(
      recordAndReply(ADFS, 200, loginFormHtml(), {
        'Content-Type': 'text/html',
        'Set-Cookie': ['MSISLoopDetectionCookie=loop1; path=/adfs'],
      }),
    );
  nock(ADFS)
    .post('/adfs/ls/')
    .query(true)
    .reply(
      recordAndReply(
        ADFS,
        200,
        tokenFormHtml('https://sts.crm.example.org/adfs/ls/', TOKEN_1, 'rm=1&id=passive'),
        { 'Content-Type': 'text/html', 'Set-Cookie': ['MSISAuth=adfs-auth-cookie; path=/adfs; secure'] },
      ),
    );
  nock(STS)
    .post('/adfs/ls/')
    .reply(
      recordAndReply(STS, 200, tokenFormHtml('https://crm.example.org/ORG/', TOKEN_2, 'rm=1&ru=/ORG/'), {
        'Content-Type': 'text/html',
      }),
    );
  nock(CRM)
    .post('/ORG/')
    .reply(
      recordAndReply(CRM, 302, '', {
        Location: '/ORG/default.aspx',
        'Set-Cookie': [
          `MSISAuth=MSISAuthValueAAAA; ${expiry}; path=/; secure; HttpOnly`,
          `MSISAuth1=MSISAuth1ValueBBBB; ${expiry}; path=/; secure`,
        ],
      }),
    );
}

const context = (): CdmsAuthContext => ({ baseUrl: `${CRM}/ORG`, http: axios.create() });

function expectNoSecrets(text: string) {
  for (const secret of [
    PASSWORD,
    encodeURIComponent(PASSWORD),
    USERNAME,
    'alice.smith',
    'SECRET1',
    'SECRET2',
    ...COOKIE_VALUES,
  ]) {
    expect(text).not.toContain(secret);
  }
}

blockRealNetwork();

afterEach(() => {
  recorded = [];
});

describe('AdfsFormAuth', () => {
  it('logs in through ADFS and two STS hops, sending the right requests and cookies', async () => {
    mockLoginChain();
    const logger = recordingLogger();
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD, logger });

    const headers = await auth.headers(context());

    expect(headers).toEqual({
      Cookie: 'ReqClientId=ReqClientIdValue; MSISAuth=MSISAuthValueAAAA; MSISAuth1=MSISAuth1ValueBBBB',
    });
    expect(nock.isDone()).toBe(true);
    expect(recorded).toEqual([
      {
        method: 'GET',
        url: `${CRM}/ORG/?whr=${encodeURIComponent(ADFS_URL)}`,
        cookie: undefined,
        contentType: undefined,
        form: undefined,
      },
      {
        method: 'GET',
        url: `${STS}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fcrm.example.org%2f&wctx=rm%3d1&whr=${encodeURIComponent(ADFS_URL)}`,
        cookie: undefined,
        contentType: undefined,
        form: undefined,
      },
      {
        method: 'GET',
        url: `${ADFS}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fsts.crm.example.org%2f&wctx=abc`,
        cookie: undefined,
        contentType: undefined,
        form: undefined,
      },
      {
        method: 'POST',
        url: `${ADFS}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fsts.crm.example.org%2f&wctx=abc`,
        cookie: 'MSISLoopDetectionCookie=loop1',
        contentType: 'application/x-www-form-urlencoded',
        form: {
          __VIEWSTATE: '/wEPDwUKMTk=',
          __EVENTVALIDATION: '/wEWBAK&x',
          ctl00$ContentPlaceHolder1$UsernameTextBox: USERNAME,
          ctl00$ContentPlaceHolder1$PasswordTextBox: PASSWORD,
          ctl00$ContentPlaceHolder1$SubmitButton: 'Sign In',
        },
      },
      {
        method: 'POST',
        url: `${STS}/adfs/ls/`,
        cookie: 'MSISContext=ctx-cookie-1',
        contentType: 'application/x-www-form-urlencoded',
        form: { wa: 'wsignin1.0', wresult: TOKEN_1, wctx: 'rm=1&id=passive' },
      },
      {
        method: 'POST',
        url: `${CRM}/ORG/`,
        cookie: 'ReqClientId=ReqClientIdValue',
        contentType: 'application/x-www-form-urlencoded',
        form: { wa: 'wsignin1.0', wresult: TOKEN_2, wctx: 'rm=1&ru=/ORG/' },
      },
    ]);
    // The logger saw every hop but none of the secrets.
    expect(logger.lines.length).toBeGreaterThanOrEqual(6);
    expectNoSecrets(logger.lines.join('\n'));
  });

  it('reuses the session in memory without any request', async () => {
    mockLoginChain();
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD });
    const first = await auth.headers(context());
    recorded = [];
    const second = await auth.headers(context());
    expect(second).toEqual(first);
    expect(recorded).toEqual([]);
  });

  it('fails with the ErrorTextLabel text when ADFS shows the form again', async () => {
    nock(CRM)
      .get('/ORG/')
      .query(true)
      .reply(302, '', { Location: `${ADFS}/adfs/ls/?wa=wsignin1.0` });
    nock(ADFS).get('/adfs/ls/').query(true).reply(200, loginFormHtml());
    nock(ADFS)
      .post('/adfs/ls/')
      .query(true)
      .reply(
        200,
        loginFormHtml(
          `Incorrect user ID or password. Type the correct user ID and password, and try again. (${USERNAME})`,
        ),
      );
    const logger = recordingLogger();
    const cookieStore = new MemoryCookieStore();
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      cookieStore,
      logger,
    });

    const error = await captureError(auth.headers(context()));

    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.name).toBe('CdmsLoginError');
    expect((error as { code?: string }).code).toBe('CDMS_LOGIN_FAILED');
    expect(error.message).toContain(
      'Incorrect user ID or password. Type the correct user ID and password, and try again.',
    );
    expect(error.message).toContain('(REDACTED)');
    expectNoSecrets(describeError(error));
    expectNoSecrets(logger.lines.join('\n'));
    expect(await cookieStore.load()).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('fails clearly when the first page has no login form', async () => {
    nock(CRM).get('/ORG/').query(true).reply(200, '<html><body><h1>Welcome to IIS</h1></body></html>');
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      loginRetries: false,
    });
    const error = await captureError(auth.headers(context()));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toMatch(/without a login form/);
    expect(error.message).toContain(`${CRM}/ORG/`);
  });

  it('fails clearly when the credentials post answers an unexpected page', async () => {
    nock(CRM).get('/ORG/').query(true).reply(200, loginFormHtml());
    nock(CRM).post('/adfs/ls/').query(true).reply(200, '<html><body>Maintenance</body></html>');
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      loginRetries: false,
    });
    const error = await captureError(auth.headers(context()));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toMatch(/without a token form/);
    expectNoSecrets(describeError(error));
  });

  it('fails with the status when a login page answers an error status', async () => {
    nock(CRM).get('/ORG/').query(true).reply(503, 'Service Unavailable');
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      loginRetries: false,
    });
    const error = await captureError(auth.headers(context()));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toContain('answered 503');
    expect((error as { status?: number }).status).toBe(503);
  });

  it('stops after maxHops token forms', async () => {
    nock(CRM).get('/ORG/').query(true).reply(200, loginFormHtml());
    nock(CRM)
      .post('/adfs/ls/')
      .query(true)
      .reply(200, tokenFormHtml('/loop', TOKEN_1, 'x'));
    nock(CRM)
      .post('/loop')
      .times(2)
      .reply(200, tokenFormHtml('/loop', TOKEN_1, 'x'));
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD, maxHops: 2 });
    const error = await captureError(auth.headers(context()));
    expect(error.message).toContain('after 2 hops');
    expectNoSecrets(describeError(error));
    expect(nock.isDone()).toBe(true);
  });

  it('never leaks the posted form when the network fails', async () => {
    nock(CRM).get('/ORG/').query(true).reply(200, loginFormHtml());
    const http = axios.create();
    const defaultAdapter = axios.getAdapter(axios.defaults.adapter);
    // The connection resets on the credentials post; the axios error carries the posted form.
    http.defaults.adapter = (config) => {
      if (config.method?.toUpperCase() === 'POST') {
        return Promise.reject(new AxiosError('socket hang up', 'ECONNRESET', config));
      }
      return defaultAdapter(config);
    };
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      loginRetries: false,
    });
    const error = await captureError(auth.headers({ baseUrl: `${CRM}/ORG`, http }));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toBe(
      `Login failed: POST ${CRM}/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fsts.crm.example.org%2f&wctx=REDACTED could not be completed (ECONNRESET)`,
    );
    expect(error.cause).toBeUndefined();
    expectNoSecrets(describeError(error));
  });

  it('logs in again after invalidate() and when the session cookie has expired', async () => {
    mockLoginChain({ cookieExpiry: 'Max-Age=60' });
    const cookieStore = new MemoryCookieStore();
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD, cookieStore });
    await auth.headers(context());
    expect(await cookieStore.load()).toBeDefined();

    await auth.invalidate();
    expect(await cookieStore.load()).toBeUndefined();
    recorded = [];
    mockLoginChain({ cookieExpiry: 'Max-Age=60' });
    await auth.headers(context());
    expect(recorded).toHaveLength(6);

    // Two minutes later both auth cookies have expired: a new login without being told.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 120_000);
      recorded = [];
      mockLoginChain({ cookieExpiry: 'Max-Age=60' });
      await auth.headers(context());
      expect(recorded).toHaveLength(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reuses a stored session without any request, and logs in when the stored one has expired', async () => {
    const cookieStore = new MemoryCookieStore({
      cookies: [
        { name: 'MSISAuth', value: 'stored-a', expiresAt: Date.now() + 3_600_000 },
        { name: 'MSISAuth1', value: 'stored-b' },
      ],
      savedAt: Date.now(),
    });
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD, cookieStore });
    expect(await auth.headers(context())).toEqual({ Cookie: 'MSISAuth=stored-a; MSISAuth1=stored-b' });
    expect(recorded).toEqual([]);

    await cookieStore.save({
      cookies: [{ name: 'MSISAuth', value: 'old', expiresAt: Date.now() - 1 }],
      savedAt: 0,
    });
    const second = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      cookieStore,
    });
    mockLoginChain();
    expect((await second.headers(context())).Cookie).toContain('MSISAuth=MSISAuthValueAAAA');
    expect(recorded).toHaveLength(6);
    expect((await cookieStore.load())?.cookies.map((cookie) => cookie.value)).toEqual([
      'ReqClientIdValue',
      'MSISAuthValueAAAA',
      'MSISAuth1ValueBBBB',
    ]);

    // A third instance (a restarted process) reuses what the second one saved.
    recorded = [];
    const third = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      cookieStore,
    });
    expect((await third.headers(context())).Cookie).toContain('MSISAuth1=MSISAuth1ValueBBBB');
    expect(recorded).toEqual([]);
  });

  it('shares one login between concurrent headers() calls', async () => {
    mockLoginChain();
    const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD });
    const results = await Promise.all([
      auth.headers(context()),
      auth.headers(context()),
      auth.headers(context()),
    ]);
    expect(recorded).toHaveLength(6);
    expect(new Set(results.map((headers) => headers.Cookie)).size).toBe(1);
  });

  it('lets the next call log in again after a failed login', async () => {
    nock(CRM).get('/ORG/').query(true).reply(500, 'boom');
    const auth = new AdfsFormAuth({
      adfsUrl: ADFS_URL,
      username: USERNAME,
      password: PASSWORD,
      loginRetries: false,
    });
    await expect(auth.headers(context())).rejects.toThrow(/answered 500/);
    mockLoginChain();
    expect((await auth.headers(context())).Cookie).toContain('MSISAuth=');
  });

  it('rejects bad options before any request', () => {
    expect(
      () => new AdfsFormAuth({ adfsUrl: 'adfs.example.org', username: USERNAME, password: PASSWORD }),
    ).toThrow(/adfsUrl/);
    expect(() => new AdfsFormAuth({ adfsUrl: ADFS_URL, username: '', password: PASSWORD })).toThrow(
      /username/,
    );
    expect(
      () => new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD, maxHops: 0 }),
    ).toThrow(/maxHops/);
  });
});

describe('AdfsFormAuth adfsUrl', () => {
  it.each(['https://adfs.example.org', 'https://adfs.example.org/', `${ADFS_URL}/`])(
    '%s is sent as the same home realm as the prototype value',
    async (adfsUrl) => {
      nock(CRM).get('/ORG/').query({ whr: ADFS_URL }).reply(500, 'boom');
      const auth = new AdfsFormAuth({ adfsUrl, username: USERNAME, password: PASSWORD, loginRetries: false });
      await expect(auth.headers(context())).rejects.toThrow(/answered 500/);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );
});
