/**
 * What every auth mode must survive in the middle of sync work: the session ending between two
 * pages of a filter that is paging (a claims session answering 401, redirecting to the sign-in
 * page or serving it; an NTLM connection no longer authenticated), and during a save.
 */
import { describe, expect, it } from 'vitest';
import { type EndToEnd, expectStoresAgree } from '../support/end-to-end';

/** Declares the auth-mode scenarios; `signIns` counts the sign-ins the emulator saw. */
export function authModeScenarios(f: EndToEnd, signIns: () => number): void {
  describe('session expiry during sync work', () => {
    it('expiry between two pages of a filter: every row arrives once, one sign-in, the stores agree', async () => {
      f.emulator.seed(
        'Account',
        Array.from({ length: 120 }, (_, index) => ({ Name: `Org ${String(index).padStart(3, '0')}` })),
      );
      let pages = 0;
      const off = f.client.on('request', (event) => {
        if (event.operation === 'list' && event.status === 200 && ++pages === 1) f.emulator.expireSessions();
      });
      const before = signIns();
      const rows = await f.Organisation.objects.filter({ name__startswith: 'Org' }).orderBy('name');
      off();
      expect(rows.map((row) => row.name)).toEqual(
        Array.from({ length: 120 }, (_, index) => `Org ${String(index).padStart(3, '0')}`),
      );
      expect(signIns() - before).toBe(1);
      await expectStoresAgree(f);
    });

    it('expiry before a save: the save goes through once, the stores agree', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.expireSessions();
      const before = signIns();
      acme.name = 'Acme Ltd';
      await acme.save();
      expect(signIns() - before).toBe(1);
      expect(f.emulator.records('Account').map((record) => record.Name)).toEqual(['Acme Ltd']);
      expect(f.emulator.requestCount({ operation: 'update', status: 204 })).toBe(1);
      await expectStoresAgree(f);
    });
  });
}
