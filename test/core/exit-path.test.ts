/**
 * The exit path (docs/sync-semantics.md, "Shutting CDMS down"): a registered model without a
 * `static migrator` is a plain local model. Every call behaves as with skipCdms: 0 CDMS requests.
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { createSync, type Manager, type Sync, SyncedModel } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, useSyncFixture } from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const T1 = new Date('2016-02-28T10:00:00Z');

/** The Organisation model after CDMS was retired: same table, no migrator. */
class Organisation extends SyncedModel {
  static override table = 'organisation';
  declare static objects: Manager<Organisation>;
  declare name: string;
  declare ukOrganisation: boolean;
  declare notes: string | null;
}

// The fixture's nock scope records every request that would reach CDMS.
const f = useSyncFixture();
let sync: Sync;
beforeAll(() => {
  // Registered once: a model class binds to one Sync.
  sync = createSync({
    store: knexStore(f.knex),
    cdms: new CdmsClient({ baseUrl: BASE_URL, retries: false }),
  });
  sync.register(Organisation);
});

describe('a model without a migrator', () => {
  it('reads, writes and deletes locally with 0 CDMS requests, history still recorded', async () => {
    // A row synced while CDMS was alive keeps its cdms_pk and is just a local row now.
    await f.knex('organisation').insert({ name: 'Legacy', cdms_pk: GUID, created: T1, modified: T1 });

    const acme = await sync.runAs({ user: 'alice' }, () =>
      Organisation.objects.create({ name: 'Acme', ukOrganisation: true }),
    );
    expect(acme).toMatchObject({ name: 'Acme', cdmsPk: null, ukOrganisation: true });
    expect(acme.modified).toBeInstanceOf(Date);

    const legacy = await Organisation.objects.get({ cdmsPk: GUID });
    expect(legacy.name).toBe('Legacy');
    expect(await Organisation.objects.get({ name: 'Acme' })).toMatchObject({ id: acme.id });
    expect(await Organisation.objects.filter({ notes__regex: '^x' }).count()).toBe(0);
    expect(await Organisation.objects.orderBy('notes', 'name').valuesList('name', { flat: true })).toEqual([
      'Acme',
      'Legacy',
    ]);
    expect(await Organisation.objects.exists()).toBe(true);
    expect((await Organisation.objects.last())?.name).toBe('Acme');

    legacy.name = 'Legacy Ltd';
    legacy.notes = 'kept';
    await legacy.save();
    expect(
      await Organisation.objects.filter({ name__startswith: 'Legacy' }).update({ ukOrganisation: true }),
    ).toBe(1);
    await acme.delete();
    expect(await Organisation.objects.filter({ name: 'Nobody' }).delete()).toBe(0);

    expect(f.requests).toEqual([]);
    expect(
      await f.knex('organisation').select('name', 'cdms_pk', 'notes', 'uk_organisation', 'modified'),
    ).toEqual([{ name: 'Legacy Ltd', cdms_pk: GUID, notes: 'kept', uk_organisation: true, modified: T1 }]);
    expect((await sync.history(Organisation)).map((entry) => [entry.kind, entry.rowId, entry.user])).toEqual([
      ['delete', acme.id, null],
      ['local', legacy.id, null],
      ['local', legacy.id, null],
      ['local', acme.id, 'alice'],
    ]);
  });

  it('getOrCreate / bulkCreate / first stay local too', async () => {
    const [made, created] = await Organisation.objects.getOrCreate({ name: 'Bravo' });
    expect(created).toBe(true);
    const more = await Organisation.objects.bulkCreate([{ name: 'C1' }, { name: 'C2' }]);
    expect(more.map((each) => each.cdmsPk)).toEqual([null, null]);
    expect((await Organisation.objects.orderBy('name').first())?.id).toBe(made.id);
    expect(f.requests).toEqual([]);
  });
});
