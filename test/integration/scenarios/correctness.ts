/**
 * Correctness end to end (issue 8): a local failure never leaves CDMS changed, bad input fails
 * before any request, an unstorable CDMS record never breaks the reads of its page, and the
 * emulator's CRM 2011 clock (ModifiedOn to the second) is handled through `cdms_version`.
 */
import type { CdmsLogger } from '@cdms-sync/cdms-client';
import {
  type ImportRowError,
  isImportRowError,
  type Manager,
  SyncedModel,
  ValidationError,
} from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { describe, expect, it, vi } from 'vitest';
import { OrganisationMigrator } from '../../support/organisation-models';
import {
  cdmsOrganisations,
  type EndToEnd,
  expectStoresAgree,
  localCounts,
  localOrganisations,
  operations,
  requests,
  timeOf,
} from '../support/end-to-end';

const ACCOUNT_SELECT = '$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

/** Declares the correctness scenarios. */
export function correctnessScenarios(f: EndToEnd): void {
  /** Run `test` with a unique index on the organisation name: a rule CDMS does not know. */
  async function withUniqueName(test: () => Promise<void>): Promise<void> {
    const index = `${f.tables.organisation}_name_uq`;
    await f.knex.schema.alterTable(f.tables.organisation, (table) =>
      table.unique(['name'], { indexName: index }),
    );
    try {
      await test();
    } finally {
      await f.knex.schema.alterTable(f.tables.organisation, (table) => table.dropUnique(['name'], index));
    }
  }

  describe('write order: the local write comes before the CDMS write', () => {
    it('save() that the local database refuses (a unique index) sends no MERGE, and the stores agree', () =>
      withUniqueName(async () => {
        await f.Organisation.objects.create({ name: 'Acme' });
        const beta = await f.Organisation.objects.create({ name: 'Beta' });
        f.emulator.clearRequests();
        beta.name = 'Acme';
        await expect(beta.save()).rejects.toThrow();
        expect(requests(f.emulator)).toEqual([]);
        expect(
          cdmsOrganisations(f)
            .map((record) => record.name)
            .sort(),
        ).toEqual(['Acme', 'Beta']);
        await expectStoresAgree(f);
      }));

    it('delete() of a row another table still references (foreign key) sends no DELETE, and the stores agree', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      await f.Contact.objects.create({ lastName: 'Smith', organisation: acme });
      f.emulator.clearRequests();
      await expect(acme.delete()).rejects.toThrow();
      expect(requests(f.emulator)).toEqual([]);
      expect(f.emulator.records('Account')).toHaveLength(1);
      await expectStoresAgree(f);
    });

    it('a local failure after CDMS accepted the save rolls back locally, and the next get() repairs it', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      // The history entry is completed after the CDMS write: make that local step fail.
      const store = knexStore(f.knex);
      const update = store.update.bind(store);
      store.update = async (table, where, values) => {
        if (table === f.tables.history) throw new Error('disk full');
        return update(table, where, values);
      };
      // On PostgreSQL and PGlite the row and its history entry are completed in one statement.
      const updateMany = store.updateMany.bind(store);
      store.updateMany = async (updates) => {
        if (updates.some(({ table }) => table === f.tables.history)) throw new Error('disk full');
        return updateMany(updates);
      };
      const failing = f.newSync({ store });
      const copy = await failing.Organisation.objects.get({ id: acme.id });
      copy.name = 'Acme Ltd';
      await expect(copy.save()).rejects.toThrow('disk full');
      expect(f.emulator.records('Account')[0]?.Name).toBe('Acme Ltd');
      expect((await f.Organisation.objects.get({ id: acme.id })).name).toBe('Acme Ltd');
      await expectStoresAgree(f);
    });
  });

  describe('values are validated before any I/O', () => {
    it('a value too long for its column, null for a non-nullable field, a wrong type: ValidationError naming the field, 0 requests, 0 writes', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      const before = await localCounts(f);
      const tooLong = 'x'.repeat(300);
      await expect(f.Organisation.objects.create({ name: tooLong })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        field: 'name',
      });
      acme.name = tooLong;
      await expect(acme.save()).rejects.toThrow(
        /Organisation\.name is 300 characters long; its column holds at most 255/,
      );
      acme.name = null as unknown as string;
      await expect(acme.save()).rejects.toThrow(/Organisation\.name cannot be null/);
      await expect(
        f.Organisation.objects.create({ name: 'Beta', ukOrganisation: 'yes' as unknown as boolean }),
      ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'ukOrganisation' });
      await expect(
        f.Organisation.objects.filter({ id: acme.id }).update({ name: tooLong }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(f.emulator.requests).toEqual([]);
      expect(await localCounts(f)).toEqual(before);
      await expectStoresAgree(f);
    });

    it('create() without a required field (non-nullable, no default): ValidationError, not a driver error', async () => {
      const table = `${f.tables.organisation}_req`;
      await f.knex.schema.createTable(table, (builder) => {
        builder.increments('id');
        builder.string('cdms_pk', 36).nullable().unique();
        builder.datetime('created', { useTz: true, precision: 3 }).nullable();
        builder.datetime('modified', { useTz: true, precision: 3 }).nullable();
        builder.string('name', 100).notNullable();
        builder.boolean('uk_organisation').notNullable().defaultTo(false);
      });
      try {
        class Required extends SyncedModel {
          static override table = table;
          static override migrator = new OrganisationMigrator();
          declare static objects: Manager<Required>;
          declare name: string;
          declare ukOrganisation: boolean;
        }
        f.sync.register(Required);
        await expect(Required.objects.create({ ukOrganisation: true })).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
          field: 'name',
        });
        expect(f.emulator.requests).toEqual([]);
        expect(Number((await f.knex(table).count({ n: '*' }))[0]?.n)).toBe(0);
      } finally {
        await f.knex.schema.dropTableIfExists(table);
      }
    });
  });

  describe('a page with a record that cannot be stored', () => {
    it('stores the others, reports the record (logger error, onImportError, importErrors()), and a later refresh clears it', () =>
      withUniqueName(async () => {
        const logger: CdmsLogger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
        const reported: ImportRowError[] = [];
        const { sync, Organisation } = f.newSync({ logger, onImportError: (error) => reported.push(error) });
        const [first, second, other] = f.emulator.seed('Account', [
          { Name: 'Dup' },
          { Name: 'Dup' },
          { Name: 'Other' },
        ]);
        f.emulator.clearRequests();
        const found = await Organisation.objects.all();
        // One list request: nothing is retried by itself.
        expect(operations(f.emulator)).toEqual(['list Account']);
        expect(found.map((each) => each.name).sort()).toEqual(['Dup', 'Other']);
        // One of the two 'Dup' records is stored, the other is refused by the local unique index.
        const stored = found.find((each) => each.name === 'Dup')?.cdmsPk;
        const refused = stored === first?.AccountId ? second : first;
        expect(reported).toHaveLength(1);
        expect(reported[0]).toMatchObject({
          code: 'IMPORT_ROW_FAILED',
          model: 'Organisation',
          cdmsPk: refused?.AccountId,
        });
        expect(isImportRowError(sync.importErrors()[0])).toBe(true);
        expect(logger.error).toHaveBeenCalledWith(
          'CDMS record could not be stored locally',
          expect.objectContaining({ model: 'Organisation', cdmsPk: refused?.AccountId }),
        );
        // count() and get() of a stored record still answer.
        expect(await Organisation.objects.count()).toBe(2);
        expect((await Organisation.objects.get({ cdmsPk: other?.AccountId as string })).name).toBe('Other');
        // get() of the unstorable record says why.
        await expect(
          Organisation.objects.get({ cdmsPk: refused?.AccountId as string }),
        ).rejects.toMatchObject({
          code: 'IMPORT_ROW_FAILED',
        });

        f.emulator.editAsCdmsUser('Account', refused?.AccountId as string, { Name: 'Fixed' });
        expect((await Organisation.objects.all()).map((each) => each.name).sort()).toEqual([
          'Dup',
          'Fixed',
          'Other',
        ]);
        expect(sync.importErrors()).toEqual([]);
        await expectStoresAgree(f);
      }));
  });

  describe('no silent fallbacks', () => {
    it("create({ cdmsPk: 'not-a-guid' }): ValidationError, 0 requests; a valid caller-chosen key is kept", async () => {
      await expect(
        f.Organisation.objects.create({ name: 'Acme', cdmsPk: 'not-a-guid' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        field: 'cdmsPk',
      });
      expect(f.emulator.requests).toEqual([]);
      const key = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
      const acme = await f.Organisation.objects.create({ name: 'Acme', cdmsPk: key });
      expect(acme.cdmsPk).toBe(key);
      expect(f.emulator.records('Account').map((record) => record.AccountId)).toEqual([key]);
    });

    it("filter({ organisation: acme.id }) sends ParentCustomerId/Id eq guid'…'; an unknown id matches nothing with 0 requests; __in and __isnull too", async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      const beta = await f.Organisation.objects.create({ name: 'Beta' });
      const smith = await f.Contact.objects.create({ lastName: 'Smith', organisation: acme });
      await f.Contact.objects.create({ lastName: 'Jones', organisation: beta });
      const loner = await f.Contact.objects.create({ lastName: 'Loner' });
      f.emulator.clearRequests();
      expect(
        (await f.Contact.objects.filter({ organisation: acme.id as never })).map((each) => each.id),
      ).toEqual([smith.id]);
      expect(requests(f.emulator)).toEqual([
        `GET ContactSet?$filter=ParentCustomerId/Id eq guid'${acme.cdmsPk}'&$select=ContactId,CreatedOn,ModifiedOn,LastName,ParentCustomerId,VersionNumber&$orderby=ModifiedOn asc`,
      ]);
      f.emulator.clearRequests();
      expect(await f.Contact.objects.filter({ organisation: 987654 as never })).toEqual([]);
      expect(f.emulator.requests).toEqual([]);
      const inBoth = await f.Contact.objects.filter({ organisation__in: [acme.id, 987654] as never });
      expect(inBoth.map((each) => each.id)).toEqual([smith.id]);
      expect(requests(f.emulator)[0]).toContain(`ParentCustomerId/Id eq guid'${acme.cdmsPk}'`);
      f.emulator.clearRequests();
      expect((await f.Contact.objects.filter({ organisation__isnull: true })).map((each) => each.id)).toEqual(
        [loner.id],
      );
      expect(requests(f.emulator)[0]).toContain('$filter=ParentCustomerId/Id eq null');
      await expect(f.Contact.objects.filter({ organisation: 'abc' as never })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('relatedSet(Contact, organisation): create, bulkCreate, getOrCreate (twice: one child) and updateOrCreate link the child', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      const children = acme.relatedSet(f.Contact, 'organisation');
      const smith = await children.create({ lastName: 'Smith' });
      expect(smith.organisationId).toBe(acme.id);
      const bulk = await children.bulkCreate([{ lastName: 'Jones' }, { lastName: 'Brown' }]);
      expect(bulk.map((each) => each.organisationId)).toEqual([acme.id, acme.id]);
      const [made, created] = await children.getOrCreate({ lastName: 'Green' });
      const [again, createdAgain] = await children.getOrCreate({ lastName: 'Green' });
      expect([created, createdAgain, again.id]).toEqual([true, false, made.id]);
      const [updated, createdByUpdate] = await children.updateOrCreate({ lastName: 'White' });
      expect([createdByUpdate, updated.organisationId]).toEqual([true, acme.id]);
      const linked = f.emulator
        .records('Contact')
        .map((record) => (record.ParentCustomerId as { Id: string | null } | null)?.Id);
      expect(linked).toEqual(Array(5).fill(acme.cdmsPk));
      expect(await children.count()).toBe(5);
    });

    it('a NUL character in a filter value: ValidationError before any request', async () => {
      await expect(f.Organisation.objects.filter({ name: 'a\u0000b' })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        f.Organisation.objects.filter({ name__icontains: '\u0000' }).count(),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(f.emulator.requests).toEqual([]);
    });

    it("client options: retries: 0 makes one attempt; orderBy: ['Name desc'] is sent as $orderby=Name desc", async () => {
      const client = f.newClient({ retries: 0 });
      f.emulator.addFault({ operation: 'list', times: 3 }, { type: 'status', status: 503 });
      await expect(client.list('Account')).rejects.toMatchObject({ status: 503 });
      expect(f.emulator.requests).toHaveLength(1);
      f.emulator.reset();
      f.emulator.seed('Account', [{ Name: 'A' }, { Name: 'B' }]);
      const page = await client.list('Account', { orderBy: ['Name desc'] });
      expect(page.results.map((record) => record.Name)).toEqual(['B', 'A']);
      expect(requests(f.emulator)).toEqual(['GET AccountSet?$orderby=Name desc']);
      expect(() => f.newClient({ retries: -1 })).toThrow(/retries/);
      await expect(client.list('Account', { orderBy: ['Name sideways'] })).rejects.toMatchObject({
        code: 'CDMS_INVALID_ARGUMENT',
      });
    });
  });

  describe('every public option object refuses what it does not understand', () => {
    it('createSync, save() and delete() options: ValidationError before any request', async () => {
      expect(() => f.newSync({ syncPageLimit: 0 })).toThrow(/syncPageLimit must be a positive whole number/);
      expect(() => f.newSync({ maxConcurrentWrites: 1.5 })).toThrow(ValidationError);
      expect(() => f.newSync({ writeQueueTimeoutMs: '10' as unknown as number })).toThrow(ValidationError);
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      acme.name = 'Acme Ltd';
      await expect(acme.save({ skipCdms: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(acme.save({ detectConflict: true } as never)).rejects.toThrow(
        /unknown write option detectConflict/,
      );
      await expect(acme.delete({ skipCdms: 1 as unknown as boolean })).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(f.emulator.requests).toEqual([]);
      await expectStoresAgree(f);
    });
  });

  describe("CRM 2011's clock: ModifiedOn to the second", () => {
    it('a CDMS user edits the record in the same second as our save: the next get() still sees the edit (cdms_version)', async () => {
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      // Start at the beginning of a second, so the save and the edit share it.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
      acme.name = 'Acme Ltd';
      await acme.save();
      const edited = f.emulator.editAsCdmsUser('Account', acme.cdmsPk as string, {
        optevia_ukorganisation: true,
      });
      expect(timeOf(edited.ModifiedOn)).toBe(timeOf(acme.modified));
      f.emulator.clearRequests();
      const fresh = await f.Organisation.objects.get({ id: acme.id });
      expect(requests(f.emulator)).toEqual([`GET AccountSet(guid'${acme.cdmsPk}')?${ACCOUNT_SELECT}`]);
      expect(fresh.ukOrganisation).toBe(true);
      expect(await localOrganisations(f)).toEqual(cdmsOrganisations(f));
    });
  });
}
