/**
 * Reads end to end against the CRM 2011 emulator: get, CDMS-side edits refreshed on the next read,
 * records that exist only in CDMS imported by get({ cdmsPk }) and by lists (following __next pages).
 */
import { DoesNotExistError, MultipleObjectsReturnedError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import { type EndToEnd, expectStoresAgree, localCounts, operations, requests } from '../support/end-to-end';

async function localOrganisationNames(f: EndToEnd): Promise<string[]> {
  const rows: { name: string }[] = await f.knex(f.tables.organisation).orderBy('name').select('name');
  return rows.map((row) => row.name);
}

const SELECT = '$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

/** Declares the reads scenarios. */
export function readThroughScenarios(f: EndToEnd): void {
  describe('reads', () => {
    it('get: in sync -> 1 GET with $select, nothing written', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      const found = await f.Organisation.objects.get({ name: 'Acme' });
      expect(found.id).toBe(acme.id);
      expect(requests(f.emulator)).toEqual([`GET AccountSet(guid'${acme.cdmsPk}')?${SELECT}`]);
      expect((await f.sync.history(acme)).map((entry) => entry.kind)).toEqual(['local']);
    });

    it('a CDMS-side edit is refreshed by the next get (1 GET) with a cdms-refresh history entry', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme', notes: 'local only' });
      const edited = f.emulator.editAsCdmsUser('Account', acme.cdmsPk as string, {
        Name: 'Acme Ltd',
        optevia_ukorganisation: true,
      });
      f.emulator.clearRequests();
      const refreshed = await f.Organisation.objects.get({ id: acme.id });
      expect(operations(f.emulator)).toEqual(['get Account']);
      expect(refreshed).toMatchObject({ name: 'Acme Ltd', ukOrganisation: true, notes: 'local only' });
      expect(refreshed.modified).toEqual(edited.ModifiedOn);
      expect(await f.sync.history(acme)).toMatchObject([
        { kind: 'cdms-refresh', user: 'cdms', comment: 'CDMS refresh', data: { name: 'Acme Ltd' } },
        { kind: 'local' },
      ]);
      await expectStoresAgree(f);
      // Read again: in sync now, nothing more is written.
      await f.Organisation.objects.get({ id: acme.id });
      expect(await f.sync.history(acme)).toHaveLength(2);
    });

    it('a CDMS-side edit is refreshed by the next filter (1 list request)', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.editAsCdmsUser('Account', acme.cdmsPk as string, { Name: 'Acme Holdings' });
      f.emulator.clearRequests();
      const found = await f.Organisation.objects.filter({ name__icontains: 'holdings' });
      expect(found.map((o) => [o.id, o.name])).toEqual([[acme.id, 'Acme Holdings']]);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet?$filter=substringof('holdings',Name)&${SELECT}&$orderby=ModifiedOn asc`,
      ]);
      expect((await f.sync.history(acme)).map((entry) => entry.kind)).toEqual(['cdms-refresh', 'local']);
      await expectStoresAgree(f);
    });

    it('get({ cdmsPk }) imports a record that exists only in CDMS (1 GET); an unknown GUID -> DoesNotExist, nothing written', async () => {
      const [record] = f.emulator.seed('Account', [{ Name: 'Only in CDMS', optevia_ukorganisation: true }]);
      const cdmsPk = record?.AccountId as string;
      const imported = await f.Organisation.objects.get({ cdmsPk });
      expect(imported).toMatchObject({ name: 'Only in CDMS', ukOrganisation: true, cdmsPk });
      expect(operations(f.emulator)).toEqual(['get Account']);
      expect(await f.sync.history(imported)).toMatchObject([{ kind: 'cdms-refresh' }]);
      await expectStoresAgree(f);

      f.emulator.clearRequests();
      const before = await localCounts(f);
      const error = await f.Organisation.objects
        .get({ cdmsPk: '0f8fad5b-d9cb-469f-a165-70867728950e' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DoesNotExistError);
      expect((error as Error).cause).toMatchObject({ code: 'CDMS_NOT_FOUND' });
      expect(operations(f.emulator)).toEqual(['get Account']);
      expect(await localCounts(f)).toEqual(before);
    });

    it('a record deleted inside CDMS: get removes the stale row (history delete) and raises DoesNotExist; getOrCreate then creates one', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      await f.client.delete('Account', acme.cdmsPk as string);
      f.emulator.clearRequests();
      const missing = await f.Organisation.objects.get({ id: acme.id }).catch((caught: unknown) => caught);
      expect(missing).toBeInstanceOf(DoesNotExistError);
      expect((missing as Error).cause).toMatchObject({ code: 'CDMS_NOT_FOUND' });
      expect(operations(f.emulator)).toEqual(['get Account']);
      expect((await localCounts(f)).organisations).toBe(0);
      expect(await f.sync.history(acme)).toMatchObject([
        { kind: 'delete', user: 'cdms', comment: 'Deleted in CDMS', data: { name: 'Acme' } },
        { kind: 'local' },
      ]);
      await expectStoresAgree(f);
      // getOrCreate: nothing local any more, so a new record is created: one local 'Acme', matching CDMS.
      const [created, wasCreated] = await f.Organisation.objects.getOrCreate({ name: 'Acme' });
      expect(wasCreated).toBe(true);
      expect(f.emulator.records('Account')).toMatchObject([{ AccountId: created.cdmsPk, Name: 'Acme' }]);
      expect(await f.Organisation.objects.skipCdms().filter({ name: 'Acme' }).count()).toBe(1);
      await expectStoresAgree(f);
    });

    it('filter after CDMS-side deletes and edits: one extra id-list request, and both stores agree', async () => {
      const [acme, bravo, charlie] = await f.Organisation.objects.bulkCreate([
        { name: 'Acme', ukOrganisation: true },
        { name: 'Bravo', ukOrganisation: true },
        { name: 'Charlie', ukOrganisation: true },
      ]);
      const local = await f.Organisation.objects.skipCdms().create({ name: 'Local', ukOrganisation: true });
      // Deleted by a raw DELETE to the service URL, as a CDMS user would; Charlie no longer matches.
      const deleted = await fetch(`${f.emulator.serviceUrl}/AccountSet(guid'${bravo?.cdmsPk}')`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(204);
      f.emulator.editAsCdmsUser('Account', charlie?.cdmsPk as string, { optevia_ukorganisation: false });
      f.emulator.clearRequests();

      const found = await f.Organisation.objects.filter({ ukOrganisation: true });
      expect(found.map((organisation) => organisation.name).sort()).toEqual(['Acme', 'Local']);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet?$filter=optevia_ukorganisation eq true&${SELECT}&$orderby=ModifiedOn asc`,
        // The local rows the list left out, by GUID in one request: Bravo is gone, Charlie changed.
        `GET AccountSet?$filter=AccountId eq guid'${bravo?.cdmsPk}' or AccountId eq guid'${charlie?.cdmsPk}'&${SELECT}`,
      ]);
      expect(await localOrganisationNames(f)).toEqual(['Acme', 'Charlie', 'Local']);
      const entries = await f.sync.history(f.Organisation);
      expect(
        entries
          .filter((entry) => entry.kind !== 'local')
          .map((entry) => [entry.cdmsPk, entry.kind, entry.user, entry.comment])
          .sort(),
      ).toEqual(
        [
          [bravo?.cdmsPk, 'delete', 'cdms', 'Deleted in CDMS'],
          [charlie?.cdmsPk, 'cdms-refresh', 'cdms', 'CDMS refresh'],
        ].sort(),
      );
      await expectStoresAgree(f);
      expect(local.cdmsPk).toBeNull();
      expect(acme?.name).toBe('Acme');

      // In step now: the same filter makes only its list request.
      f.emulator.clearRequests();
      expect(await f.Organisation.objects.filter({ ukOrganisation: true }).count()).toBe(2);
      expect(f.emulator.requestCount()).toBe(1);
    });

    it('DoesNotExist and MultipleObjectsReturned are decided locally with 0 requests', async () => {
      await expect(f.Organisation.objects.get({ name: 'Nobody' })).rejects.toBeInstanceOf(DoesNotExistError);
      await f.Organisation.objects.skipCdms().bulkCreate([{ name: 'Twin' }, { name: 'Twin' }]);
      await expect(f.Organisation.objects.get({ name: 'Twin' })).rejects.toBeInstanceOf(
        MultipleObjectsReturnedError,
      );
      expect(f.emulator.requests).toEqual([]);
    });

    it('120 records only in CDMS: all() follows __next over 3 pages (3 requests), one history entry each', async () => {
      f.emulator.seed(
        'Account',
        Array.from({ length: 120 }, (_, index) => ({ Name: `Org ${String(index).padStart(3, '0')}` })),
      );
      const all = await f.Organisation.objects.orderBy('name');
      expect(all).toHaveLength(120);
      expect(all[0]?.name).toBe('Org 000');
      expect(all[119]?.name).toBe('Org 119');
      expect(f.emulator.requestCount({ operation: 'list', service: 'Account' })).toBe(3);
      expect(f.emulator.requestCount()).toBe(3);
      const [first, second, third] = requests(f.emulator);
      expect(first).toBe(`GET AccountSet?${SELECT}&$orderby=Name asc`);
      expect(second).toMatch(/^GET AccountSet\?.*\$skiptoken=/);
      expect(third).toMatch(/^GET AccountSet\?.*\$skiptoken=/);
      expect(await localCounts(f)).toEqual({ organisations: 120, contacts: 0, history: 120 });
      await expectStoresAgree(f);

      // Listed again: the same 3 requests, nothing newer, nothing written.
      f.emulator.clearRequests();
      expect(await f.Organisation.objects.count()).toBe(120);
      expect(f.emulator.requestCount()).toBe(3);
      expect((await localCounts(f)).history).toBe(120);
    });

    it('a slice syncs only its own rows: slice(0, 60) of 120 -> 2 pages with $top=60', async () => {
      f.emulator.seed(
        'Account',
        Array.from({ length: 120 }, (_, index) => ({ Name: `Org ${String(index).padStart(3, '0')}` })),
      );
      const page = await f.Organisation.objects.orderBy('name').slice(0, 60);
      expect(page.map((o) => o.name)).toEqual(
        Array.from({ length: 60 }, (_, index) => `Org ${String(index).padStart(3, '0')}`),
      );
      expect(requests(f.emulator)[0]).toBe(`GET AccountSet?${SELECT}&$orderby=Name asc&$top=60`);
      expect(f.emulator.requestCount()).toBe(2);
      expect((await localCounts(f)).organisations).toBe(60);
    });

    it('syncPageLimit caps an unsliced read', async () => {
      f.emulator.seed(
        'Account',
        Array.from({ length: 120 }, (_, index) => ({ Name: `Org ${index}` })),
      );
      // A Sync of its own with a cap of 50 rows: one page, one request.
      const capped = f.newSync({ syncPageLimit: 50 });
      expect(await capped.Organisation.objects.count()).toBe(50);
      expect(f.emulator.requestCount()).toBe(1);
    });
  });
}
