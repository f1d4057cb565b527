/**
 * Shared set-up of the end-to-end suites: a real `CdmsClient` talking real HTTP to the CRM 2011
 * emulator, and a real local store (PostgreSQL, PGlite, SQLite or MariaDB, through the knex
 * conformance helper: an unreachable server FAILS on CI, and is skipped with a warning elsewhere).
 * Each test file runs every scenario against one database, with its own tables (unique names per
 * run, so parallel files and other suites sharing the server never clash) and its own emulator.
 */
import { CdmsClient, type CdmsClientOptions } from '@cdms-sync/cdms-client';
import {
  type CdmsEmulator,
  type CdmsEmulatorOptions,
  startCdmsEmulator,
} from '@cdms-sync/cdms-client/emulator';
import { createSync, type Sync, type SyncOptions } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import {
  describeEachDatabase,
  type TestDatabase,
  type TestDatabaseName,
  testDatabases,
  uniqueTableName,
} from '../../../packages/knex/src/conformance/databases';
import {
  createModelTables,
  defineModels,
  dropModelTables,
  type Models,
  type ModelTableNames,
} from '../../support/organisation-models';

export type { TestDatabase, TestDatabaseName };

/** Everything one test works with; refreshed before each test. */
export interface EndToEnd extends Models {
  readonly database: TestDatabase;
  readonly knex: Knex;
  readonly tables: ModelTableNames;
  readonly emulator: CdmsEmulator;
  /** The Sync's own client: no retries, so every request is counted once. */
  readonly client: CdmsClient;
  readonly sync: Sync;
  /** A client of the same emulator with other options (retries, a short timeout …). */
  newClient(options?: Partial<CdmsClientOptions>): CdmsClient;
  /** Another Sync on the same tables with its own models (e.g. other options or another client). */
  newSync(options?: Partial<SyncOptions>): { sync: Sync } & Models;
}

/** Options of `describeDatabase`. */
export interface EndToEndOptions {
  /** Options of the shared emulator. */
  readonly emulator?: CdmsEmulatorOptions;
  /** Extra options of each test's `createSync`. */
  readonly sync?: Partial<SyncOptions>;
  /**
   * Options of the Sync's client, or a function of the started emulator that returns them (called
   * once per file). @default { retries: false } With `auth`, each test starts signed in (one
   * request before the test, then the emulator's request log is cleared).
   */
  readonly client?: Partial<CdmsClientOptions> | ((emulator: CdmsEmulator) => Partial<CdmsClientOptions>);
}

const allDatabases = await testDatabases();

/**
 * Declares `suite` against one database (an unreachable server: a failing test on CI, a skipped
 * suite with a warning elsewhere). The database connection, the tables (unique names per run) and
 * one emulator are shared by the whole file, because opening them is the slow part (PGlite boots a
 * whole PostgreSQL); `suite` receives a context object whose fields are replaced before each test:
 * emptied tables, a reset emulator, fresh models, a fresh Sync.
 */
export function describeDatabase(
  name: TestDatabaseName,
  suite: (context: EndToEnd) => void,
  options: EndToEndOptions = {},
): void {
  const databases = allDatabases.filter((database) => database.name === name);
  describeEachDatabase(databases, (database) => {
    const context = {} as EndToEnd & { knex: Knex; emulator: CdmsEmulator; tables: ModelTableNames };
    let clientOptions: Partial<CdmsClientOptions> = {};
    beforeAll(async () => {
      // Names unique to this run, so parallel files and suites sharing a server never clash.
      context.tables = {
        organisation: uniqueTableName('it_org'),
        contact: uniqueTableName('it_con'),
        history: uniqueTableName('it_his'),
      };
      context.knex = await database.connect();
      await createModelTables(context.knex, context.tables);
      context.emulator = await startCdmsEmulator(options.emulator);
      clientOptions =
        typeof options.client === 'function' ? options.client(context.emulator) : (options.client ?? {});
    });
    afterAll(async () => {
      await context.emulator?.close();
      if (context.knex) {
        await dropModelTables(context.knex, context.tables).catch(() => {});
        await context.knex.destroy();
      }
    });
    beforeEach(async () => {
      // Children first (the contact table's foreign key points at the organisation table).
      await context.knex(context.tables.contact).del();
      await context.knex(context.tables.organisation).del();
      await context.knex(context.tables.history).del();
      context.emulator.reset();
      const baseUrl = context.emulator.url;
      const newClient = (overrides: Partial<CdmsClientOptions> = {}) =>
        new CdmsClient({ baseUrl, retries: false, ...clientOptions, ...overrides });
      const client = newClient();
      const newSync = (overrides: Partial<SyncOptions> = {}) => {
        const sync = createSync({
          store: knexStore(context.knex),
          cdms: client,
          historyTable: context.tables.history,
          ...options.sync,
          ...overrides,
        });
        const models = defineModels(context.tables);
        sync.register(models.Organisation, models.Contact);
        return { sync, ...models };
      };
      if (clientOptions.auth !== undefined) {
        // Start each test signed in (the reset ended every session), so that the scenarios'
        // request lists hold for every auth mode: the sign-in is not part of what they count.
        await client.list('Account', { top: 1 });
        context.emulator.clearRequests();
      }
      Object.assign(context, { database, client, newClient, newSync, ...newSync() });
    });
    suite(context);
  });
}

// ------------------------------------------------------------------ requests

/**
 * The data-service requests the emulator received since the last `reset`/`clearRequests`, as
 * `METHOD path?query` relative to the service root, percent-decoded; a MERGE shows as `MERGE`.
 * Login requests (outside the data service) are left out.
 *
 * @example
 * requests(emulator); // ["POST AccountSet", "MERGE AccountSet(guid'…')", "GET AccountSet(guid'…')?$select=AccountId,…"]
 */
export function requests(emulator: CdmsEmulator): string[] {
  const root = new URL(emulator.serviceUrl).pathname;
  return emulator.requests
    .filter((request) => request.path.startsWith(`${root}/`))
    .map((request) => {
      const path = request.path.slice(root.length + 1);
      const query = Object.entries(request.query)
        .map(([name, value]) => `${name}=${value}`)
        .join('&');
      return `${request.methodOverride ?? request.method} ${path}${query ? `?${query}` : ''}`;
    });
}

/** The data-service requests as `operation Service` (`create Account`, `list Contact` …). */
export function operations(emulator: CdmsEmulator): string[] {
  return emulator.requests
    .filter((request) => request.operation !== undefined)
    .map((request) => `${request.operation} ${request.service ?? ''}`.trim());
}

// ------------------------------------------------------------------ both stores

/** Milliseconds of a date-time as any dialect returns it (Date, ISO text, number). */
export function timeOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
  return Number.NaN;
}

function guidOf(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

function byPk<T extends { cdmsPk: string | null }>(rows: T[]): T[] {
  return rows.sort((a, b) => String(a.cdmsPk).localeCompare(String(b.cdmsPk)));
}

/** Local organisations that have a CDMS record, in a comparable form. */
export async function localOrganisations(f: EndToEnd) {
  const rows: Record<string, unknown>[] = await f.knex(f.tables.organisation).whereNotNull('cdms_pk');
  return byPk(
    rows.map((row) => ({
      cdmsPk: guidOf(row.cdms_pk),
      name: row.name,
      ukOrganisation: Boolean(row.uk_organisation),
      created: timeOf(row.created),
      modified: timeOf(row.modified),
    })),
  );
}

/** The emulator's Accounts in the same form. */
export function cdmsOrganisations(f: EndToEnd) {
  return byPk(
    f.emulator.records('Account').map((record) => ({
      cdmsPk: guidOf(record.AccountId),
      name: record.Name,
      ukOrganisation: Boolean(record.optevia_ukorganisation),
      created: timeOf(record.CreatedOn),
      modified: timeOf(record.ModifiedOn),
    })),
  );
}

/** Local contacts with a CDMS record; the foreign key as the organisation's GUID. */
export async function localContacts(f: EndToEnd) {
  const rows: Record<string, unknown>[] = await f
    .knex(`${f.tables.contact} as c`)
    .leftJoin(`${f.tables.organisation} as o`, 'o.id', 'c.organisation_id')
    .whereNotNull('c.cdms_pk')
    .select('c.cdms_pk', 'c.last_name', 'c.modified', 'o.cdms_pk as organisation_pk');
  return byPk(
    rows.map((row) => ({
      cdmsPk: guidOf(row.cdms_pk),
      lastName: row.last_name,
      organisation: guidOf(row.organisation_pk),
      modified: timeOf(row.modified),
    })),
  );
}

/** The emulator's Contacts in the same form. */
export function cdmsContacts(f: EndToEnd) {
  return byPk(
    f.emulator.records('Contact').map((record) => ({
      cdmsPk: guidOf(record.ContactId),
      lastName: record.LastName,
      organisation: guidOf((record.ParentCustomerId as { Id?: unknown } | null)?.Id),
      modified: timeOf(record.ModifiedOn),
    })),
  );
}

/**
 * Both stores hold the same synced records with the same mapped values and the same
 * `ModifiedOn`/`modified` (local rows never written to CDMS, with `cdms_pk` NULL, are left out).
 */
export async function expectStoresAgree(f: EndToEnd): Promise<void> {
  expect(await localOrganisations(f)).toEqual(cdmsOrganisations(f));
  expect(await localContacts(f)).toEqual(cdmsContacts(f));
}

/** Row counts of the local tables. */
export async function localCounts(f: EndToEnd) {
  const count = async (table: string) => {
    const [row] = await f.knex(table).count({ n: '*' });
    return Number(row?.n);
  };
  return {
    organisations: await count(f.tables.organisation),
    contacts: await count(f.tables.contact),
    history: await count(f.tables.history),
  };
}
