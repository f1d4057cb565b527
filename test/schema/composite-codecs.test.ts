/**
 * Beyond one-to-one mapping: a `fullName` field <-> `FirstName` + `LastName`, and an `address`
 * object <-> `Address1_Line1`, `Address1_City`, `Address1_PostalCode`, through create, save, a
 * read from CDMS and filters, with the exact requests asserted (nock), on PGlite.
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { createSync, fields, type Manager, Migrator, type Sync, SyncedModel } from '@cdms-sync/core';
import { createHistoryTable, createSyncedTable, knexStore, openPglite } from '@cdms-sync/knex';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Knex = Awaited<ReturnType<typeof openPglite>>;

const ORIGIN = 'http://cdms.test';
const ROOT = '/ORG/XRMServices/2011/OrganizationData.svc';
const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const date = (value: Date) => `/Date(${value.getTime()})/`;

class PersonMigrator extends Migrator {
  service = 'Contact';
  fields = {
    fullName: fields.joined(['FirstName', 'LastName']),
    email: fields.string('EMailAddress1', { nullable: true }),
  };
}

class CompanyMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    address: fields.object({
      line1: fields.string('Address1_Line1', { nullable: true }),
      city: fields.string('Address1_City', { nullable: true }),
      postcode: fields.string('Address1_PostalCode', { nullable: true }),
    }),
  };
}

interface Address {
  line1: string | null;
  city: string | null;
  postcode: string | null;
}

function defineModels() {
  class Person extends SyncedModel {
    static override table = 'person';
    static override migrator = new PersonMigrator();
    declare static objects: Manager<Person>;
    declare fullName: string;
    declare email: string | null;
  }
  class Company extends SyncedModel {
    static override table = 'company';
    static override migrator = new CompanyMigrator();
    declare static objects: Manager<Company>;
    declare name: string;
    declare address: Address | null;
  }
  return { Person, Company };
}

interface Seen {
  method: string;
  url: string;
  body?: unknown;
}

let knex: Knex;
let sync: Sync;
let models: ReturnType<typeof defineModels>;
let requests: Seen[];
let cdms: nock.Scope;

beforeAll(async () => {
  nock.disableNetConnect();
  knex = await openPglite();
  await createSyncedTable(knex, 'person', (table) => {
    table.string('full_name', 101).notNullable();
    table.string('email', 100).nullable();
  });
  await createSyncedTable(knex, 'company', (table) => {
    table.string('name', 160).notNullable();
    table.json('address').nullable();
  });
  await createHistoryTable(knex);
});
afterAll(async () => {
  await knex.destroy();
});
beforeEach(async () => {
  await knex.raw('TRUNCATE TABLE person, company, cdms_sync_history RESTART IDENTITY');
  models = defineModels();
  sync = createSync({
    store: knexStore(knex),
    cdms: new CdmsClient({ baseUrl: `${ORIGIN}/ORG`, retries: false }),
  });
  sync.register(models.Person, models.Company);
  requests = [];
  cdms = nock(ORIGIN);
  cdms.on(
    'request',
    (
      request: { method: string; path: string; headers: Record<string, unknown> },
      _: unknown,
      body: string,
    ) => {
      const override = request.headers['x-http-method'];
      requests.push({
        method: typeof override === 'string' ? override : request.method,
        url: decodeURIComponent(request.path),
        ...(body ? { body: JSON.parse(body) } : {}),
      });
    },
  );
});
afterEach(() => {
  nock.cleanAll();
});

const contact = (values: { first: string | null; last: string | null; modified?: Date }) => ({
  __metadata: {
    uri: `${ORIGIN}/ORG${ROOT}/ContactSet(guid'${GUID}')`,
    type: 'Microsoft.Crm.Sdk.Data.Services.Contact',
  },
  ContactId: GUID,
  FirstName: values.first,
  LastName: values.last,
  EMailAddress1: null,
  CreatedOn: date(T1),
  ModifiedOn: date(values.modified ?? T1),
});

const account = (
  address: { line1: string | null; city: string | null; postcode: string | null },
  modified = T1,
) => ({
  __metadata: {
    uri: `${ORIGIN}/ORG${ROOT}/AccountSet(guid'${GUID}')`,
    type: 'Microsoft.Crm.Sdk.Data.Services.Account',
  },
  AccountId: GUID,
  Name: 'Acme',
  Address1_Line1: address.line1,
  Address1_City: address.city,
  Address1_PostalCode: address.postcode,
  CreatedOn: date(T1),
  ModifiedOn: date(modified),
});

const CONTACT_SELECT =
  '$select=ContactId,CreatedOn,ModifiedOn,FirstName,LastName,EMailAddress1,VersionNumber';
const ACCOUNT_SELECT =
  '$select=AccountId,CreatedOn,ModifiedOn,Name,Address1_Line1,Address1_City,Address1_PostalCode,VersionNumber';

describe('fields.joined: fullName <-> FirstName + LastName', () => {
  it('create splits the name into the two attributes; save sends both again', async () => {
    cdms.post(`${ROOT}/ContactSet`).reply(201, (_uri, body) => ({
      d: {
        ...contact({ first: 'Ada', last: 'Lovelace' }),
        ContactId: (body as { ContactId: string }).ContactId,
      },
    }));
    const ada = await models.Person.objects.create({ fullName: 'Ada Lovelace' });
    expect(requests).toEqual([
      {
        method: 'POST',
        url: `${ROOT}/ContactSet`,
        body: { FirstName: 'Ada', LastName: 'Lovelace', ContactId: ada.cdmsPk },
      },
    ]);
    expect(await knex('person').first('full_name')).toEqual({ full_name: 'Ada Lovelace' });

    requests.length = 0;
    const one = `${ROOT}/ContactSet(guid'${ada.cdmsPk}')`;
    cdms.post(one).reply(204);
    cdms
      .get(one)
      .query(true)
      .reply(200, {
        d: { ...contact({ first: 'Ada', last: 'King Lovelace', modified: T2 }), ContactId: ada.cdmsPk },
      });
    ada.fullName = 'Ada King Lovelace';
    await ada.save();
    expect(requests).toEqual([
      { method: 'MERGE', url: one, body: { FirstName: 'Ada', LastName: 'King Lovelace' } },
      { method: 'GET', url: `${one}?${CONTACT_SELECT}` },
    ]);
    expect(await knex('person').first('full_name')).toEqual({ full_name: 'Ada King Lovelace' });
  });

  it('a read from CDMS joins the non-empty parts', async () => {
    cdms
      .get(`${ROOT}/ContactSet(guid'${GUID}')`)
      .query(true)
      .reply(200, { d: contact({ first: null, last: 'Babbage' }) });
    const person = await models.Person.objects.get({ cdmsPk: GUID });
    expect(person.fullName).toBe('Babbage');
    expect(requests).toEqual([{ method: 'GET', url: `${ROOT}/ContactSet(guid'${GUID}')?${CONTACT_SELECT}` }]);
  });

  it('filter by the full name asks CDMS for every way it splits, then answers locally', async () => {
    cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(200, { d: { results: [contact({ first: 'Ada', last: 'Lovelace' })] } });
    const found = await models.Person.objects.filter({ fullName: 'Ada Lovelace' });
    expect(found.map((person) => person.fullName)).toEqual(['Ada Lovelace']);
    expect(requests).toHaveLength(1);
    const filter = new URL(`http://x${requests[0]?.url}`).searchParams.get('$filter');
    expect(filter).toBe(
      "FirstName eq null and LastName eq 'Ada Lovelace' or FirstName eq 'Ada' and LastName eq 'Lovelace' or FirstName eq 'Ada Lovelace' and LastName eq null",
    );
  });

  it('a text match within one part tests each part; across the separator it is refused before any request', async () => {
    cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(200, { d: { results: [contact({ first: 'Ada', last: 'Lovelace' })] } });
    await models.Person.objects.filter({ fullName__icontains: 'love' });
    const filter = new URL(`http://x${requests[0]?.url}`).searchParams.get('$filter');
    expect(filter).toBe("substringof('love',FirstName) or substringof('love',LastName)");
    requests.length = 0;
    await expect(models.Person.objects.filter({ fullName__icontains: 'a l' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    await expect(models.Person.objects.filter({ fullName__gt: 'A' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    expect(requests).toEqual([]);
  });
});

describe('fields.object: address <-> Address1_Line1, Address1_City, Address1_PostalCode', () => {
  it('create and save send one attribute per key; null clears them all', async () => {
    cdms.post(`${ROOT}/AccountSet`).reply(201, (_uri, body) => ({
      d: {
        ...account({ line1: '1 Main St', city: 'York', postcode: 'YO1 7HH' }),
        AccountId: (body as { AccountId: string }).AccountId,
      },
    }));
    const acme = await models.Company.objects.create({
      name: 'Acme',
      address: { line1: '1 Main St', city: 'York', postcode: 'YO1 7HH' },
    });
    expect(requests[0]).toEqual({
      method: 'POST',
      url: `${ROOT}/AccountSet`,
      body: {
        Name: 'Acme',
        Address1_Line1: '1 Main St',
        Address1_City: 'York',
        Address1_PostalCode: 'YO1 7HH',
        AccountId: acme.cdmsPk,
      },
    });
    requests.length = 0;
    const one = `${ROOT}/AccountSet(guid'${acme.cdmsPk}')`;
    cdms.post(one).reply(204);
    cdms
      .get(one)
      .query(true)
      .reply(200, {
        d: { ...account({ line1: null, city: null, postcode: null }, T2), AccountId: acme.cdmsPk },
      });
    acme.address = null;
    await acme.save();
    expect(requests).toEqual([
      {
        method: 'MERGE',
        url: one,
        body: { Address1_Line1: null, Address1_City: null, Address1_PostalCode: null },
      },
      { method: 'GET', url: `${one}?${ACCOUNT_SELECT}` },
    ]);
    expect((await models.Company.objects.skipCdms().get({ id: acme.id })).address).toBeNull();
  });

  it('a read from CDMS builds the object', async () => {
    cdms
      .get(`${ROOT}/AccountSet(guid'${GUID}')`)
      .query(true)
      .reply(200, { d: account({ line1: '1 Main St', city: 'York', postcode: null }) });
    const acme = await models.Company.objects.get({ cdmsPk: GUID });
    expect(acme.address).toEqual({ line1: '1 Main St', city: 'York', postcode: null });
  });

  it('filter by the whole address compares every part; other lookups are refused before any request', async () => {
    cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, { d: { results: [] } });
    await models.Company.objects.filter({ address__isnull: true });
    const filter = new URL(`http://x${requests[0]?.url}`).searchParams.get('$filter');
    expect(filter).toBe('Address1_Line1 eq null and Address1_City eq null and Address1_PostalCode eq null');
    requests.length = 0;
    // @ts-expect-error the types already refuse a text lookup on an object field; at run time it is NotSupportedError
    await expect(models.Company.objects.filter({ address__icontains: 'York' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    expect(requests).toEqual([]);
  });
});
