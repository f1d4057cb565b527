/**
 * A representative part of the behaviour suite against a real PostgreSQL server (127.0.0.1:5432,
 * db `test`), in a schema of its own. Unreachable server: fails on CI, skipped with a warning elsewhere.
 */

import { createRequire } from 'node:module';
import { CdmsClient } from '@cdms-sync/cdms-client';
import { ObjectsNotInSyncError } from '@cdms-sync/core';
import nock from 'nock';
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import {
  ACCOUNT_SELECT,
  account,
  BASE_URL,
  type Knex,
  page,
  ROOT,
  useSyncFixture,
} from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const ONE = `${ROOT}/AccountSet(guid'${GUID}')`;
const SCHEMA = `cdms_sync_core_${process.pid}`;

// knex is a dependency of @cdms-sync/knex only: load it from there.
const knexFactory = createRequire(new URL('../../packages/knex/package.json', import.meta.url))('knex') as (
  config: unknown,
) => Knex;

const databases = (await testDatabases()).filter((database) => database.name === 'postgresql');

describeEachDatabase(databases, (database) => {
  const f = useSyncFixture({
    async openKnex() {
      nock.enableNetConnect('127.0.0.1');
      const probe = await database.connect();
      await probe.raw(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
      const knex = knexFactory({ ...probe.client.config, searchPath: [SCHEMA] });
      await probe.destroy();
      return knex;
    },
    async closeKnex(knex) {
      await knex.raw(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await knex.destroy();
      nock.enableNetConnect();
    },
  });

  it('create, filter, get (CDMS newer), save, delete with history', async () => {
    f.cdms.post(`${ROOT}/AccountSet`).reply(201, (_uri, body) => ({
      d: account({ id: (body as { AccountId: string }).AccountId, name: 'Acme', modified: T1 }),
    }));
    const acme = await f.sync.runAs({ user: 'alice', comment: 'import' }, () =>
      f.Organisation.objects.create({ name: 'Acme' }),
    );
    const id = acme.cdmsPk as string;
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id, name: 'Acme', modified: T1 })]));
    expect((await f.Organisation.objects.filter({ name__icontains: 'acm' })).map((o) => o.id)).toEqual([
      acme.id,
    ]);
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${id}')`)
      .query(true)
      .reply(200, { d: account({ id, name: 'Acme Ltd', modified: T2 }) });
    const refreshed = await f.Organisation.objects.get({ id: acme.id });
    expect(refreshed).toMatchObject({ name: 'Acme Ltd', modified: T2 });
    f.cdms.post(`${ROOT}/AccountSet(guid'${id}')`).reply(204);
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${id}')`)
      .query(true)
      .reply(200, {
        d: account({ id, name: 'Acme Ltd', uk: true, modified: new Date(T2.getTime() + 1000) }),
      });
    refreshed.ukOrganisation = true;
    await refreshed.save();
    f.cdms.delete(`${ROOT}/AccountSet(guid'${id}')`).reply(204);
    await refreshed.delete();
    expect(f.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'MERGE', 'GET', 'DELETE']);
    expect((await f.sync.history(f.Organisation, acme.id)).map((entry) => [entry.kind, entry.user])).toEqual([
      ['delete', null],
      ['local', null],
      ['cdms-refresh', 'cdms'],
      ['local', 'alice'],
    ]);
  });

  it('local newer -> ObjectsNotInSyncError; a CDMS 500 on save rolls back', async () => {
    const [{ id }] = await f
      .knex('organisation')
      .insert({ name: 'Acme', cdms_pk: GUID, modified: T2 })
      .returning('id');
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Old', modified: T1 }) });
    await expect(f.Organisation.objects.get({ id })).rejects.toBeInstanceOf(ObjectsNotInSyncError);
    expect(f.requests[0]?.url).toBe(`${ONE}?$select=${ACCOUNT_SELECT}`);
    const acme = await f.Organisation.objects.skipCdms().get({ id });
    f.cdms.post(ONE).reply(500, {});
    acme.name = 'Changed';
    await expect(acme.save()).rejects.toMatchObject({ code: 'CDMS_SERVER_ERROR' });
    expect(await f.knex('organisation').first()).toMatchObject({ name: 'Acme' });
    expect(await f.sync.history(f.Organisation)).toEqual([]);
  });

  it('two concurrent refreshes of the same record: one row, newest data', async () => {
    const [{ id }] = await f
      .knex('organisation')
      .insert({ name: 'Acme', cdms_pk: GUID, modified: T1 })
      .returning('id');
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Second', modified: T2 }) });
    f.cdms
      .get(ONE)
      .query(true)
      .reply(200, { d: account({ id: GUID, name: 'Third', modified: new Date(T2.getTime() + 60_000) }) });
    // Two users' clients: identical reads of one client would share one GET (single-flight).
    const bob = new CdmsClient({ baseUrl: BASE_URL, retries: false });
    await Promise.all([
      f.Organisation.objects.get({ id }),
      f.sync.runAs({ user: 'bob', cdms: bob }, () => f.Organisation.objects.get({ id })),
    ]);
    const rows = await f.knex('organisation').select('name');
    expect(rows).toEqual([{ name: 'Third' }]);
  });
});
