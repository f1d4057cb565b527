/**
 * `save()` MERGEs only the mapped fields changed since the object was loaded; local-only changes
 * are written locally with no request; an unchanged object sends and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SELECT,
  account,
  CONTACT_SELECT,
  contact,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const GUID2 = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const CONTACT_GUID = '9c6a36b1-d2da-4c33-8c34-222f5c344dab';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const T3 = new Date('2016-04-01T08:00:00Z');
const ONE = `${ROOT}/AccountSet(guid'${GUID}')`;

const f = useSyncFixture();

async function loadAcme() {
  await f.knex('organisation').insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1, notes: 'n' });
  const [acme] = await f.Organisation.objects.skipCdms().all();
  if (!acme) throw new Error('no row');
  return acme;
}

/** MERGE answered 204, then the read-back GET of the mapped attributes answered with `entity`. */
function replyMergeThenRead(path: string, select: string, entity: unknown) {
  f.cdms.post(path).reply(204);
  f.cdms.get(path).query({ $select: select }).reply(200, { d: entity });
}

function replyAccount(values: { name: string; uk?: boolean; modified: Date }) {
  replyMergeThenRead(ONE, ACCOUNT_SELECT, account({ id: GUID, ...values }));
}

describe('save() of a loaded object', () => {
  it('MERGEs only the changed mapped field, then reads back the mapped attributes', async () => {
    const acme = await loadAcme();
    replyAccount({ name: 'Acme Ltd', modified: T2 });
    acme.name = 'Acme Ltd';
    await acme.save();
    expect(f.requests).toEqual([
      { method: 'MERGE', url: ONE, body: { Name: 'Acme Ltd' } },
      { method: 'GET', url: `${ONE}?$select=${ACCOUNT_SELECT}` },
    ]);
    expect(await f.knex('organisation').first()).toMatchObject({
      name: 'Acme Ltd',
      uk_organisation: false,
      notes: 'n',
      modified: T2,
    });
    expect(await f.sync.history(acme)).toMatchObject([{ kind: 'local', data: { name: 'Acme Ltd' } }]);
  });

  it('a second save sends only what changed since the first', async () => {
    const acme = await loadAcme();
    replyAccount({ name: 'Acme Ltd', modified: T2 });
    acme.name = 'Acme Ltd';
    await acme.save();
    replyAccount({ name: 'Acme Ltd', uk: true, modified: T3 });
    acme.ukOrganisation = true;
    await acme.save();
    expect(f.requests.filter((request) => request.method === 'MERGE').map((request) => request.body)).toEqual(
      [{ Name: 'Acme Ltd' }, { optevia_ukorganisation: true }],
    );
    expect(acme.modified).toEqual(T3);
  });

  it('only a local-only field changed: 0 requests, a local UPDATE and a history entry', async () => {
    const acme = await loadAcme();
    acme.notes = 'met at the fair';
    await f.sync.runAs({ user: 'alice', comment: 'note' }, () => acme.save());
    expect(f.requests).toEqual([]);
    expect(await f.knex('organisation').first()).toMatchObject({
      name: 'Acme',
      notes: 'met at the fair',
      modified: T1,
    });
    expect(await f.sync.history(acme)).toMatchObject([
      { kind: 'local', user: 'alice', comment: 'note', data: { notes: 'met at the fair' } },
    ]);
  });

  it('nothing changed: no request, no write, no history', async () => {
    const acme = await loadAcme();
    await acme.save({ detectConflicts: true });
    expect(f.requests).toEqual([]);
    expect(await f.sync.history(acme)).toEqual([]);
  });

  it('a value set back to what was loaded is not a change; dates compare by time', async () => {
    const acme = await loadAcme();
    acme.name = 'Other';
    acme.name = 'Acme';
    acme.created = new Date(T1.getTime());
    await acme.save();
    expect(f.requests).toEqual([]);
  });

  it('an object built with new and an id (never loaded) sends every mapped field', async () => {
    const { id } = await loadAcme();
    const detached = new f.Organisation({ id, name: 'Acme', ukOrganisation: true });
    replyAccount({ name: 'Acme', uk: true, modified: T2 });
    await detached.save();
    expect(f.requests[0]).toEqual({
      method: 'MERGE',
      url: ONE,
      body: { Name: 'Acme', optevia_ukorganisation: true },
    });
    expect(await f.knex('organisation').first()).toMatchObject({ notes: 'n', uk_organisation: true });
  });

  it('a changed foreign key MERGEs only the lookup', async () => {
    await f.knex('organisation').insert([
      { name: 'A', cdms_pk: GUID, created: T1, modified: T1 },
      { name: 'B', cdms_pk: GUID2, created: T1, modified: T1 },
    ]);
    const [a, b] = await f.Organisation.objects.skipCdms().orderBy('name');
    await f.knex('contact').insert({
      last_name: 'Smith',
      cdms_pk: CONTACT_GUID,
      created: T1,
      modified: T1,
      organisation_id: a?.id,
    });
    const [smith] = await f.Contact.objects.skipCdms().all();
    if (!smith || !b) throw new Error('no rows');
    const path = `${ROOT}/ContactSet(guid'${CONTACT_GUID}')`;
    replyMergeThenRead(
      path,
      CONTACT_SELECT,
      contact({ id: CONTACT_GUID, lastName: 'Smith', accountId: GUID2, modified: T2 }),
    );
    smith.organisationId = b.id;
    await smith.save();
    expect(f.requests[0]).toEqual({
      method: 'MERGE',
      url: path,
      body: { ParentCustomerId: { Id: GUID2, LogicalName: 'account' } },
    });
    expect(await f.knex('contact').first()).toMatchObject({ organisation_id: b.id, modified: T2 });
  });

  it('a field changed in CDMS meanwhile (not sent): the read-back brings it, the stores agree', async () => {
    const acme = await loadAcme();
    // Someone set optevia_ukorganisation in CDMS; this process only changes the name.
    replyAccount({ name: 'Acme Ltd', uk: true, modified: T2 });
    acme.name = 'Acme Ltd';
    await acme.save();
    expect(f.requests[0]?.body).toEqual({ Name: 'Acme Ltd' });
    expect(acme).toMatchObject({ name: 'Acme Ltd', ukOrganisation: true, notes: 'n', modified: T2 });
    expect(await f.knex('organisation').first()).toMatchObject({
      name: 'Acme Ltd',
      uk_organisation: true,
      modified: T2,
    });
  });

  it('save({ skipCdms: true }) writes only the changed fields locally', async () => {
    const acme = await loadAcme();
    await f.knex('organisation').update({ notes: 'changed elsewhere' });
    acme.name = 'Local';
    await acme.save({ skipCdms: true });
    expect(f.requests).toEqual([]);
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Local', notes: 'changed elsewhere' });
  });
});
