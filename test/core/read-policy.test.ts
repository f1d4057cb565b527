import { Count, NotBackfilledError, ValidationError } from '@cdms-sync/core';
import { createSyncStateTables, knexStore } from '@cdms-sync/knex';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { delegatingStore } from './support/delegating-store';
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
const SMITH = '1c0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const JONES = '2d1b2c3d-4e5f-4061-9b7c-8d9e0f1a2b3c';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const T3 = new Date('2016-04-01T08:00:00Z');
const WATERMARK = T2;

const f = useSyncFixture();

beforeAll(async () => {
  await createSyncStateTables(f.knex);
});
beforeEach(async () => {
  await f.knex.raw('TRUNCATE TABLE cdms_sync_state, cdms_sync_state_range RESTART IDENTITY');
});

/** What a completed backfill leaves in the state tables. */
async function markBackfilled(table: string, lastPollAt: Date | null = null): Promise<void> {
  await f
    .knex('cdms_sync_state')
    .insert({ model: table, watermark: WATERMARK, last_poll_at: lastPollAt, backfill_planned_at: T1 });
  await f.knex('cdms_sync_state_range').insert({ model: table, range_id: 'r0000', position: 0, done: true });
}

/** Two organisations and two contacts of Acme, as a backfill left them. */
async function seedMirror(): Promise<{ acme: number; bravo: number }> {
  const [acme, bravo] = (await f
    .knex('organisation')
    .insert([
      { name: 'Acme Ltd', cdms_pk: ACME, created: T1, modified: T1 },
      { name: 'Bravo', cdms_pk: BRAVO, created: T1, modified: T1 },
    ])
    .returning('id')) as Array<{ id: number }>;
  await f.knex('contact').insert([
    { last_name: 'Smith', cdms_pk: SMITH, organisation_id: acme?.id, created: T1, modified: T1 },
    { last_name: 'Jones', cdms_pk: JONES, organisation_id: acme?.id, created: T1, modified: T1 },
  ]);
  return { acme: acme?.id ?? 0, bravo: bravo?.id ?? 0 };
}

/** The delta request of a model: every record changed since the watermark, less the 30 s overlap. */
function deltaUrl(set: 'AccountSet' | 'ContactSet'): string {
  const key = set === 'AccountSet' ? 'AccountId' : 'ContactId';
  const select = set === 'AccountSet' ? ACCOUNT_SELECT : CONTACT_SELECT;
  const since = new Date(WATERMARK.getTime() - 30_000).toISOString().slice(0, 19);
  return `${ROOT}/${set}?$filter=ModifiedOn ge datetime'${since}'&$select=${select}&$orderby=ModifiedOn asc,${key} asc`;
}

/** Nock answers the next delta of `set` with `records` (none: nothing changed). */
function replyDelta(set: 'AccountSet' | 'ContactSet', records: unknown[] = []): void {
  f.cdms.get(`${ROOT}/${set}`).query(true).reply(200, page(records));
}

const GET = (url: string) => ({ method: 'GET', url });

describe("read policy 'delta'", () => {
  beforeEach(async () => {
    await seedMirror();
    await markBackfilled('organisation');
    await markBackfilled('contact');
  });

  it('count, filter, exists, aggregate, get: one delta request each when nothing changed, exact local answers', async () => {
    for (let i = 0; i < 5; i += 1) replyDelta('AccountSet');
    const fresh = f.Organisation.objects.fresh('delta');
    expect(await fresh.count()).toBe(2);
    expect((await fresh.filter({ name__icontains: 'acme' })).map((o) => o.name)).toEqual(['Acme Ltd']);
    expect(await fresh.filter({ name: 'Nobody' }).exists()).toBe(false);
    expect(await fresh.aggregate({ total: Count('id') })).toEqual({ total: 2 });
    expect((await fresh.get({ cdmsPk: ACME })).name).toBe('Acme Ltd');
    expect(f.requests).toEqual(Array.from({ length: 5 }, () => GET(deltaUrl('AccountSet'))));
  });

  it('a CDMS edit made between two reads is seen by the next delta read (and advances the watermark)', async () => {
    replyDelta('AccountSet');
    expect(await f.Organisation.objects.fresh('delta').filter({ name__startswith: 'Acme' }).count()).toBe(1);
    replyDelta('AccountSet', [account({ id: BRAVO, name: 'Acme Two', modified: T3 })]);
    expect(await f.Organisation.objects.fresh('delta').filter({ name__startswith: 'Acme' }).count()).toBe(2);
    expect(f.requests).toEqual([GET(deltaUrl('AccountSet')), GET(deltaUrl('AccountSet'))]);
    const [state] = await f.knex('cdms_sync_state').where({ model: 'organisation' });
    expect(new Date(state.watermark)).toEqual(T3);
  });

  it('a CDMS delete is not seen by a delta read; reconcile finds and repairs it', async () => {
    // Bravo is deleted in CDMS: CRM 2011 keeps no tombstone, so the delta has nothing to say.
    replyDelta('AccountSet');
    expect(await f.Organisation.objects.fresh('delta').count()).toBe(2);
    // The reconciliation listing (keys and ModifiedOn) no longer has it.
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Ltd', modified: T1 })]));
    // Repair checks the missing GUIDs once more before deleting.
    f.cdms.get(`${ROOT}/AccountSet`).query(true).reply(200, page([]));
    const report = await f.sync.reconcile([f.Organisation], { repair: true });
    expect(report.models[0]?.deletedInCdms).toEqual([BRAVO]);
    replyDelta('AccountSet');
    expect(await f.Organisation.objects.fresh('delta').count()).toBe(1);
  });

  it('a relation filter brings both models up to date (one request each) and answers with a local join', async () => {
    replyDelta('AccountSet');
    replyDelta('ContactSet');
    const contacts = await f.Contact.objects
      .fresh('delta')
      .filter({ organisation__name__icontains: 'acme' } as never);
    expect(contacts.map((c) => c.lastName).sort()).toEqual(['Jones', 'Smith']);
    expect([...f.requests].sort((a, b) => a.url.localeCompare(b.url))).toEqual([
      GET(deltaUrl('AccountSet')),
      GET(deltaUrl('ContactSet')),
    ]);
  });

  it('the migrator readPolicy applies to every read of the model', async () => {
    Object.defineProperty(f.Organisation.migrator, 'readPolicy', { value: 'delta' });
    replyDelta('AccountSet');
    expect(await f.Organisation.objects.count()).toBe(2);
    expect(f.requests).toEqual([GET(deltaUrl('AccountSet'))]);
  });

  it('200 concurrent delta reads of one model share one delta request', async () => {
    replyDelta('AccountSet');
    const counts = await Promise.all(
      Array.from({ length: 200 }, () => f.Organisation.objects.fresh('delta').count()),
    );
    expect(new Set(counts)).toEqual(new Set([2]));
    expect(f.requests).toEqual([GET(deltaUrl('AccountSet'))]);
  });

  it('a delta read racing a poll applies each change once and never moves the watermark backwards', async () => {
    // The poll sees the edit at T3; the delta's answer (slower, sent before the edit) has nothing newer.
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Edited', modified: T3 })]));
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .delay(50)
      .reply(200, page([account({ id: ACME, name: 'Acme Edited', modified: T3 })]));
    const [, count] = await Promise.all([
      f.sync.poll([f.Organisation]),
      f.Organisation.objects.fresh('delta').filter({ name: 'Acme Edited' }).count(),
    ]);
    expect(count).toBe(1);
    const history = await f.sync.history(f.Organisation);
    expect(history.filter((entry) => entry.kind === 'cdms-refresh')).toHaveLength(1);
    const [state] = await f.knex('cdms_sync_state').where({ model: 'organisation' });
    expect(new Date(state.watermark)).toEqual(T3);
    // An older answer arriving last does not move the watermark back.
    replyDelta('AccountSet', [account({ id: BRAVO, name: 'Bravo', modified: T1 })]);
    await f.Organisation.objects.fresh('delta').count();
    const [after] = await f.knex('cdms_sync_state').where({ model: 'organisation' });
    expect(new Date(after.watermark)).toEqual(T3);
  });
});

describe('read policy { maxStalenessMs }', () => {
  beforeEach(async () => {
    await seedMirror();
  });

  it('answers locally with no request while the last poll is younger; a delta once it is older', async () => {
    await markBackfilled('organisation', new Date());
    const recent = f.Organisation.objects.fresh({ maxStalenessMs: 60_000 });
    expect(await recent.count()).toBe(2);
    expect(await recent.filter({ name: 'Bravo' }).exists()).toBe(true);
    expect((await recent.get({ cdmsPk: BRAVO })).name).toBe('Bravo');
    expect(f.requests).toEqual([]);
    replyDelta('AccountSet');
    expect(await f.Organisation.objects.fresh({ maxStalenessMs: 0 }).count()).toBe(2);
    expect(f.requests).toEqual([GET(deltaUrl('AccountSet'))]);
    // The delta just made counts as the latest sync.
    expect(await recent.count()).toBe(2);
    expect(f.requests).toHaveLength(1);
  });

  it('an invalid policy is a ValidationError before any request', () => {
    expect(() => f.Organisation.objects.fresh({ maxStalenessMs: -1 })).toThrow(ValidationError);
    expect(() => f.Organisation.objects.fresh('sometimes' as never)).toThrow(ValidationError);
  });
});

describe('a model never backfilled', () => {
  beforeEach(async () => {
    await seedMirror();
  });

  it('.fresh(delta) is a NotBackfilledError, with no request', async () => {
    await expect(f.Organisation.objects.fresh('delta').count()).rejects.toBeInstanceOf(NotBackfilledError);
    await expect(
      f.Organisation.objects.fresh({ maxStalenessMs: 1000 }).get({ cdmsPk: ACME }),
    ).rejects.toBeInstanceOf(NotBackfilledError);
    expect(f.requests).toEqual([]);
  });

  it('a configured readPolicy falls back to always (lists) until the backfill completes', async () => {
    Object.defineProperty(f.Organisation.migrator, 'readPolicy', { value: 'delta' });
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Ltd', modified: T1 })]));
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Ltd', modified: T1 })]));
    expect(await f.Organisation.objects.filter({ name: 'Acme Ltd' }).count()).toBe(1);
    expect(f.requests[0]).toEqual(
      GET(`${ROOT}/AccountSet?$filter=Name eq 'Acme Ltd'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`),
    );
  });
});

describe("read policy 'always' (the default)", () => {
  it('a relation filter runs in two steps: the related records in CDMS, then a Lookup/Id chain', async () => {
    await seedMirror();
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Ltd', modified: T1 })]));
    f.cdms
      .get(`${ROOT}/ContactSet`)
      .query(true)
      .reply(
        200,
        page([
          contact({ id: SMITH, lastName: 'Smith', accountId: ACME, modified: T1 }),
          contact({ id: JONES, lastName: 'Jones', accountId: ACME, modified: T1 }),
        ]),
      );
    const contacts = await f.Contact.objects.filter({ organisation__name__icontains: 'acme' } as never);
    expect(contacts.map((c) => c.lastName).sort()).toEqual(['Jones', 'Smith']);
    expect(f.requests).toEqual([
      GET(
        `${ROOT}/AccountSet?$filter=substringof('acme',Name)&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`,
      ),
      GET(
        `${ROOT}/ContactSet?$filter=ParentCustomerId/Id eq guid'${ACME}'&$select=${CONTACT_SELECT}&$orderby=ModifiedOn asc`,
      ),
    ]);
  });

  it('200 concurrent get() of one record make one GET', async () => {
    await seedMirror();
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${ACME}')`)
      .query(true)
      .reply(200, { d: account({ id: ACME, name: 'Acme Ltd', modified: T1 }) });
    const found = await Promise.all(
      Array.from({ length: 200 }, () => f.Organisation.objects.get({ cdmsPk: ACME })),
    );
    expect(new Set(found.map((o) => o.name))).toEqual(new Set(['Acme Ltd']));
    expect(f.requests).toEqual([GET(`${ROOT}/AccountSet(guid'${ACME}')?$select=${ACCOUNT_SELECT}`)]);
  });

  it('identical list reads in flight together share one request; each answers from the local store', async () => {
    f.cdms
      .get(`${ROOT}/AccountSet`)
      .query(true)
      .reply(200, page([account({ id: ACME, name: 'Acme Ltd', modified: T1 })]));
    const counts = await Promise.all(
      Array.from({ length: 20 }, () => f.Organisation.objects.filter({ name: 'Acme Ltd' }).count()),
    );
    expect(new Set(counts)).toEqual(new Set([1]));
    expect(f.requests).toEqual([
      GET(`${ROOT}/AccountSet?$filter=Name eq 'Acme Ltd'&$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`),
    ]);
  });

  it('a get() whose local query ends after an identical GET was answered reuses it when that GET was sent after it began', async () => {
    // The second get()'s local query is slow: the first GET has been answered when it asks.
    const base = knexStore(f.knex);
    let finds = 0;
    await f.reopen({
      store: {
        ...delegatingStore(base),
        find: async (table, options) => {
          finds += 1;
          if (table === 'organisation' && finds === 2)
            await new Promise((resolve) => setTimeout(resolve, 100));
          return base.find(table, options);
        },
      },
    });
    await seedMirror();
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${ACME}')`)
      .query(true)
      .reply(200, { d: account({ id: ACME, name: 'Acme Ltd', modified: T1 }) });
    const [first, second] = await Promise.all([
      f.Organisation.objects.get({ cdmsPk: ACME }),
      f.Organisation.objects.get({ cdmsPk: ACME }),
    ]);
    expect([first.name, second.name]).toEqual(['Acme Ltd', 'Acme Ltd']);
    expect(f.requests).toHaveLength(1);
    // A get() that begins after the GET was sent makes its own.
    f.cdms
      .get(`${ROOT}/AccountSet(guid'${ACME}')`)
      .query(true)
      .reply(200, { d: account({ id: ACME, name: 'Acme Ltd', modified: T1 }) });
    await f.Organisation.objects.get({ cdmsPk: ACME });
    expect(f.requests).toHaveLength(2);
  });
});
