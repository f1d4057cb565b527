/**
 * Shared set-up of the core behaviour suite: a real local store (in-memory PGlite, or PostgreSQL),
 * a CdmsClient without retries talking to nock, and fresh model classes per test (a model is bound
 * to one Sync). A test file calls `useSyncFixture()` once; the models and their tables are those of
 * `test/support/organisation-models.ts`.
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { createSync, type Sync, type SyncOptions } from '@cdms-sync/core';
import { knexStore, openPglite } from '@cdms-sync/knex';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  createModelTables,
  defineModels,
  dropModelTables,
  type Models,
} from '../../support/organisation-models';

/** The Knex type, taken from `@cdms-sync/knex` (knex itself is a dependency of that package only). */
export type Knex = Awaited<ReturnType<typeof openPglite>>;

export const CDMS_ORIGIN = 'http://cdms.test';
export const BASE_URL = `${CDMS_ORIGIN}/ORG`;
/** The service root path every request goes to. */
export const ROOT = '/ORG/XRMServices/2011/OrganizationData.svc';

export const ACCOUNT_SELECT = 'AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';
export const CONTACT_SELECT = 'ContactId,CreatedOn,ModifiedOn,LastName,ParentCustomerId,VersionNumber';

/** One request nock saw, decoded for readable assertions. */
export interface SeenRequest {
  /** `GET`, `POST`, `MERGE` (a POST with `X-HTTP-Method: MERGE`), `DELETE`. */
  method: string;
  /** Path and query, percent-decoded: `/ORG/…/AccountSet?$filter=Name eq 'x'`. */
  url: string;
  body?: unknown;
}

/** `/Date(ms)/`, as CDMS sends date-times. */
export function cdmsDate(date: Date): string {
  return `/Date(${date.getTime()})/`;
}

/** A raw CDMS Account as the OData endpoint sends it. */
export function account(values: { id: string; name: string; uk?: boolean; created?: Date; modified: Date }) {
  return {
    __metadata: {
      uri: `${BASE_URL}${ROOT}/AccountSet(guid'${values.id}')`,
      type: 'Microsoft.Crm.Sdk.Data.Services.Account',
    },
    AccountId: values.id,
    Name: values.name,
    optevia_ukorganisation: values.uk ?? false,
    CreatedOn: cdmsDate(values.created ?? new Date('2016-01-01T00:00:00Z')),
    ModifiedOn: cdmsDate(values.modified),
  };
}

/** A raw CDMS Contact. */
export function contact(values: { id: string; lastName: string; accountId: string | null; modified: Date }) {
  return {
    __metadata: {
      uri: `${BASE_URL}${ROOT}/ContactSet(guid'${values.id}')`,
      type: 'Microsoft.Crm.Sdk.Data.Services.Contact',
    },
    ContactId: values.id,
    LastName: values.lastName,
    ParentCustomerId: { Id: values.accountId, LogicalName: values.accountId ? 'account' : null, Name: null },
    CreatedOn: cdmsDate(new Date('2016-01-01T00:00:00Z')),
    ModifiedOn: cdmsDate(values.modified),
  };
}

/** `{ d: { results, __next } }`. */
export function page(results: unknown[], next?: string) {
  return { d: { results, ...(next ? { __next: next } : {}) } };
}

/** Create the tables of the suite (dropping earlier ones). */
export async function createTables(knex: Knex): Promise<void> {
  await dropModelTables(knex);
  await createModelTables(knex);
}

/** One test's Sync over the suite's tables, with its models and the recording nock scope. */
export interface Fixture extends Models {
  knex: Knex;
  sync: Sync;
  client: CdmsClient;
  /** Every request nock answered, in order. */
  requests: SeenRequest[];
  /** The nock scope of the CDMS host. */
  cdms: nock.Scope;
  /** Forget the nock interceptors (the database stays open: it belongs to the caller). */
  done(): Promise<void>;
}

/** Empty the suite's tables (faster than re-creating them). */
export async function truncateTables(knex: Knex): Promise<void> {
  await knex.raw('TRUNCATE TABLE contact, organisation, cdms_sync_history RESTART IDENTITY CASCADE');
}

/** Wire a Sync over `knex`, whose tables must exist (`createTables`); they are emptied first. */
export async function openFixture(options: { knex: Knex; sync?: Partial<SyncOptions> }): Promise<Fixture> {
  const { knex } = options;
  await truncateTables(knex);
  const client = new CdmsClient({ baseUrl: BASE_URL, retries: false });
  const sync = createSync({ store: knexStore(knex), cdms: client, ...options.sync });
  const models = defineModels();
  sync.register(models.Organisation, models.Contact);
  const requests: SeenRequest[] = [];
  const cdms = nock(CDMS_ORIGIN);
  cdms.on(
    'request',
    (
      request: {
        method: string;
        path: string;
        getHeader?(name: string): unknown;
        headers?: Record<string, unknown>;
      },
      _interceptor: unknown,
      body: string,
    ) => {
      const override = request.getHeader?.('x-http-method') ?? request.headers?.['x-http-method'];
      requests.push({
        method: typeof override === 'string' ? override : request.method,
        url: decodeURIComponent(request.path),
        ...(body ? { body: JSON.parse(body) } : {}),
      });
    },
  );
  return {
    ...models,
    knex,
    sync,
    client,
    requests,
    cdms,
    async done() {
      nock.cleanAll();
    },
  };
}

/** The fixture of the running test, as `useSyncFixture` hands it out. */
export interface SyncFixture extends Omit<Fixture, 'done'> {
  /**
   * Replace the running test's fixture by one whose Sync has other options (a wrapped store, a
   * page limit, a logger …); the tables are emptied again.
   */
  reopen(sync: Partial<SyncOptions>): Promise<void>;
}

/** Options of `useSyncFixture`. */
export interface UseSyncFixtureOptions {
  /** Opens the database of the test file. @default a fresh in-memory PGlite */
  openKnex?: () => Promise<Knex>;
  /** Closes it after the file. @default `knex.destroy()` */
  closeKnex?: (knex: Knex) => Promise<void>;
}

/**
 * The lifecycle of a core test file, as vitest hooks: nock refuses real connections; one database
 * per file with the suite's tables (`beforeAll`), closed after the file; before each test a fresh
 * `Fixture` (emptied tables, a new Sync with new models, a recording nock scope), closed after it.
 * Call it once at the top of the file (or of a `describe`); the object it returns always shows the
 * running test's fixture, and its `knex` is usable from `beforeAll` hooks declared after the call.
 *
 * @example
 * const f = useSyncFixture();
 *
 * it('get: in sync', async () => {
 *   await f.knex('organisation').insert({ name: 'Acme', cdms_pk: GUID, created: T1, modified: T1 });
 *   f.cdms.get(ONE).query(true).reply(200, { d: account({ id: GUID, name: 'Acme', modified: T1 }) });
 *   await f.Organisation.objects.get({ cdmsPk: GUID });
 *   expect(f.requests).toHaveLength(1);
 * });
 */
export function useSyncFixture(options: UseSyncFixtureOptions = {}): SyncFixture {
  const { openKnex = () => openPglite(), closeKnex = (knex: Knex) => knex.destroy() } = options;
  let knex: Knex | undefined;
  let current: Fixture | undefined;

  beforeAll(async () => {
    nock.disableNetConnect();
    knex = await openKnex();
    await createTables(knex);
  });
  afterAll(async () => {
    if (knex) await closeKnex(knex);
  });
  beforeEach(async () => {
    current = await openFixture({ knex: opened() });
  });
  afterEach(async () => {
    await current?.done();
    current = undefined;
  });

  function opened(): Knex {
    if (!knex) throw new Error('useSyncFixture: the database opens in beforeAll');
    return knex;
  }
  function running(): Fixture {
    if (!current) throw new Error('useSyncFixture: the fixture exists only while a test runs');
    return current;
  }

  return {
    get knex() {
      return opened();
    },
    get sync() {
      return running().sync;
    },
    get client() {
      return running().client;
    },
    get requests() {
      return running().requests;
    },
    get cdms() {
      return running().cdms;
    },
    get Organisation() {
      return running().Organisation;
    },
    get Contact() {
      return running().Contact;
    },
    async reopen(sync) {
      await running().done();
      current = await openFixture({ knex: opened(), sync });
    },
  };
}
