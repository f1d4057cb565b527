/**
 * Foreign keys end to end: Contact -> Organisation, held by CDMS as the lookup ParentCustomerId.
 */
import { FieldError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import type { Organisation } from '../../support/organisation-models';
import { type EndToEnd, expectStoresAgree, localCounts, operations, requests } from '../support/end-to-end';

const CONTACT_SELECT = '$select=ContactId,CreatedOn,ModifiedOn,LastName,ParentCustomerId,VersionNumber';
const ACCOUNT_SELECT = '$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

/** Declares the foreign keys scenarios. */
export function foreignKeyScenarios(f: EndToEnd): void {
  describe('foreign keys', () => {
    it('create sends the lookup {Id, LogicalName}; CDMS resolves it; reading resolves the related object', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      const sam = await f.Contact.objects.create({ lastName: 'Smith', organisation: acme });
      expect(requests(f.emulator)).toEqual(['POST ContactSet']);
      expect(f.emulator.requests[0]?.body).toEqual({
        ContactId: sam.cdmsPk,
        LastName: 'Smith',
        ParentCustomerId: { Id: acme.cdmsPk, LogicalName: 'account' },
      });
      expect(f.emulator.records('Contact')).toMatchObject([
        { LastName: 'Smith', ParentCustomerId: { Id: acme.cdmsPk, LogicalName: 'account', Name: 'Acme' } },
      ]);
      expect(sam.organisationId).toBe(acme.id);
      expect((await sam.related<Organisation>('organisation'))?.name).toBe('Acme');
      await expectStoresAgree(f);
    });

    it('filter by the related object and the reverse set: ParentCustomerId/Id eq guid', async () => {
      const [acme, bravo] = await f.Organisation.objects.bulkCreate([{ name: 'Acme' }, { name: 'Bravo' }]);
      await f.Contact.objects.bulkCreate([
        { lastName: 'Smith', organisation: acme },
        { lastName: 'Jones', organisation: bravo },
        { lastName: 'Brown', organisation: acme },
      ]);
      f.emulator.clearRequests();
      const ofAcme = await f.Contact.objects.filter({ organisation: acme }).orderBy('lastName');
      expect(ofAcme.map((c) => c.lastName)).toEqual(['Brown', 'Smith']);
      const reverse = await bravo?.relatedSet(f.Contact, 'organisation');
      expect(reverse?.map((c) => c.lastName)).toEqual(['Jones']);
      expect(requests(f.emulator)).toEqual([
        `GET ContactSet?$filter=ParentCustomerId/Id eq guid'${acme?.cdmsPk}'&${CONTACT_SELECT}&$orderby=LastName asc`,
        `GET ContactSet?$filter=ParentCustomerId/Id eq guid'${bravo?.cdmsPk}'&${CONTACT_SELECT}&$orderby=ModifiedOn asc`,
      ]);
      await expectStoresAgree(f);
    });

    it('contacts only in CDMS: one list of contacts + one list importing their organisations', async () => {
      const [acme, bravo] = f.emulator.seed('Account', [{ Name: 'Acme' }, { Name: 'Bravo' }]);
      f.emulator.seed('Contact', [
        { LastName: 'Smith', ParentCustomerId: { Id: acme?.AccountId as string, LogicalName: 'account' } },
        { LastName: 'Jones', ParentCustomerId: { Id: bravo?.AccountId as string, LogicalName: 'account' } },
        { LastName: 'Loner' },
      ]);
      const contacts = await f.Contact.objects.orderBy('lastName');
      expect(contacts.map((c) => c.lastName)).toEqual(['Jones', 'Loner', 'Smith']);
      expect(operations(f.emulator)).toEqual(['list Contact', 'list Account']);
      const importAccounts = requests(f.emulator)[1] ?? '';
      expect(importAccounts).toMatch(
        new RegExp(
          `^GET AccountSet\\?\\$filter=AccountId eq guid'[0-9a-f-]{36}' or AccountId eq guid'[0-9a-f-]{36}'&\\${ACCOUNT_SELECT}$`,
        ),
      );
      expect((await contacts[0]?.related<Organisation>('organisation'))?.name).toBe('Bravo');
      expect(await contacts[1]?.related('organisation')).toBeNull();
      expect((await contacts[2]?.related<Organisation>('organisation'))?.name).toBe('Acme');
      expect(await localCounts(f)).toEqual({ organisations: 2, contacts: 3, history: 5 });
      await expectStoresAgree(f);
    });

    it('120 contacts of 20 organisations only in CDMS: 3 contact pages + 1 list importing the 20 organisations', async () => {
      const accounts = f.emulator.seed(
        'Account',
        Array.from({ length: 20 }, (_, index) => ({ Name: `Org ${String(index).padStart(2, '0')}` })),
      );
      f.emulator.seed(
        'Contact',
        Array.from({ length: 120 }, (_, index) => ({
          LastName: `Contact ${String(index).padStart(3, '0')}`,
          ParentCustomerId: { Id: accounts[index % 20]?.AccountId as string, LogicalName: 'account' },
        })),
      );
      // Ordered by name, the first page (contacts 0-49) refers to all 20 organisations.
      expect(await f.Contact.objects.orderBy('lastName')).toHaveLength(120);
      expect(operations(f.emulator)).toEqual([
        // The pages are read first (identical reads in flight share them), then imported in order:
        'list Contact',
        'list Contact',
        'list Contact',
        // the 20 GUIDs of the first page fit one URL; the later pages refer to known organisations.
        'list Account',
      ]);
      expect(await localCounts(f)).toEqual({ organisations: 20, contacts: 120, history: 140 });
      await expectStoresAgree(f);
    });

    it('a contact moved to another organisation in CDMS: the next get refreshes the foreign key (and imports the organisation)', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      const sam = await f.Contact.objects.create({ lastName: 'Smith', organisation: acme });
      const [other] = f.emulator.seed('Account', [{ Name: 'Other Ltd' }]);
      f.emulator.editAsCdmsUser('Contact', sam.cdmsPk as string, {
        ParentCustomerId: { Id: other?.AccountId as string, LogicalName: 'account' },
      });
      f.emulator.clearRequests();
      const moved = await f.Contact.objects.get({ id: sam.id });
      expect(operations(f.emulator)).toEqual(['get Contact', 'list Account']);
      expect((await moved.related<Organisation>('organisation'))?.name).toBe('Other Ltd');
      expect(await f.sync.history(moved)).toMatchObject([{ kind: 'cdms-refresh' }, { kind: 'local' }]);
      await expectStoresAgree(f);
    });

    it('a related object that was never sent to CDMS: FieldError, nothing sent or written', async () => {
      const local = await f.Organisation.objects.skipCdms().create({ name: 'Local only' });
      const before = await localCounts(f);
      await expect(
        f.Contact.objects.create({ lastName: 'Smith', organisation: local }),
      ).rejects.toBeInstanceOf(FieldError);
      expect(f.emulator.requests).toEqual([]);
      expect(await localCounts(f)).toEqual(before);
    });
  });
}
