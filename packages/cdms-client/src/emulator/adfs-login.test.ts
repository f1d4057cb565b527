import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './__fixtures__/emulator-test-kit';
import {
  ADFS_ERROR_LABEL_ID,
  ADFS_INCORRECT_CREDENTIALS,
  ADFS_PASSWORD_FIELD,
  ADFS_USERNAME_FIELD,
} from './adfs-login';
import type { CdmsEmulator } from './types';

const start = emulatorPerTest();

const ADFS_URL = 'https://adfs.example.org/adfs/services/trust';
const T0 = Date.UTC(2016, 1, 28, 10, 0, 0);

function decodeEntities(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

/** The forms of a page: action and inputs (name -> value), read with regular expressions. */
function readForm(html: string): { action: string; inputs: Map<string, string> } {
  const action = /<form[^>]*\baction="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in ${html}`);
  const inputs = new Map<string, string>();
  for (const match of html.matchAll(/<input\b([^>]*)\/?>/g)) {
    const attributes = match[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attributes)?.[1];
    if (name !== undefined)
      inputs.set(decodeEntities(name), decodeEntities(/\bvalue="([^"]*)"/.exec(attributes)?.[1] ?? ''));
  }
  return { action: decodeEntities(action), inputs };
}

async function postForm(url: string, fields: Map<string, string>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookie === undefined ? {} : { Cookie: cookie }),
    },
    body: new URLSearchParams([...fields]).toString(),
  });
}

/** Walks the whole passive flow by hand; returns the cookie header for OData calls. */
async function logIn(e: CdmsEmulator, password = 'secret'): Promise<string> {
  const loginPage = await fetch(`${e.url}/?whr=${encodeURIComponent(ADFS_URL)}`, { redirect: 'manual' });
  expect(loginPage.status).toBe(200);
  const login = readForm(await loginPage.text());
  expect([...login.inputs.keys()]).toEqual([
    '__VIEWSTATE',
    '__EVENTVALIDATION',
    '__db',
    ADFS_USERNAME_FIELD,
    ADFS_PASSWORD_FIELD,
    'ctl00$ContentPlaceHolder1$SubmitButton',
  ]);
  login.inputs.set(ADFS_USERNAME_FIELD, 'CORP\\alice');
  login.inputs.set(ADFS_PASSWORD_FIELD, password);
  const firstHop = await postForm(login.action, login.inputs);
  expect(firstHop.status).toBe(200);
  const identityToken = readForm(await firstHop.text());
  expect(identityToken.action).toBe(`${new URL(e.url).origin}/resource-sts/adfs/ls/`);
  expect([...identityToken.inputs.keys()]).toEqual(['wa', 'wresult', 'wctx']);
  expect(identityToken.inputs.get('wa')).toBe('wsignin1.0');
  const secondHop = await postForm(identityToken.action, identityToken.inputs);
  expect(secondHop.status).toBe(200);
  const resourceToken = readForm(await secondHop.text());
  expect(resourceToken.action).toBe(`${e.url}/`);
  const final = await postForm(resourceToken.action, resourceToken.inputs);
  expect(final.status).toBe(302);
  expect(final.headers.get('location')).toBe(`${e.url}/`);
  const cookies = final.headers.getSetCookie();
  expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['MSISAuth', 'ReqClientId']);
  return cookies.map((cookie) => cookie.split(';')[0]).join('; ');
}

describe('ADFS-like login', () => {
  it('answers 401 without a cookie, and 200 after the passive flow', async () => {
    const e = await start({ auth: { username: 'CORP\\alice', password: 'secret' } });
    const anonymous = await fetch(`${e.serviceUrl}/AccountSet`, { headers: { Accept: 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: '' } });
    const cookie = await logIn(e);
    const answer = await fetch(`${e.serviceUrl}/AccountSet`, {
      headers: { Accept: 'application/json', Cookie: cookie },
    });
    expect(answer.status).toBe(200);
    const home = await fetch(`${e.url}/`, { headers: { Cookie: cookie } });
    expect(await home.text()).toContain('Microsoft Dynamics CRM');
  });

  it('returns the login form with the ErrorTextLabel on a wrong password, and logs no secret', async () => {
    const e = await start({ auth: { username: 'CORP\\alice', password: 'secret' } });
    const login = readForm(await (await fetch(`${e.url}/?whr=${encodeURIComponent(ADFS_URL)}`)).text());
    login.inputs.set(ADFS_USERNAME_FIELD, 'CORP\\alice');
    login.inputs.set(ADFS_PASSWORD_FIELD, 'wrong');
    const answer = await postForm(login.action, login.inputs);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(html).toContain(
      `<span id="${ADFS_ERROR_LABEL_ID}" class="TextColorError">${ADFS_INCORRECT_CREDENTIALS}</span>`,
    );
    expect(readForm(html).inputs.has(ADFS_PASSWORD_FIELD)).toBe(true);
    expect(html).not.toContain('wresult');
    expect(JSON.stringify(e.requests)).not.toContain('wrong');
    expect(e.requests[1]!.body).toMatchObject({ [ADFS_PASSWORD_FIELD]: '[redacted]' });
  });

  it('expires the cookie after cookieTtlMs (by the emulator clock)', async () => {
    let now = T0;
    const e = await start({
      clock: () => now,
      auth: { username: 'CORP\\alice', password: 'secret', cookieTtlMs: 60_000 },
    });
    const cookie = await logIn(e);
    const get = () =>
      fetch(`${e.serviceUrl}/AccountSet`, { headers: { Accept: 'application/json', Cookie: cookie } });
    now = T0 + 59_000;
    expect((await get()).status).toBe(200);
    now = T0 + 60_000;
    expect((await get()).status).toBe(401);
  });

  it('refuses a token that is replayed or forged', async () => {
    const e = await start({ auth: { username: 'CORP\\alice', password: 'secret' } });
    const login = readForm(await (await fetch(`${e.url}/`)).text());
    login.inputs.set(ADFS_USERNAME_FIELD, 'CORP\\alice');
    login.inputs.set(ADFS_PASSWORD_FIELD, 'secret');
    const identityToken = readForm(await (await postForm(login.action, login.inputs)).text());
    expect((await postForm(identityToken.action, identityToken.inputs)).status).toBe(200);
    expect((await postForm(identityToken.action, identityToken.inputs)).status).toBe(400);
    // An identity-provider token is not accepted by the organisation itself.
    const forged = new Map(identityToken.inputs);
    expect((await postForm(`${e.url}/`, forged)).status).toBe(400);
    expect((await fetch(`${e.serviceUrl}/AccountSet`)).status).toBe(401);
  });
});
