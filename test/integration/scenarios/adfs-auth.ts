/**
 * `AdfsFormAuth` end to end against the emulator's ADFS-like login (passive WS-Federation through
 * two STS hops, cookie `MSISAuth`): a sync doing CRUD through a logged-in client, a cookie that
 * expires mid-run (401 -> one new login -> the request replayed), and a wrong password.
 */
import { AdfsFormAuth, CdmsClient, CdmsLoginError } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cdmsOrganisations,
  type EndToEnd,
  localCounts,
  localOrganisations,
  operations,
} from '../support/end-to-end';

const USERNAME = 'CORP\\alice';
const PASSWORD = 'correct horse battery staple';
const ADFS_URL = 'https://adfs.example.org/adfs/services/trust';
const COOKIE_TTL_MS = 60 * 60 * 1000;

/** Declares the ADFS login scenarios (with an emulator of their own that requires the login). */
export function adfsAuthScenarios(f: EndToEnd): void {
  describe('AdfsFormAuth against the ADFS-like login', () => {
    let emulator: CdmsEmulator;
    /** The emulator's clock runs this far ahead of the real one (to expire cookies). */
    let offsetMs = 0;
    beforeAll(async () => {
      emulator = await startCdmsEmulator({
        auth: { username: USERNAME, password: PASSWORD, cookieTtlMs: COOKIE_TTL_MS },
        clock: () => Date.now() + offsetMs,
      });
    });
    afterAll(async () => {
      await emulator?.close();
    });
    beforeEach(() => {
      emulator.reset();
      offsetMs = 0;
    });

    /** A Sync on the suite's tables whose client logs in with `password`. */
    function loggedIn(password: string) {
      const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password });
      const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
      return f.newSync({ cdms: client });
    }
    /** The context the shared helpers compare against: this suite's emulator. */
    const withEmulator = () => ({ ...f, emulator });
    /** Requests of the login flow (outside the data service). */
    const loginRequests = () => emulator.requests.filter((request) => request.operation === undefined);
    /** Data-service requests with their status. */
    const dataRequests = () =>
      emulator.requests
        .filter((request) => request.operation !== undefined)
        .map((request) => `${request.operation} ${request.status}`);

    it('CRUD through a logged-in client: one login, then only data requests', async () => {
      const { Organisation } = loggedIn(PASSWORD);
      const acme = await Organisation.objects.create({ name: 'Acme' });
      expect(await Organisation.objects.filter({ name__startswith: 'Ac' })).toHaveLength(1);
      acme.ukOrganisation = true;
      await acme.save();
      expect((await Organisation.objects.get({ id: acme.id })).ukOrganisation).toBe(true);
      expect(await localOrganisations(withEmulator())).toEqual(cdmsOrganisations(withEmulator()));
      await acme.delete();
      expect(dataRequests()).toEqual([
        'create 201',
        'list 200',
        'update 204',
        'get 200',
        'get 200',
        'delete 204',
      ]);
      // GET {org}/?whr=…, POST the ADFS form, POST the token to the resource STS, POST it to {org}/ (302).
      expect(loginRequests().map((request) => `${request.method} ${request.status}`)).toEqual([
        'GET 200',
        'POST 200',
        'POST 200',
        'POST 302',
      ]);
      expect(loginRequests()[0]?.query).toMatchObject({ whr: ADFS_URL });
      expect(JSON.stringify(emulator.requests)).not.toContain(PASSWORD);
      expect(emulator.records('Account')).toEqual([]);
      expect((await localCounts(withEmulator())).organisations).toBe(0);
    });

    it('cookie expiry mid-run: 401 -> a new login -> the save is replayed and succeeds', async () => {
      const { Organisation, sync } = loggedIn(PASSWORD);
      const acme = await Organisation.objects.create({ name: 'Acme' });
      expect(loginRequests()).toHaveLength(4);
      emulator.clearRequests();
      offsetMs = COOKIE_TTL_MS + 60_000;
      acme.name = 'Acme Ltd';
      await acme.save();
      expect(dataRequests()).toEqual(['update 401', 'update 204', 'get 200']);
      expect(loginRequests()).toHaveLength(4);
      // The 401 came first, then the login, then the replay.
      const order = emulator.requests.map((request) => request.operation ?? 'login');
      expect(order).toEqual(['update', 'login', 'login', 'login', 'login', 'update', 'get']);
      expect(emulator.records('Account')).toMatchObject([{ Name: 'Acme Ltd' }]);
      expect(await localOrganisations(withEmulator())).toEqual(cdmsOrganisations(withEmulator()));
      expect((await sync.history(acme)).map((entry) => entry.kind)).toEqual(['local', 'local']);
    });

    it('cookie expiry between two pages of a list: the next page is replayed after a new login', async () => {
      emulator.seed(
        'Account',
        Array.from({ length: 120 }, (_, index) => ({ Name: `Org ${String(index).padStart(3, '0')}` })),
      );
      const auth = new AdfsFormAuth({ adfsUrl: ADFS_URL, username: USERNAME, password: PASSWORD });
      const client = new CdmsClient({ baseUrl: emulator.url, auth, retries: false });
      const off = client.on('request', (event) => {
        if (event.operation !== 'list') return;
        off();
        offsetMs = COOKIE_TTL_MS + 60_000;
      });
      const { Organisation } = f.newSync({ cdms: client });
      expect(await Organisation.objects.count()).toBe(120);
      expect(dataRequests()).toEqual(['list 200', 'list 401', 'list 200', 'list 200']);
      expect(loginRequests()).toHaveLength(8);
      expect(await localOrganisations(withEmulator())).toEqual(cdmsOrganisations(withEmulator()));
    });

    it('wrong password: CdmsLoginError, no data request, nothing written locally or in CDMS', async () => {
      emulator.seed('Account', [{ Name: 'Acme' }]);
      const { Organisation } = loggedIn('wrong password');
      const before = await localCounts(withEmulator());
      const error = await Organisation.objects.create({ name: 'Bravo' }).catch((caught) => caught);
      expect(error).toBeInstanceOf(CdmsLoginError);
      expect(error).toMatchObject({ code: 'CDMS_LOGIN_FAILED' });
      expect(String((error as Error).message)).toMatch(/Incorrect user ID or password/);
      expect(String((error as Error).message)).not.toContain('wrong password');
      await expect(Organisation.objects.filter({ name: 'Acme' })).rejects.toBeInstanceOf(CdmsLoginError);
      expect(operations(emulator)).toEqual([]);
      expect(await localCounts(withEmulator())).toEqual(before);
      expect(emulator.records('Account').map((record) => record.Name)).toEqual(['Acme']);
    });
  });
}
