import { FieldError, NotSupportedError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SELECT,
  account,
  CONTACT_SELECT,
  contact,
  page,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const ACME = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const SAM = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const T1 = new Date('2016-02-28T10:00:00Z');

const f = useSyncFixture();

describe('skipCdms: the same API on the local store, 0 requests, history still recorded', () => {
  it('every call', async () => {
    const local = f.Organisation.objects.skipCdms();
    const acme = await local.create({ name: 'Acme', notes: 'n' });
    expect(acme.cdmsPk).toBeNull();
    await local.bulkCreate([{ name: 'Bravo' }, { name: 'Charlie' }]);
    expect(await local.count()).toBe(3);
    expect(await local.filter({ name__icontains: 'AC' }).exists()).toBe(true);
    expect((await local.orderBy('name').first())?.name).toBe('Acme');
    expect((await local.orderBy('name').last())?.name).toBe('Charlie');
    expect((await local.get({ name: 'Bravo' })).name).toBe('Bravo');
    expect(await local.orderBy('name').valuesList('name', { flat: true })).toEqual([
      'Acme',
      'Bravo',
      'Charlie',
    ]);
    expect(await local.filter({ name: 'Acme' }).values('notes')).toEqual([{ notes: 'n' }]);
    expect(await local.exclude({ name: 'Acme' }).update({ ukOrganisation: true })).toBe(2);
    expect((await local.getOrCreate({ name: 'Delta' }))[1]).toBe(true);
    expect((await local.updateOrCreate({ name: 'Delta' }, { notes: 'd' }))[1]).toBe(false);
    acme.name = 'Acme Ltd';
    await acme.save({ skipCdms: true });
    await acme.delete({ skipCdms: true });
    expect(await local.filter({ name: 'Charlie' }).delete()).toBe(1);
    expect(await local.orderBy('name').valuesList('name', { flat: true })).toEqual(['Bravo', 'Delta']);
    expect(f.requests).toEqual([]);
    const kinds = (await f.sync.history(f.Organisation)).map((entry) => entry.kind).sort();
    expect(kinds).toEqual(['delete', 'delete', ...Array(8).fill('local')].sort());
  });

  it('a filter across a relation with a condition CDMS cannot express fails before any request', async () => {
    // The relation itself runs in two steps; the rest of the query is validated before the first.
    await expect(
      f.Contact.objects.filter({ organisation__name: 'Acme', lastName__regex: '^S' } as never),
    ).rejects.toBeInstanceOf(NotSupportedError);
    expect(f.requests).toEqual([]);
  });
});

describe('NotSupportedError before any request or write', () => {
  it.each([
    ['week_day', () => f.Organisation.objects.filter({ created__week_day: 2 })],
    ['regex', () => f.Organisation.objects.filter({ name__regex: '^A' })],
    ['ordering by a local-only field', () => f.Organisation.objects.orderBy('notes')],
    [
      'update() with an unsupported filter',
      () => f.Organisation.objects.filter({ name__regex: '^A' }).update({ notes: 'x' }),
    ],
    [
      'delete() with an unsupported filter',
      () => f.Organisation.objects.filter({ name__iregex: '^A' }).delete(),
    ],
  ])('%s', async (_name, run) => {
    await f.knex('organisation').insert({ name: 'Acme', cdms_pk: ACME, modified: T1 });
    await expect(Promise.resolve(run())).rejects.toBeInstanceOf(NotSupportedError);
    expect(f.requests).toEqual([]);
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Acme', notes: null });
    expect(await f.sync.history(f.Organisation)).toEqual([]);
  });

  it('an unknown field is a FieldError before any request', async () => {
    await expect(f.Organisation.objects.filter({ nmae: 'x' } as never)).rejects.toBeInstanceOf(FieldError);
    await expect(f.Organisation.objects.create({ nmae: 'x' } as never)).rejects.toBeInstanceOf(FieldError);
    expect(f.requests).toEqual([]);
  });
});

describe('foreign keys', () => {
  it('create sends the lookup; read resolves the related object; filter by the related object', async () => {
    const [{ id }] = await f
      .knex('organisation')
      .insert({ name: 'Acme', cdms_pk: ACME, modified: T1 })
      .returning('id');
    const acme = await f.Organisation.objects.skipCdms().get({ id });
    f.cdms.post(`${ROOT}/ContactSet`).reply(201, (_uri, body) => ({
      d: contact({
        id: (body as { ContactId: string }).ContactId,
        lastName: 'Smith',
        accountId: ACME,
        modified: T1,
      }),
    }));
    const sam = await f.Contact.objects.create({ lastName: 'Smith', organisation: acme });
    expect(f.requests[0]?.body).toEqual({
      ContactId: sam.cdmsPk,
      LastName: 'Smith',
      ParentCustomerId: { Id: ACME, LogicalName: 'account' },
    });
    expect(sam.organisationId).toBe(id);
    expect((await sam.related<InstanceType<typeof f.Organisation>>('organisation'))?.name).toBe('Acme');

    f.cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(
        200,
        page([contact({ id: sam.cdmsPk as string, lastName: 'Smith', accountId: ACME, modified: T1 })]),
      );
    const contacts = await acme.relatedSet(f.Contact, 'organisation');
    expect(contacts.map((c) => c.lastName)).toEqual(['Smith']);
    expect(f.requests[1]?.url).toBe(
      `${ROOT}/ContactSet?$filter=ParentCustomerId/Id eq guid'${ACME}'&$select=${CONTACT_SELECT}&$orderby=ModifiedOn asc`,
    );
    expect(f.requests).toHaveLength(2);
  });

  it('an incoming GUID of a record missing locally is imported with one list request', async () => {
    f.cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(200, page([contact({ id: SAM, lastName: 'Smith', accountId: ACME, modified: T1 })]));
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme', modified: T1 })]));
    const [sam] = await f.Contact.objects.all();
    expect(f.requests.map((r) => r.url)).toEqual([
      `${ROOT}/ContactSet?$select=${CONTACT_SELECT}&$orderby=ModifiedOn asc`,
      `${ROOT}/AccountSet?$filter=AccountId eq guid'${ACME}'&$select=${ACCOUNT_SELECT}`,
    ]);
    const acme = await sam?.related('organisation');
    expect(acme).toMatchObject({ name: 'Acme', cdmsPk: ACME });
  });
});
