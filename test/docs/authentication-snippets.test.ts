/**
 * The authentication chooser of docs/cdms-client.md runs: each snippet is a file here (type-checked
 * by `pnpm typecheck` with the rest of test/), the guide must show it verbatim, and the test runs
 * it against the emulator speaking that deployment's authentication.
 */
import { readFileSync } from 'node:fs';
import { AdfsFormAuth, CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync } from '@cdms-sync/core';
import { knexStore, openPglite } from '@cdms-sync/knex';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelTables, defineModels } from '../support/organisation-models';

const GUIDE = readFileSync(new URL('../../docs/cdms-client.md', import.meta.url), 'utf8');
const SNIPPETS = [
  'ifd-adfs-forms',
  'claims-ws-trust',
  'windows-ntlm',
  'existing-session',
  'per-user-clients',
];
const USERNAME = 'CORP\\alice';
const PASSWORD = 'correct horse battery staple';

let emulator: CdmsEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function useEnvironment(values: Record<string, string>): void {
  Object.assign(process.env, values);
}

describe('docs/cdms-client.md, "Which authentication"', () => {
  it.each(SNIPPETS)('shows test/docs/snippets/%s.ts verbatim', (name) => {
    const source = readFileSync(new URL(`./snippets/${name}.ts`, import.meta.url), 'utf8');
    expect(GUIDE).toContain(`\`\`\`ts\n${source}\`\`\``);
  });

  it('IFD (ADFS forms sign-in) runs against the emulator', async () => {
    emulator = await startCdmsEmulator({ auth: { username: USERNAME, password: PASSWORD } });
    emulator.seed('Account', [{ Name: 'Acme' }]);
    useEnvironment({
      CDMS_URL: emulator.url,
      CDMS_ADFS_URL: 'https://adfs.example.org',
      CDMS_USERNAME: USERNAME,
      CDMS_PASSWORD: PASSWORD,
    });
    const { firstPage } = await import('./snippets/ifd-adfs-forms');
    expect(firstPage.results).toEqual([{ Name: 'Acme' }]);
  });

  it('claims through WS-Trust runs against the emulator (its ADFS is at the emulator origin)', async () => {
    emulator = await startCdmsEmulator({ auth: { username: USERNAME, password: PASSWORD } });
    emulator.seed('Account', [{ Name: 'Acme' }]);
    useEnvironment({
      CDMS_URL: emulator.url,
      CDMS_ADFS_URL: new URL(emulator.url).origin,
      CDMS_USERNAME: USERNAME,
      CDMS_PASSWORD: PASSWORD,
    });
    const { firstPage } = await import('./snippets/claims-ws-trust');
    expect(firstPage.results).toEqual([{ Name: 'Acme' }]);
  });

  it('on-premises Windows authentication (NTLM) runs against the emulator', async () => {
    emulator = await startCdmsEmulator({ ntlm: { username: USERNAME, password: PASSWORD } });
    emulator.seed('Account', [{ Name: 'Acme' }]);
    useEnvironment({ CDMS_URL: emulator.url, CDMS_USERNAME: USERNAME, CDMS_PASSWORD: PASSWORD });
    const { firstPage } = await import('./snippets/windows-ntlm');
    expect(firstPage.results).toEqual([{ Name: 'Acme' }]);
    expect(emulator.requests.map((request) => request.status)).toEqual([401, 200]);
  });

  it('an existing session runs against the emulator', async () => {
    emulator = await startCdmsEmulator({ auth: { username: USERNAME, password: PASSWORD } });
    emulator.seed('Account', [{ Name: 'Acme' }]);
    // The session a browser would hold.
    const signedIn = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org',
      username: USERNAME,
      password: PASSWORD,
    });
    const { Cookie } = await signedIn.headers({
      baseUrl: emulator.url,
      http: (await import('axios')).default.create(),
    });
    useEnvironment({ CDMS_URL: emulator.url, CDMS_SESSION_COOKIE: Cookie! });
    const { firstPage } = await import('./snippets/existing-session');
    expect(firstPage.results).toEqual([{ Name: 'Acme' }]);
  });

  it('per-user clients: runAs sends each user’s requests with their own session, and the cache is bounded', async () => {
    emulator = await startCdmsEmulator({ ntlm: { username: USERNAME, password: PASSWORD } });
    useEnvironment({ CDMS_URL: emulator.url });
    const { asUser, clientFor } = await import('./snippets/per-user-clients');
    const knex = await openPglite();
    try {
      await createModelTables(knex);
      const fallback = new CdmsClient({ baseUrl: emulator.url, retries: false });
      const sync = createSync({ store: knexStore(knex), cdms: fallback });
      const { Organisation, Contact } = defineModels();
      sync.register(Organisation, Contact);
      const acme = await asUser(sync, USERNAME, PASSWORD, () =>
        Organisation.objects.create({ name: 'Acme' }),
      );
      // The request went through alice's NTLM session, not the fallback client.
      expect(emulator.requests.map((request) => `${request.operation} ${request.status}`)).toEqual([
        'create 401',
        'create 201',
      ]);
      expect(await sync.history(acme)).toMatchObject([{ user: USERNAME, comment: 'web' }]);
      // One client per user, reused; the least recently used one is dropped past 50 users.
      const alice = clientFor(USERNAME, PASSWORD);
      expect(clientFor(USERNAME, PASSWORD)).toBe(alice);
      for (let index = 0; index < 50; index += 1) clientFor(`CORP\\user${index}`, 'x');
      expect(clientFor(USERNAME, PASSWORD)).not.toBe(alice);
    } finally {
      await knex.destroy();
    }
  });
});
