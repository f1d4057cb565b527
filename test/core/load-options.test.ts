/**
 * `only()` / `defer()` narrow the loaded fields and `save()` never writes a deferred one;
 * `prefetchRelated()` / `selectRelated()` load each relation with one local query and `related()`
 * then issues none; `raw()` runs SQL on the local store only.
 */
import { FieldError, NotSupportedError } from '@cdms-sync/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Organisation } from '../support/organisation-models';
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
const BRAVO = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const SAM = '9c6a36b1-d2da-4c33-8c34-222f5c344dab';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const ONE = `${ROOT}/AccountSet(guid'${ACME}')`;

const f = useSyncFixture();

/** SQL statements the local store runs while `queries` is recording. */
let queries: string[] | undefined;
const recordQuery = (query: { sql: string }) => queries?.push(query.sql);

function recordQueries(): string[] {
  queries = [];
  f.knex.on('query', recordQuery);
  return queries;
}

afterEach(() => {
  f.knex.removeListener('query', recordQuery);
  queries = undefined;
});

async function insertAcme(): Promise<number> {
  const [row] = await f
    .knex('organisation')
    .insert({ name: 'Acme', uk_organisation: true, notes: 'keep', cdms_pk: ACME, created: T1, modified: T1 })
    .returning('id');
  return (row as { id: number }).id;
}

describe('only() / defer()', () => {
  it('skipCdms: only the chosen fields (and id, cdmsPk, modified, cdmsVersion) are selected and set', async () => {
    await insertAcme();
    await f.Organisation.objects.skipCdms().count(); // describe the table before counting queries
    const seen = recordQueries();
    const [acme] = await f.Organisation.objects.skipCdms().only('name');
    expect(seen).toEqual([
      'select "id", "cdms_pk", "modified", "cdms_version", "name" from "organisation" where 1 = 1 order by "modified" asc nulls last, "id" asc nulls last',
    ]);
    expect({ ...acme }).toEqual({ id: 1, cdmsPk: ACME, modified: T1, cdmsVersion: null, name: 'Acme' });
    expect(acme?.notes).toBeUndefined();

    const [deferred] = await f.Organisation.objects.skipCdms().defer('notes').defer('ukOrganisation');
    expect(Object.keys(deferred ?? {}).sort()).toEqual([
      'cdmsPk',
      'cdmsVersion',
      'created',
      'id',
      'modified',
      'name',
    ]);
    expect(f.requests).toEqual([]);
  });

  it('skipCdms: save() writes only loaded fields that changed; refreshFromDb() loads the rest', async () => {
    await insertAcme();
    const acme = await f.Organisation.objects.skipCdms().only('name').get({ name: 'Acme' });
    expect(acme.ukOrganisation).toBeUndefined();
    const seen = recordQueries();
    acme.name = 'Acme Ltd';
    await acme.save({ skipCdms: true });
    expect(seen.filter((sql) => sql.startsWith('update'))).toEqual([
      // The UPDATE is also the row lock, and returns the row (no `select … for update` first).
      'update "organisation" set "name" = $1 where "id" = $2 returning *',
    ]);
    expect(await f.knex('organisation').first()).toMatchObject({
      name: 'Acme Ltd',
      uk_organisation: true,
      notes: 'keep',
    });
    await acme.refreshFromDb();
    expect(acme).toMatchObject({ name: 'Acme Ltd', ukOrganisation: true, notes: 'keep' });
    expect(f.requests).toEqual([]);
  });

  it('CDMS mode: the sync still selects every mapped attribute; save() MERGEs only the loaded change', async () => {
    await insertAcme();
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme', uk: true, created: T1, modified: T1 })]));
    const [acme] = await f.Organisation.objects.defer('ukOrganisation', 'notes');
    if (!acme) throw new Error('no row');
    expect(acme.ukOrganisation).toBeUndefined();
    expect(acme.notes).toBeUndefined();

    f.cdms.post(ONE).reply(204);
    f.cdms
      .get(ONE)
      .query({ $select: ACCOUNT_SELECT })
      .reply(200, { d: account({ id: ACME, name: 'Acme Ltd', uk: true, created: T1, modified: T2 }) });
    acme.name = 'Acme Ltd';
    await acme.save();
    expect(f.requests).toEqual([
      { method: 'GET', url: `${ROOT}/AccountSet?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc` },
      { method: 'MERGE', url: ONE, body: { Name: 'Acme Ltd' } },
      { method: 'GET', url: `${ONE}?$select=${ACCOUNT_SELECT}` },
    ]);
    expect(await f.knex('organisation').first()).toMatchObject({
      name: 'Acme Ltd',
      uk_organisation: true,
      notes: 'keep',
      modified: T2,
    });
  });

  it('an unknown field is a FieldError before any request', async () => {
    await expect(f.Organisation.objects.only('nmae' as never)).rejects.toBeInstanceOf(FieldError);
    await expect(f.Organisation.objects.defer('nmae' as never)).rejects.toBeInstanceOf(FieldError);
    expect(f.requests).toEqual([]);
  });
});

describe('prefetchRelated() / selectRelated()', () => {
  async function insertContacts(): Promise<{ acme: number; bravo: number }> {
    const acme = await insertAcme();
    const [bravoRow] = await f
      .knex('organisation')
      .insert({ name: 'Bravo', cdms_pk: BRAVO, created: T1, modified: T1 })
      .returning('id');
    const bravo = (bravoRow as { id: number }).id;
    await f.knex('contact').insert([
      { last_name: 'Smith', organisation_id: acme, created: T1, modified: T1 },
      { last_name: 'Jones', organisation_id: acme, created: T1, modified: T1 },
      { last_name: 'Brown', organisation_id: bravo, created: T1, modified: T1 },
      { last_name: 'Alone', organisation_id: null, created: T1, modified: T1 },
    ]);
    // Describe both tables before counting queries.
    await f.Contact.objects.skipCdms().count();
    await f.Organisation.objects.skipCdms().count();
    return { acme, bravo };
  }

  it('skipCdms: one extra local query per relation; related() then issues none', async () => {
    const { acme, bravo } = await insertContacts();
    const seen = recordQueries();
    const contacts = await f.Contact.objects.skipCdms().orderBy('lastName').prefetchRelated('organisation');
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe('select * from "organisation" where "id" IN ($1, $2)');
    const names = [];
    for (const one of contacts) names.push((await one.related<Organisation>('organisation'))?.name ?? null);
    expect(names).toEqual([null, 'Bravo', 'Acme', 'Acme']);
    expect(seen).toHaveLength(2);
    expect(contacts.map((one) => one.organisationId)).toEqual([null, bravo, acme, acme]);
    expect(f.requests).toEqual([]);
  });

  it('a changed foreign key is loaded again', async () => {
    const { bravo } = await insertContacts();
    const [smith] = await f.Contact.objects
      .skipCdms()
      .filter({ lastName: 'Smith' })
      .selectRelated('organisation');
    if (!smith) throw new Error('no row');
    smith.organisationId = bravo;
    const seen = recordQueries();
    expect((await smith.related<Organisation>('organisation'))?.name).toBe('Bravo');
    expect(seen).toHaveLength(1);
  });

  it('CDMS mode: one list request, one local query for the relation, 0 extra requests', async () => {
    await insertAcme();
    await f.Contact.objects.skipCdms().count();
    await f.Organisation.objects.skipCdms().count();
    f.cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(200, page([contact({ id: SAM, lastName: 'Smith', accountId: ACME, modified: T1 })]));
    const seen = recordQueries();
    const [sam] = await f.Contact.objects.selectRelated('organisation');
    const prefetchQueries = seen.filter((sql) =>
      sql.startsWith('select * from "organisation" where "id" IN'),
    );
    expect(prefetchQueries).toHaveLength(1);
    const before = seen.length;
    expect(await sam?.related('organisation')).toMatchObject({ name: 'Acme', cdmsPk: ACME });
    expect(seen).toHaveLength(before);
    expect(f.requests).toEqual([
      { method: 'GET', url: `${ROOT}/ContactSet?$select=${CONTACT_SELECT}&$orderby=ModifiedOn asc` },
    ]);
  });

  it('get() and only() keep the foreign key for the prefetched relation', async () => {
    await insertContacts();
    const smith = await f.Contact.objects
      .skipCdms()
      .only('lastName')
      .prefetchRelated('organisation')
      .get({ lastName: 'Smith' });
    expect(Object.keys(smith).sort()).toEqual([
      'cdmsPk',
      'cdmsVersion',
      'id',
      'lastName',
      'modified',
      'organisationId',
    ]);
    const seen = recordQueries();
    expect((await smith.related<Organisation>('organisation'))?.name).toBe('Acme');
    expect(seen).toEqual([]);
  });

  it('an unknown relation is a FieldError before any request', async () => {
    await expect(f.Contact.objects.prefetchRelated('lastName' as never)).rejects.toBeInstanceOf(FieldError);
    expect(f.requests).toEqual([]);
  });
});

describe('raw()', () => {
  it('skipCdms: objects from bound SQL, normalised as every read', async () => {
    await insertAcme();
    await f.Organisation.objects.skipCdms().count(); // describe the table before counting queries
    const seen = recordQueries();
    const [acme, ...others] = await f.Organisation.objects
      .skipCdms()
      .raw('SELECT * FROM organisation WHERE name = ? AND uk_organisation = ?', ["Acme' OR 1=1 --", true]);
    expect(acme).toBeUndefined();
    expect(others).toEqual([]);
    const [found] = await f.Organisation.objects
      .skipCdms()
      .raw('SELECT id, cdms_pk, name, uk_organisation, modified FROM organisation WHERE name = ?', ['Acme']);
    expect({ ...found }).toEqual({ id: 1, cdmsPk: ACME, name: 'Acme', ukOrganisation: true, modified: T1 });
    expect(found).toBeInstanceOf(f.Organisation);
    expect(seen).toHaveLength(2);
    expect(f.requests).toEqual([]);
  });

  it('CDMS mode, or with a filter: NotSupportedError, nothing sent or run', async () => {
    await insertAcme();
    const seen = recordQueries();
    await expect(f.Organisation.objects.raw('SELECT * FROM organisation')).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    await expect(
      f.Organisation.objects.skipCdms().filter({ name: 'Acme' }).raw('SELECT * FROM organisation'),
    ).rejects.toBeInstanceOf(NotSupportedError);
    expect(seen).toEqual([]);
    expect(f.requests).toEqual([]);
  });
});
