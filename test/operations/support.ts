/**
 * Shared set-up of the operations suites: a CRM 2011 emulator over real HTTP, a real local store
 * with the two models' tables (with `cdms_version`), the history and the state tables, and a Sync.
 */
import { randomUUID } from 'node:crypto';
import { CdmsClient } from '@cdms-sync/cdms-client';
import {
  type CdmsEmulator,
  type CdmsEmulatorOptions,
  startCdmsEmulator,
} from '@cdms-sync/cdms-client/emulator';
import { createSync, type Sync, type SyncOptions } from '@cdms-sync/core';
import { createSyncStateTables, dropSyncStateTables, knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type TestDatabase, uniqueTableName } from '../../packages/knex/src/conformance/databases';
import {
  createModelTables,
  defineModels,
  dropModelTables,
  type Models,
  type ModelTableNames,
} from '../support/organisation-models';

/** Table names of one run: models, history and state. */
export interface OperationTables extends ModelTableNames {
  readonly state: string;
}

export function operationTables(): OperationTables {
  const prefix = uniqueTableName('ops');
  return {
    organisation: `${prefix}_org`,
    contact: `${prefix}_contact`,
    history: `${prefix}_history`,
    state: `${prefix}_state`,
  };
}

/** Creates the tables (models with `cdms_version`, history, state). */
export async function createOperationTables(knex: Knex, tables: OperationTables): Promise<void> {
  await createModelTables(knex, tables);
  for (const table of [tables.organisation, tables.contact]) {
    // `createSyncedTable` adds it already where `cdms_version` is a base column.
    if (await knex.schema.hasColumn(table, 'cdms_version')) continue;
    await knex.schema.alterTable(table, (builder) => builder.bigInteger('cdms_version').nullable());
  }
  await createSyncStateTables(knex, { tableName: tables.state });
}

export async function dropOperationTables(knex: Knex, tables: OperationTables): Promise<void> {
  await dropSyncStateTables(knex, { tableName: tables.state });
  await dropModelTables(knex, tables);
}

/** A Sync over `knex` and `emulator`, with fresh models bound to `tables`. */
export function openSync(
  knex: Knex,
  emulator: Pick<CdmsEmulator, 'url'>,
  tables: OperationTables,
  options: Partial<SyncOptions> = {},
): { sync: Sync; client: CdmsClient } & Models {
  const client = new CdmsClient({ baseUrl: emulator.url, retries: false });
  const sync = createSync({
    store: knexStore(knex),
    cdms: client,
    historyTable: tables.history,
    stateTable: tables.state,
    ...options,
  });
  const models = defineModels(tables);
  sync.register(models.Organisation, models.Contact);
  return { sync, client, ...models };
}

export function startEmulator(options: CdmsEmulatorOptions = {}): Promise<CdmsEmulator> {
  return startCdmsEmulator(options);
}

/** What {@link useOperationSetup} provides to the tests of one database (read inside tests). */
export interface OperationSetup {
  readonly knex: Knex;
  /** Throws when the set-up was asked for no emulator. */
  readonly emulator: CdmsEmulator;
  readonly tables: OperationTables;
}

export interface OperationSetupOptions {
  /** Options of the emulator it starts, or `false` for none (the tests start their own). @default {} */
  readonly emulator?: CdmsEmulatorOptions | false;
  /**
   * `'file'`: one emulator and one set of tables for all the tests; `'test'`: fresh ones for each
   * test (the connection is always one for the file).
   * @default 'file'
   */
  readonly per?: 'file' | 'test';
}

/**
 * Registers the hooks of an operations suite on `database`: a connection, the emulator over HTTP
 * and fresh tables ({@link createOperationTables}), all dropped and closed after.
 *
 * @example
 * describeEachDatabase(databases, (database) => {
 *   const setup = useOperationSetup(database, { emulator: { latencyMs: 20 } });
 *   it('…', async () => {
 *     seedAccounts(setup.emulator, 10);
 *     const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
 *   });
 * });
 */
export function useOperationSetup(
  database: TestDatabase,
  options: OperationSetupOptions = {},
): OperationSetup {
  const { emulator: emulatorOptions = {}, per = 'file' } = options;
  let knex: Knex | undefined;
  let emulator: CdmsEmulator | undefined;
  let tables: OperationTables | undefined;

  const setUp = async (connection: Knex) => {
    if (emulatorOptions) emulator = await startEmulator(emulatorOptions);
    tables = operationTables();
    await createOperationTables(connection, tables);
  };
  const tearDown = async (connection: Knex) => {
    if (tables) await dropOperationTables(connection, tables).catch(() => {});
    await emulator?.close();
  };

  beforeAll(async () => {
    knex = await database.connect();
    if (per === 'file') await setUp(knex);
  });
  afterAll(async () => {
    if (!knex) return;
    if (per === 'file') await tearDown(knex);
    await knex.destroy();
  });
  if (per === 'test') {
    beforeEach(() => setUp(required(knex, 'knex')));
    afterEach(() => tearDown(required(knex, 'knex')));
  }

  return {
    get knex() {
      return required(knex, 'knex');
    },
    get emulator() {
      return required(emulator, 'emulator');
    },
    get tables() {
      return required(tables, 'tables');
    },
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`useOperationSetup: no ${name} (set up in the hooks)`);
  return value;
}

/** Seed `count` accounts whose `CreatedOn` spreads over one second per `perSecond` records. */
export function seedAccounts(
  emulator: CdmsEmulator,
  count: number,
  options: { perSecond?: number; start?: Date } = {},
) {
  const start = (options.start ?? new Date('2020-01-01T00:00:00Z')).getTime();
  const perSecond = options.perSecond ?? 10;
  return emulator.seed(
    'Account',
    Array.from({ length: count }, (_, index) => {
      const created = new Date(start + Math.floor(index / perSecond) * 1000);
      return {
        AccountId: randomUUID(),
        Name: `Account ${index}`,
        optevia_ukorganisation: index % 2 === 0,
        CreatedOn: created,
        ModifiedOn: created,
      };
    }),
  );
}

/** Seed one contact per account in `accounts` (every `every`-th account). */
export function seedContacts(
  emulator: CdmsEmulator,
  accounts: readonly { AccountId?: unknown; CreatedOn?: unknown }[],
  every = 1,
) {
  return emulator.seed(
    'Contact',
    accounts
      .filter((_, index) => index % every === 0)
      .map((account, index) => ({
        ContactId: randomUUID(),
        LastName: `Contact ${index}`,
        ParentCustomerId: { Id: String(account.AccountId), LogicalName: 'account' },
        CreatedOn: account.CreatedOn as Date,
        ModifiedOn: account.CreatedOn as Date,
      })),
  );
}

/** The mapped fields of every record of CDMS vs the local store, for an exact comparison. */
export async function compareStores(
  knex: Knex,
  emulator: CdmsEmulator,
  tables: OperationTables,
): Promise<{ cdms: unknown[]; local: unknown[] }> {
  const cdmsAccounts = emulator.records('Account').map((record) => ({
    cdmsPk: String(record.AccountId).toLowerCase(),
    name: record.Name,
    // The mapped field is a non-nullable boolean: an empty CDMS value decodes to false.
    uk: record.optevia_ukorganisation ?? false,
    modified: new Date(record.ModifiedOn as never).toISOString(),
    version: String(record.VersionNumber),
  }));
  const localAccounts = (await knex(tables.organisation).select()).map((row) => ({
    cdmsPk: String(row.cdms_pk).toLowerCase(),
    name: row.name,
    uk: Boolean(row.uk_organisation),
    modified: new Date(row.modified).toISOString(),
    version: String(row.cdms_version),
  }));
  const byPk = (a: { cdmsPk: string }, b: { cdmsPk: string }) => a.cdmsPk.localeCompare(b.cdmsPk);
  return { cdms: cdmsAccounts.sort(byPk), local: localAccounts.sort(byPk) };
}
