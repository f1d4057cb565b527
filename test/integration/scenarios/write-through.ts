/**
 * Writes end to end: the Sync's real CdmsClient over real HTTP against the CRM 2011 emulator, and a
 * real local store. Every test asserts the exact CDMS requests and that both stores agree afterwards.
 */
import { ConflictError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import {
  type EndToEnd,
  expectStoresAgree,
  localCounts,
  operations,
  requests,
  timeOf,
} from '../support/end-to-end';

const SELECT = '$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

/** Declares the writes scenarios. */
export function writeThroughScenarios(f: EndToEnd): void {
  describe('writes', () => {
    it('create: 1 POST with a client-generated AccountId; CreatedOn/ModifiedOn stored; history local', async () => {
      const acme = await f.sync.runAs({ user: 'alice', comment: 'import' }, () =>
        f.Organisation.objects.create({ name: 'Acme', ukOrganisation: true, notes: 'local only' }),
      );
      expect(requests(f.emulator)).toEqual(['POST AccountSet']);
      expect(f.emulator.requests[0]?.body).toEqual({
        AccountId: acme.cdmsPk,
        Name: 'Acme',
        optevia_ukorganisation: true,
      });
      const [record] = f.emulator.records('Account');
      expect(record).toMatchObject({ AccountId: acme.cdmsPk, Name: 'Acme', optevia_ukorganisation: true });
      expect(acme.modified).toEqual(record?.ModifiedOn);
      expect(acme.created).toEqual(record?.CreatedOn);
      expect(await f.sync.history(acme)).toMatchObject([{ kind: 'local', user: 'alice', comment: 'import' }]);
      await expectStoresAgree(f);
    });

    it('new Model(values).save() creates with 1 POST', async () => {
      const acme = new f.Organisation({ name: 'Acme' });
      await acme.save();
      expect(operations(f.emulator)).toEqual(['create Account']);
      expect(acme.id).toBeDefined();
      expect(f.emulator.records('Account')).toHaveLength(1);
      await expectStoresAgree(f);
    });

    it('save: MERGE of the changed mapped fields + GET read-back (2 requests); local-only fields stay local', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      const before = { modified: timeOf(acme.modified), version: versionOf(acme) };
      f.emulator.clearRequests();
      acme.name = 'Acme Ltd';
      acme.notes = 'changed locally';
      await acme.save();
      expect(requests(f.emulator)).toEqual([
        `MERGE AccountSet(guid'${acme.cdmsPk}')`,
        `GET AccountSet(guid'${acme.cdmsPk}')?${SELECT}`,
      ]);
      // Only the changed mapped fields travel.
      expect(f.emulator.requests[0]?.body).toEqual({ Name: 'Acme Ltd' });
      // CRM 2011: ModifiedOn has one-second resolution (equal within a second); VersionNumber grows.
      expect(timeOf(acme.modified)).toBeGreaterThanOrEqual(before.modified);
      expect(versionOf(acme)).toBeGreaterThan(before.version);
      const [row] = await f.knex(f.tables.organisation).select('notes');
      expect(row).toEqual({ notes: 'changed locally' });
      expect((await f.sync.history(acme)).map((entry) => entry.kind)).toEqual(['local', 'local']);
      await expectStoresAgree(f);
    });

    it('save changing only local-only fields: 0 requests, local write and history', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      acme.notes = 'only here';
      await acme.save();
      expect(f.emulator.requests).toEqual([]);
      expect(await f.knex(f.tables.organisation).select('notes')).toEqual([{ notes: 'only here' }]);
      expect((await f.sync.history(acme)).map((entry) => entry.kind)).toEqual(['local', 'local']);
      await expectStoresAgree(f);
    });

    it('save after a CDMS-side edit of another mapped field: last write wins per field, and the stores agree', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme', ukOrganisation: false });
      // A CDMS user changes another mapped field; this process still holds the object it read.
      f.emulator.editAsCdmsUser('Account', acme.cdmsPk as string, { optevia_ukorganisation: true });
      f.emulator.clearRequests();
      acme.name = 'Acme Ltd';
      await acme.save();
      expect(operations(f.emulator)).toEqual(['update Account', 'get Account']);
      expect(f.emulator.records('Account')).toMatchObject([
        { Name: 'Acme Ltd', optevia_ukorganisation: true },
      ]);
      // The local row carries CDMS's ModifiedOn now, so no later read will refresh it: its mapped
      // values must already be CDMS's.
      await expectStoresAgree(f);
      expect((await f.Organisation.objects.get({ id: acme.id })).ukOrganisation).toBe(true);
    });

    it('save({ detectConflicts: true }) after a CDMS-side edit: ConflictError after 1 GET, nothing sent or written', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.editAsCdmsUser('Account', acme.cdmsPk as string, { Name: 'Acme (CDMS)' });
      f.emulator.clearRequests();
      const before = await localCounts(f);
      acme.name = 'Mine';
      await expect(acme.save({ detectConflicts: true })).rejects.toBeInstanceOf(ConflictError);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet(guid'${acme.cdmsPk}')?$select=ModifiedOn,VersionNumber`,
      ]);
      expect(f.emulator.records('Account')).toMatchObject([{ Name: 'Acme (CDMS)' }]);
      expect(await localCounts(f)).toEqual(before);
      expect(await f.knex(f.tables.organisation).select('name')).toEqual([{ name: 'Acme' }]);
    });

    it('delete: 1 DELETE; the record is gone from both stores; history delete', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      await acme.delete();
      expect(requests(f.emulator)).toEqual([`DELETE AccountSet(guid'${acme.cdmsPk}')`]);
      expect(f.emulator.records('Account')).toEqual([]);
      expect((await f.sync.history(f.Organisation, acme.id)).map((entry) => entry.kind)).toEqual([
        'delete',
        'local',
      ]);
      await expectStoresAgree(f);
    });

    it('getOrCreate: POST when absent (1 request); then found locally + 1 GET', async () => {
      const [acme, created] = await f.Organisation.objects.getOrCreate(
        { name: 'Acme' },
        { ukOrganisation: true },
      );
      expect(created).toBe(true);
      expect(operations(f.emulator)).toEqual(['create Account']);
      f.emulator.clearRequests();
      const [again, createdAgain] = await f.Organisation.objects.getOrCreate({ name: 'Acme' });
      expect([again.id, createdAgain, again.ukOrganisation]).toEqual([acme.id, false, true]);
      expect(requests(f.emulator)).toEqual([`GET AccountSet(guid'${acme.cdmsPk}')?${SELECT}`]);
      expect(f.emulator.records('Account')).toHaveLength(1);
      await expectStoresAgree(f);
    });

    it('updateOrCreate: create (1 POST), then GET + MERGE + GET', async () => {
      const [acme, created] = await f.Organisation.objects.updateOrCreate(
        { name: 'Acme' },
        { notes: 'first' },
      );
      expect(created).toBe(true);
      f.emulator.clearRequests();
      const [updated, createdAgain] = await f.Organisation.objects.updateOrCreate(
        { name: 'Acme' },
        { ukOrganisation: true },
      );
      expect([updated.id, createdAgain, updated.ukOrganisation]).toEqual([acme.id, false, true]);
      expect(operations(f.emulator)).toEqual(['get Account', 'update Account', 'get Account']);
      expect(f.emulator.records('Account')).toMatchObject([{ Name: 'Acme', optevia_ukorganisation: true }]);
      await expectStoresAgree(f);
    });

    it('bulkCreate: one POST per object, in one transaction', async () => {
      const created = await f.Organisation.objects.bulkCreate([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
      expect(created.map((o) => o.name)).toEqual(['A', 'B', 'C']);
      expect(operations(f.emulator)).toEqual(['create Account', 'create Account', 'create Account']);
      expect(f.emulator.records('Account')).toHaveLength(3);
      await expectStoresAgree(f);
    });

    it('queryset update(): 1 list, then MERGE + GET per row (2 rows: 5 requests)', async () => {
      const [a, b] = await f.Organisation.objects.bulkCreate([{ name: 'Alpha' }, { name: 'Amber' }]);
      await f.Organisation.objects.create({ name: 'Bravo' });
      f.emulator.clearRequests();
      const changed = await f.sync.runAs({ user: 'bob', comment: 'mark UK' }, () =>
        f.Organisation.objects
          .filter({ name__startswith: 'A' })
          .orderBy('name')
          .update({ ukOrganisation: true }),
      );
      expect(changed).toBe(2);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet?$filter=startswith(Name,'A')&${SELECT}&$orderby=Name asc`,
        `MERGE AccountSet(guid'${a?.cdmsPk}')`,
        `GET AccountSet(guid'${a?.cdmsPk}')?${SELECT}`,
        `MERGE AccountSet(guid'${b?.cdmsPk}')`,
        `GET AccountSet(guid'${b?.cdmsPk}')?${SELECT}`,
      ]);
      expect(
        f.emulator
          .records('Account')
          // Bravo was created without ukOrganisation: CDMS holds null, which the boolean codec reads as false.
          .map((record) => [record.Name, record.optevia_ukorganisation === true])
          .sort(),
      ).toEqual([
        ['Alpha', true],
        ['Amber', true],
        ['Bravo', false],
      ]);
      await expectStoresAgree(f);
    });

    it('queryset delete(): 1 list, then 1 DELETE per row', async () => {
      await f.Organisation.objects.bulkCreate([{ name: 'Alpha' }, { name: 'Amber' }, { name: 'Bravo' }]);
      f.emulator.clearRequests();
      expect(await f.Organisation.objects.filter({ name__startswith: 'A' }).delete()).toBe(2);
      expect(operations(f.emulator)).toEqual(['list Account', 'delete Account', 'delete Account']);
      expect(f.emulator.records('Account').map((record) => record.Name)).toEqual(['Bravo']);
      await expectStoresAgree(f);
    });

    it('skipCdms: the same API on the local store with 0 requests; a later synced save POSTs the row', async () => {
      const local = f.Organisation.objects.skipCdms();
      const acme = await local.create({ name: 'Acme' });
      await local.bulkCreate([{ name: 'Bravo' }, { name: 'Charlie' }]);
      expect(await local.count()).toBe(3);
      expect(await local.filter({ name__icontains: 'AC' }).exists()).toBe(true);
      expect(await local.exclude({ name: 'Acme' }).update({ notes: 'x' })).toBe(2);
      expect(await local.filter({ name: 'Charlie' }).delete()).toBe(1);
      acme.name = 'Acme Ltd';
      await acme.save({ skipCdms: true });
      expect(f.emulator.requests).toEqual([]);
      expect(f.emulator.records('Account')).toEqual([]);
      // The first synced save of a local-only row creates its CDMS record.
      await acme.save();
      expect(operations(f.emulator)).toEqual(['create Account']);
      expect(f.emulator.records('Account')).toMatchObject([{ Name: 'Acme Ltd', AccountId: acme.cdmsPk }]);
      await expectStoresAgree(f);
      await acme.delete({ skipCdms: true });
      expect(operations(f.emulator)).toEqual(['create Account']);
      expect(f.emulator.records('Account')).toHaveLength(1);
    });
  });
}

/** The CDMS `VersionNumber` an object holds (`cdms_version`, a base column of `createSyncedTable`). */
function versionOf(object: object): number {
  return Number((object as { cdmsVersion?: unknown }).cdmsVersion);
}
