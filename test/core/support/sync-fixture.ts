/**
 * Shared set-up of the core behaviour suite: a real local store (in-memory PGlite, or PostgreSQL),
 * a CdmsClient without retries talking to nock, and fresh model classes per test (a model is bound
 * to one Sync).
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import {
  createSync,
  fields,
  type Manager,
  Migrator,
  type Sync,
  SyncedModel,
  type SyncOptions,
} from '@cdms-sync/core';
import { createHistoryTable, createSyncedTable, knexStore, openPglite } from '@cdms-sync/knex';
import nock from 'nock';

/** The Knex type, taken from `@cdms-sync/knex` (knex itself is a dependency of that package only). */
export type Knex = Awaited<ReturnType<typeof openPglite>>;

export const CDMS_ORIGIN = 'http://cdms.test';
export const BASE_URL = `${CDMS_ORIGIN}/ORG`;
/** The service root path every request goes to. */
export const ROOT = '/ORG/XRMServices/2011/OrganizationData.svc';

export const ACCOUNT_SELECT = 'AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation';
export const CONTACT_SELECT = 'ContactId,CreatedOn,ModifiedOn,LastName,ParentCustomerId';

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

export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
}

/** Fresh model classes (each Sync binds its own). */
export function defineModels() {
  class Organisation extends SyncedModel {
    static override table = 'organisation';
    static override migrator: Migrator = new OrganisationMigrator();
    declare static objects: Manager<Organisation>;
    declare name: string;
    declare ukOrganisation: boolean;
    declare notes: string | null;
  }
  class ContactMigrator extends Migrator {
    service = 'Contact';
    fields = {
      lastName: fields.string('LastName'),
      organisation: fields.foreignKey('ParentCustomerId', () => Organisation, { logicalName: 'account' }),
    };
  }
  class Contact extends SyncedModel {
    static override table = 'contact';
    static override migrator: Migrator = new ContactMigrator();
    declare static objects: Manager<Contact>;
    declare lastName: string;
    declare organisationId: number | null;
    declare organisation?: Organisation | null;
  }
  return { Organisation, Contact };
}

export type Models = ReturnType<typeof defineModels>;

/** Create the tables of the suite (dropping earlier ones). */
export async function createTables(knex: Knex): Promise<void> {
  for (const table of ['contact', 'organisation', 'cdms_sync_history'])
    await knex.schema.dropTableIfExists(table);
  await createSyncedTable(knex, 'organisation', (table) => {
    table.string('name').notNullable().defaultTo('');
    table.boolean('uk_organisation').notNullable().defaultTo(false);
    table.text('notes').nullable();
  });
  await createSyncedTable(knex, 'contact', (table) => {
    table.string('last_name').notNullable().defaultTo('');
    table.integer('organisation_id').nullable().references('id').inTable('organisation');
  });
  await createHistoryTable(knex);
}

export interface Fixture extends Models {
  knex: Knex;
  sync: Sync;
  client: CdmsClient;
  /** Every request nock answered, in order. */
  requests: SeenRequest[];
  /** The nock scope of the CDMS host. */
  cdms: nock.Scope;
  done(): Promise<void>;
}

/** Empty the suite's tables (faster than re-creating them). */
export async function truncateTables(knex: Knex): Promise<void> {
  await knex.raw('TRUNCATE TABLE contact, organisation, cdms_sync_history RESTART IDENTITY CASCADE');
}

/**
 * Wire a Sync over a store: with `knex`, the tables must exist (they are emptied); without, a fresh
 * in-memory PGlite is opened and destroyed by `done()`.
 */
export async function openFixture(
  options: { knex?: Knex; sync?: Partial<SyncOptions> } = {},
): Promise<Fixture> {
  const shared = options.knex !== undefined;
  const knex = options.knex ?? (await openPglite());
  if (shared) await truncateTables(knex);
  else await createTables(knex);
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
      if (!shared) await knex.destroy();
    },
  };
}
