/**
 * `generateModels` end to end: the models and migrations generated from the emulator's
 * `$metadata` type-check under strict TypeScript, pass the project's lint, migrate on PGlite,
 * PostgreSQL and MariaDB, and run a synced create/get/filter/save round trip against the emulator.
 */
import { join } from 'node:path';
import { CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, generateModels, type Manager, type Sync, type SyncedModel } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { type GeneratedProject, REPO_ROOT, writeGeneratedProject } from './support/generated-project';

let emulator: CdmsEmulator;
let client: CdmsClient;
let project: GeneratedProject;
/** Table names unique to this run: the servers are shared. */
const prefix = `gen${process.pid}_${Date.now().toString(36)}_`;
const historyTable = `${prefix}history`;

beforeAll(async () => {
  emulator = await startCdmsEmulator();
  client = new CdmsClient({ baseUrl: emulator.url, retries: false });
  const files = generateModels(await client.metadata(), {
    entities: ['Account', 'Contact'],
    tablePrefix: prefix,
    historyTable,
    migrationPrefix: '20261127120000',
  });
  project = await writeGeneratedProject(files);
});
afterAll(async () => {
  project?.remove();
  await emulator?.close();
});

describe('the generated project', () => {
  it('type-checks under strict TypeScript, with code that uses the models', async () => {
    project.add(
      'usage.ts',
      [
        "import { Account } from './models/account';",
        "import { Contact } from './models/contact';",
        '',
        'export async function usage(): Promise<string | null> {',
        "  const acme = await Account.objects.create({ name: 'Acme', opteviaUkorganisation: true });",
        "  await Contact.objects.create({ lastName: 'Lovelace', parentCustomer: acme });",
        "  const [ada] = await Contact.objects.filter({ lastName__icontains: 'love', parentCustomer: acme });",
        '  return ada?.firstName ?? null;',
        '}',
        '',
      ].join('\n'),
    );
    await project.typecheck();
  }, 120_000);

  it('passes the project lint (Biome) as generated', async () => {
    await project.lint();
  }, 60_000);
});

interface GeneratedModels {
  Account: typeof SyncedModel & { objects: Manager<SyncedModel & Record<string, unknown>> };
  Contact: typeof SyncedModel & { objects: Manager<SyncedModel & Record<string, unknown>> };
}

const databases = (await testDatabases()).filter((database) =>
  ['pglite', 'postgresql', 'mysql'].includes(database.name),
);

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let sync: Sync;
  let models: GeneratedModels;
  let copy: GeneratedProject;

  beforeAll(async () => {
    knex = (await database.connect()) as unknown as Knex;
    // A copy per database: a model class belongs to one Sync, and each copy's modules are new classes.
    copy = await writeGeneratedProject(project.files, join(REPO_ROOT, '.tmp'));
    const migrations = project.files.filter((file) => file.kind === 'migration');
    const loaded = await Promise.all(migrations.map((file) => copy.load<Knex.Migration>(file.path)));
    await knex.migrate.latest({
      tableName: `${prefix}migrations`,
      migrationSource: {
        getMigrations: async () => migrations.map((file) => file.path),
        getMigrationName: (name: string) => name,
        getMigration: async (name: string) =>
          loaded[migrations.findIndex((file) => file.path === name)] as Knex.Migration,
      },
    });
    // One entry module, so the models and their foreign-key thunks share one module graph.
    copy.add(
      'models/index.ts',
      "export { Account } from './account';\nexport { Contact } from './contact';\n",
    );
    models = await copy.load<GeneratedModels>('models/index.ts');
    sync = createSync({ store: knexStore(knex as never), cdms: client, historyTable });
    sync.register(models.Account, models.Contact);
  });
  afterAll(async () => {
    for (const table of ['account', 'contact']) {
      await knex.schema
        .alterTable(`${prefix}${table}`, (builder) => builder.dropForeign(['parent_customer_id']))
        .catch(() => {});
    }
    for (const table of ['account', 'contact', 'history', 'migrations', 'migrations_lock']) {
      await knex.schema.dropTableIfExists(`${prefix}${table}`).catch(() => {});
    }
    await knex?.destroy();
    copy?.remove();
  });

  it('migrates: typed columns, the synced base columns, cdms_version and the history table', async () => {
    const columns = await knex(`${prefix}contact`).columnInfo();
    expect(Object.keys(columns)).toEqual(
      expect.arrayContaining([
        'id',
        'cdms_pk',
        'created',
        'modified',
        'first_name',
        'parent_customer_id',
        'cdms_version',
      ]),
    );
    expect(columns.first_name?.maxLength).toBe(50);
    expect(await knex.schema.hasTable(historyTable)).toBe(true);
  });

  it('runs a synced create/get/filter/save round trip against the emulator', async () => {
    const { Account, Contact } = models;
    const acme = await Account.objects.create({
      name: 'Acme',
      opteviaUkorganisation: true,
      revenue: '1000.50',
    });
    const ada = await Contact.objects.create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      parentCustomer: acme,
    });
    const [record] = emulator.records('Contact').filter((row) => row.ContactId === ada.cdmsPk);
    expect(record).toMatchObject({
      FirstName: 'Ada',
      LastName: 'Lovelace',
      ParentCustomerId: { Id: acme.cdmsPk },
    });

    const fetched = await Contact.objects.get({ cdmsPk: ada.cdmsPk });
    expect(fetched).toMatchObject({ firstName: 'Ada', parentCustomerId: acme.id });
    const found = await Contact.objects.filter({ lastName__icontains: 'love', parentCustomer: acme });
    expect(found.map((contact) => contact.cdmsPk)).toEqual([ada.cdmsPk]);

    fetched.lastName = 'King';
    await fetched.save();
    expect(emulator.records('Contact').find((row) => row.ContactId === ada.cdmsPk)).toMatchObject({
      LastName: 'King',
    });
    expect(await knex(`${prefix}contact`).where({ id: ada.id }).first('last_name')).toEqual({
      last_name: 'King',
    });
    expect(Number((await knex(historyTable).count({ n: '*' }))[0]?.n)).toBeGreaterThan(0);
  });
});
