/**
 * The sync scenarios through every auth mode, on PGlite and the emulator over real HTTP: claims
 * (ADFS) whose expired session answers 401, redirects to the sign-in page, or serves that page
 * (with a flaky sign-in page), through WS-Trust, and Windows authentication (NTLM, Negotiate). Each test starts
 * signed in; the auth-mode scenarios end the session in the middle of the work. Every scenario set
 * runs through the claims redirect (what CRM 2011 IFD does) and NTLM; the writes and the expiry
 * scenarios through every mode (PGlite makes each test cost about half a second).
 */
import { AdfsFormAuth, type CdmsAuth, NtlmAuth, WsTrustAuth } from '@cdms-sync/cdms-client';
import type { CdmsEmulator, CdmsEmulatorOptions } from '@cdms-sync/cdms-client/emulator';
import { describe } from 'vitest';
import { authModeScenarios } from './scenarios/auth-modes';
import { queryScenarios } from './scenarios/queries';
import { readThroughScenarios } from './scenarios/read-through';
import { writeThroughScenarios } from './scenarios/write-through';
import { describeDatabase } from './support/end-to-end';

const USERNAME = 'CORP\\alice';
const PASSWORD = 'correct horse battery staple';

const adfs = () =>
  new AdfsFormAuth({
    adfsUrl: 'https://adfs.example.org/adfs/services/trust',
    username: USERNAME,
    password: PASSWORD,
    loginRetries: { limit: 3, minTimeoutMs: 1, maxTimeoutMs: 5 },
  });
const claimsSignIns = (emulator: CdmsEmulator) =>
  emulator.requestCount({ method: 'POST', status: 302, path: /\/ORG\/?$/ });
// A handshake ends with a type 3 message that is not answered 401.
const ntlmHandshakes = (emulator: CdmsEmulator) =>
  emulator.requestCount((request) => request.ntlmMessage === 3 && request.status !== 401);

const MODES: ReadonlyArray<{
  name: string;
  emulator: CdmsEmulatorOptions;
  /** Made once the emulator listens (WS-Trust needs its origin). */
  auth: (emulator: CdmsEmulator) => CdmsAuth;
  signIns: (emulator: CdmsEmulator) => number;
  /** Every scenario set, or the writes only (the modes whose sign-in path another mode shares). */
  scenarios: 'all' | 'writes';
}> = [
  {
    name: 'claims (ADFS), expiry answered 401',
    scenarios: 'writes',
    emulator: { auth: { username: USERNAME, password: PASSWORD, expiredSession: 'status-401' } },
    auth: adfs,
    signIns: claimsSignIns,
  },
  {
    name: 'claims (ADFS), expiry answered by a redirect to the sign-in page',
    scenarios: 'all',
    emulator: { auth: { username: USERNAME, password: PASSWORD, expiredSession: 'sign-in-redirect' } },
    auth: adfs,
    signIns: claimsSignIns,
  },
  {
    name: 'claims (ADFS), expiry answered by the sign-in page, which is flaky',
    scenarios: 'writes',
    emulator: {
      auth: { username: USERNAME, password: PASSWORD, expiredSession: 'sign-in-page', flakySignInPages: 1 },
    },
    auth: adfs,
    signIns: claimsSignIns,
  },
  {
    name: 'claims (ADFS) through WS-Trust, expiry answered by a redirect',
    scenarios: 'writes',
    emulator: { auth: { username: USERNAME, password: PASSWORD, expiredSession: 'sign-in-redirect' } },
    auth: (emulator) =>
      new WsTrustAuth({
        adfsUrl: new URL(emulator.url).origin,
        username: USERNAME,
        password: PASSWORD,
        loginRetries: false,
      }),
    signIns: claimsSignIns,
  },
  {
    name: 'Windows authentication (NTLM)',
    scenarios: 'all',
    emulator: { ntlm: { username: USERNAME, password: PASSWORD } },
    auth: () => new NtlmAuth({ username: USERNAME, password: PASSWORD, maxConnections: 1 }),
    signIns: ntlmHandshakes,
  },
  {
    name: 'Windows authentication (Negotiate carrying NTLM)',
    scenarios: 'writes',
    emulator: { ntlm: { username: 'alice@corp.example.org', password: PASSWORD, schemes: ['Negotiate'] } },
    auth: () =>
      new NtlmAuth({
        username: 'alice@corp.example.org',
        password: PASSWORD,
        scheme: 'Negotiate',
        maxConnections: 1,
      }),
    signIns: ntlmHandshakes,
  },
];

for (const mode of MODES) {
  describe(mode.name, () => {
    describeDatabase(
      'pglite',
      (f) => {
        writeThroughScenarios(f);
        if (mode.scenarios === 'all') {
          readThroughScenarios(f);
          queryScenarios(f);
        }
        authModeScenarios(f, () => mode.signIns(f.emulator));
      },
      { emulator: mode.emulator, client: (emulator) => ({ auth: mode.auth(emulator) }) },
    );
  });
}
