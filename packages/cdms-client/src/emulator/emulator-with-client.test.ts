import { describe, expect, it } from 'vitest';
import { AdfsFormAuth } from '../auth/adfs-form-auth';
import { WsTrustAuth } from '../auth/ws-trust-auth';
import { CdmsClient } from '../client/cdms-client';
import { isCdmsLoginError } from '../errors/cdms-login-error';
import { isCdmsNotFoundError } from '../errors/cdms-not-found-error';
import { eq, property } from '../odata/filter-builder';
import { literal } from '../odata/literal';
import { emulatorPerTest } from './__fixtures__/emulator-test-kit';

// The emulator driven by the package's own client and login: the integration the examples rely on.

const start = emulatorPerTest();

describe('CdmsClient against the emulator', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const e = await start();
    const client = new CdmsClient({ baseUrl: e.url, retries: false });
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const created = await client.create('Account', {
      AccountId: id,
      Name: 'Acme',
      optevia_ukorganisation: true,
    });
    expect(created).toMatchObject({ AccountId: id, Name: 'Acme', optevia_ukorganisation: true });
    expect(created.ModifiedOn).toBeInstanceOf(Date);
    const page = await client.list('Account', {
      filter: eq(property('Name'), literal.string('ACME')),
      select: ['Name'],
    });
    expect(page.results).toEqual([{ Name: 'Acme' }]);
    await client.update('Account', id, { Telephone1: '0113' });
    expect(await client.get('Account', id, { select: ['Name', 'Telephone1'] })).toEqual({
      Name: 'Acme',
      Telephone1: '0113',
    });
    await client.delete('Account', id);
    await expect(client.get('Account', id)).rejects.toSatisfy(isCdmsNotFoundError);
    expect(e.requestCount({ operation: 'update' })).toBe(1);
  });

  it('follows __next through every page', async () => {
    const e = await start();
    e.seed(
      'Contact',
      Array.from({ length: 120 }, (_, index) => ({ LastName: `L${String(index).padStart(3, '0')}` })),
    );
    const client = new CdmsClient({ baseUrl: e.url });
    const all = await client.listAllToArray('Contact', {
      orderBy: [{ attribute: 'LastName', direction: 'asc' }],
    });
    expect(all.map((row) => row.LastName)).toEqual(
      e
        .records('Contact')
        .map((row) => row.LastName)
        .sort(),
    );
    expect(e.requestCount({ operation: 'list' })).toBe(3);
  });

  it('logs in through the ADFS-like flow with AdfsFormAuth', async () => {
    const e = await start({ auth: { username: 'CORP\\alice', password: 'secret' } });
    const auth = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org/adfs/services/trust',
      username: 'CORP\\alice',
      password: 'secret',
    });
    const client = new CdmsClient({ baseUrl: e.url, auth, retries: false });
    e.seed('Account', [{ Name: 'Acme' }]);
    expect((await client.list('Account')).results).toHaveLength(1);
    const wrong = new AdfsFormAuth({
      adfsUrl: 'https://adfs.example.org/adfs/services/trust',
      username: 'CORP\\alice',
      password: 'nope',
    });
    await expect(
      new CdmsClient({ baseUrl: e.url, auth: wrong, retries: false }).list('Account'),
    ).rejects.toThrow(/Incorrect user ID or password/);
  });

  it('signs in through WS-Trust with WsTrustAuth (ADFS at the emulator origin); a wrong password is a SOAP fault', async () => {
    const e = await start({ auth: { username: 'CORP\\alice', password: 'p<a>ss&"word' } });
    const adfsUrl = `${new URL(e.url).origin}/adfs/services/trust`;
    const auth = new WsTrustAuth({ adfsUrl, username: 'CORP\\alice', password: 'p<a>ss&"word' });
    const client = new CdmsClient({ baseUrl: e.url, auth, retries: false });
    e.seed('Account', [{ Name: 'Acme' }]);
    expect((await client.list('Account')).results).toHaveLength(1);
    expect(e.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      'POST /adfs/services/trust/13/usernamemixed 200',
      'POST /ORG/ 302',
      'GET /ORG/XRMServices/2011/OrganizationData.svc/AccountSet 200',
    ]);
    expect(JSON.stringify(e.requests)).not.toContain('p&lt;a&gt;ss');
    const wrong = new WsTrustAuth({ adfsUrl, username: 'CORP\\alice', password: 'nope' });
    const error = await new CdmsClient({ baseUrl: e.url, auth: wrong, retries: false })
      .list('Account')
      .catch((caught: unknown) => caught);
    expect(isCdmsLoginError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/ID3242/);
    expect(error).toMatchObject({ transient: false });
  });
});
