import { describe, expect, it } from 'vitest';
import { CdmsClient } from '../client/cdms-client';
import type { CdmsLogger, CdmsRequestEvent } from '../client/types';
import { emulatorPerTest } from '../emulator/__fixtures__/emulator-test-kit';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { captureError, describeError } from './__fixtures__/auth-test-kit';
import { NtlmAuth } from './ntlm-auth';

// NTLM end to end: the client's NtlmAuth against the emulator's IIS-like Windows authentication,
// which checks the type 1 / type 3 messages and the NTLMv2 response for its configured user.
// (No nock here: its interceptors replace sockets, and NTLM is about keeping one socket.)

const start = emulatorPerTest();
const USER = 'CORP\\alice';
const PASSWORD = 'correct horse battery staple';

function recordingLogger(): CdmsLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
  };
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

function ntlmClient(
  baseUrl: string,
  options: { username?: string; password?: string; scheme?: 'NTLM' | 'Negotiate' } = {},
) {
  const logger = recordingLogger();
  const auth = new NtlmAuth({
    username: options.username ?? USER,
    password: options.password ?? PASSWORD,
    workstation: 'WS1',
    logger,
    ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
  });
  const client = new CdmsClient({ baseUrl, auth, retries: false, logger });
  const events: CdmsRequestEvent[] = [];
  client.on('request', (event) => events.push(event));
  return { client, auth, logger, events };
}

describe('NtlmAuth against the emulator', () => {
  it('shakes hands once on a kept-alive connection, then sends requests without Authorization', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const { client, auth } = ntlmClient(e.url);
    const created = await client.create('Account', { Name: 'Acme' });
    expect(await client.get('Account', String(created.AccountId), { select: ['Name'] })).toEqual({
      Name: 'Acme',
    });
    await client.update('Account', String(created.AccountId), { Name: 'Acme Ltd' });
    expect((await client.list('Account')).results).toHaveLength(1);
    await client.delete('Account', String(created.AccountId));
    // type 1 -> 401 with the challenge, type 3 -> 201 (the create itself), then one request each.
    expect(e.requests.map((request) => `${request.operation} ${request.status}`)).toEqual([
      'create 401',
      'create 201',
      'get 200',
      'update 204',
      'list 200',
      'delete 204',
    ]);
    expect(e.records('Account')).toEqual([]);
    auth.close();
  });

  it('accepts user@domain and the Negotiate scheme', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const upn = ntlmClient(e.url, { username: 'alice@corp.example.org', scheme: 'Negotiate' });
    expect((await upn.client.list('Account')).results).toEqual([]);
    expect(e.requests.map((request) => request.status)).toEqual([401, 200]);
    upn.auth.close();
  });

  it('falls back to the scheme the server offers when it offers only the other one', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD, schemes: ['Negotiate'] } });
    const { client, auth } = ntlmClient(e.url, { scheme: 'Negotiate' });
    expect((await client.list('Account')).results).toEqual([]);
    auth.close();
  });

  it('shakes hands again when the connection was closed', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const { client, auth, events } = ntlmClient(e.url);
    await client.list('Account');
    auth.close();
    e.expireSessions();
    await client.list('Account');
    expect(e.requests.map((request) => request.status)).toEqual([401, 200, 401, 200]);
    expect(events.map((event) => event.status)).toEqual([200, 200]);
    auth.close();
  });

  it('a wrong password fails with a CdmsLoginError that names no credential, in no log line or event', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const { client, auth, logger, events } = ntlmClient(e.url, { password: 'wrong-password-value' });
    const error = await captureError(client.list('Account'));
    expect(isCdmsLoginError(error)).toBe(true);
    expect(error.message).toMatch(/rejected the credentials/);
    // One handshake: no retry, no replay.
    expect(e.requests.map((request) => request.status)).toEqual([401, 401]);
    const texts = [describeError(error), logger.lines.join('\n'), JSON.stringify(events)];
    for (const text of texts) {
      for (const secret of ['wrong-password-value', 'alice', 'TlRMTVNT']) expect(text).not.toContain(secret);
    }
    expect(client.stats()).toMatchObject({ total: 1, authReplays: 0, failures: 1 });
    auth.close();
  });

  it('a wrong user name fails the same way', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const { client, auth } = ntlmClient(e.url, { username: 'CORP\\mallory' });
    expect(isCdmsLoginError(await captureError(client.list('Account')))).toBe(true);
    auth.close();
  });

  it('concurrent requests use at most maxConnections connections, each authenticated once', async () => {
    const e = await start({ ntlm: { username: USER, password: PASSWORD } });
    const auth = new NtlmAuth({ username: USER, password: PASSWORD, maxConnections: 2 });
    const client = new CdmsClient({ baseUrl: e.url, auth, retries: false });
    await Promise.all(Array.from({ length: 8 }, () => client.list('Account')));
    expect(e.requestCount({ status: 401 })).toBe(2);
    expect(e.requestCount({ status: 200 })).toBe(8);
    auth.close();
  });

  it('validates its options without echoing them', () => {
    expect(() => new NtlmAuth({ username: '', password: 'x' })).toThrow(
      /username must be a non-empty string/,
    );
    expect(() => new NtlmAuth({ username: 'a', password: 'x', maxConnections: 0 })).toThrow(/maxConnections/);
  });
});
