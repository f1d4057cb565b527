/**
 * `sync.check()` compares the local column lengths the knex store reports (`describe()`) with the
 * CDMS maximum lengths of `$metadata`, in both directions, on PostgreSQL, PGlite, SQLite and
 * MariaDB. SQLite does not enforce `varchar(n)` itself, but the store reports the declared length
 * and core refuses a longer value before any write, so it is checked the same way.
 * Real databases, real HTTP to the emulator (`GET $metadata`).
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, fields, Migrator, type Sync, SyncedModel } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeEachDatabase,
  testDatabases,
  uniqueTableName,
} from '../../packages/knex/src/conformance/databases';

let emulator: CdmsEmulator;
let client: CdmsClient;
beforeAll(async () => {
  emulator = await startCdmsEmulator();
  client = new CdmsClient({ baseUrl: emulator.url, retries: false });
});
afterAll(async () => {
  await emulator?.close();
});

describeEachDatabase(await testDatabases(), (database) => {
  const table = uniqueTableName('check_lengths');
  let knex: Knex;
  let sync: Sync;

  class LengthsMigrator extends Migrator {
    service = 'Account';
    fields = {
      name: fields.string('Name'), // varchar(160), CDMS 160: fits
      email: fields.string('EMailAddress1'), // varchar(50), CDMS 100: column too short
      phone: fields.string('Telephone1'), // varchar(255), CDMS 50: attribute too short
      website: fields.string('WebSiteURL'), // text, CDMS 200: attribute too short
      description: fields.string('Description'), // text, CDMS publishes no length: not compared
    };
  }
  class Organisation extends SyncedModel {
    static override table = table;
    static override migrator = new LengthsMigrator();
    declare name: string;
    declare email: string | null;
  }

  beforeAll(async () => {
    knex = (await database.connect()) as unknown as Knex;
    await knex.schema.createTable(table, (builder) => {
      builder.increments('id');
      builder.string('cdms_pk', 36).nullable();
      builder.timestamp('created').nullable();
      builder.timestamp('modified').nullable();
      builder.string('name', 160).notNullable();
      builder.string('email', 50).nullable();
      builder.string('phone', 255).nullable();
      builder.text('website').nullable();
      builder.text('description').nullable();
    });
    sync = createSync({ store: knexStore(knex as never), cdms: client });
    sync.register(Organisation);
  });
  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  it('reports a column shorter than CDMS and a CDMS attribute that cannot hold what a column allows', async () => {
    const problems = await sync.check();
    expect(problems.map((problem) => [problem.kind, problem.field, problem.message])).toEqual([
      [
        'column-too-short',
        'email',
        'column email holds 50 characters, CDMS Account.EMailAddress1 up to 100 (from $metadata)',
      ],
      [
        'attribute-too-short',
        'phone',
        'column phone allows 255 characters, CDMS Account.Telephone1 holds at most 50 (from $metadata)',
      ],
      [
        'attribute-too-short',
        'website',
        'column website has no maximum length, CDMS Account.WebSiteURL holds at most 200 (from $metadata)',
      ],
    ]);
  });

  it("compares the host's maxLengths override where $metadata publishes no length", async () => {
    const problems = await sync.check({ maxLengths: { 'Account.Description': 2000 } });
    expect(problems.find((problem) => problem.field === 'description')?.message).toBe(
      "column description has no maximum length, CDMS Account.Description holds at most 2000 (from the host's maxLengths override)",
    );
  });

  it('enforces the declared length it compares, before any request (also on SQLite)', async () => {
    emulator.clearRequests();
    await expect(
      Organisation.objects.create({ name: 'Acme', email: `${'x'.repeat(45)}@x.com` }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(emulator.requests.filter((request) => request.operation !== 'metadata')).toHaveLength(0);
  });
});
