/**
 * `sync.check()` on the example app (clean), and on models with mistakes; validation against
 * `$metadata` at run time (`createSync({ metadata })`): a bad value is a `ValidationError` before
 * any request, and neither store changes. Real HTTP to the emulator, PGlite.
 */
import { CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, fields, formatSchemaProblems, Migrator, type Sync } from '@cdms-sync/core';
import { knexStore, openPglite } from '@cdms-sync/knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../examples/organisations/src/app';
import {
  createModelTables,
  defineModels,
  dropModelTables,
  type Models,
} from '../support/organisation-models';

describe('sync.check() on the example app', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('finds no problem, fetching $metadata through the client', async () => {
    const problems = await app.sync.check();
    expect(problems).toEqual([]);
    expect(formatSchemaProblems(problems)).toBe('No problems found.');
    expect(app.emulator?.requests.filter((request) => request.operation === 'metadata')).toHaveLength(1);
  });
});

describe('createSync({ metadata })', () => {
  type Knex = Awaited<ReturnType<typeof openPglite>>;
  let emulator: CdmsEmulator;
  let client: CdmsClient;
  let knex: Knex;
  let sync: Sync;
  let models: Models;

  beforeAll(async () => {
    emulator = await startCdmsEmulator();
    client = new CdmsClient({ baseUrl: emulator.url, retries: false });
    knex = await openPglite();
  });
  afterAll(async () => {
    await knex?.destroy();
    await emulator?.close();
  });
  beforeEach(async () => {
    await dropModelTables(knex);
    await createModelTables(knex);
    emulator.reset();
    models = defineModels();
    sync = createSync({ store: knexStore(knex), cdms: client, metadata: await client.metadata() });
    sync.register(models.Organisation, models.Contact);
    emulator.clearRequests();
  });
  afterEach(() => {
    emulator.clearRequests();
  });

  it('refuses a value longer than the MaxLength of $metadata before any request; nothing changes', async () => {
    await expect(models.Organisation.objects.create({ name: 'x'.repeat(161) })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining(
        'AccountSet.Name is 161 characters long; CDMS holds at most 160 (from $metadata)',
      ),
    });
    expect(emulator.requests).toHaveLength(0);
    expect(emulator.records('Account')).toHaveLength(0);
    expect(await knex('organisation').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('refuses a too long value on save too, leaving the local row as it was', async () => {
    const acme = await models.Organisation.objects.create({ name: 'Acme' });
    emulator.clearRequests();
    acme.name = 'y'.repeat(200);
    await expect(acme.save()).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(emulator.requests).toHaveLength(0);
    expect(await knex('organisation').first('name')).toEqual({ name: 'Acme' });
  });

  it('lets valid values through', async () => {
    const acme = await models.Organisation.objects.create({ name: 'x'.repeat(160), ukOrganisation: true });
    expect(emulator.records('Account')[0]).toMatchObject({ AccountId: acme.cdmsPk });
  });

  it('sync.check() reports each problem of a broken migrator, with a table for humans', async () => {
    class BrokenMigrator extends Migrator {
      service = 'Account';
      fields = { name: fields.string('Nmae'), ukOrganisation: fields.integer('optevia_ukorganisation') };
    }
    models.Organisation.migrator = new BrokenMigrator();
    // The length checks need a store that reports column lengths; this test is about the others.
    const problems = (await sync.check()).filter((problem) => !problem.kind.endsWith('-too-short'));
    expect(problems.map((problem) => [problem.kind, problem.model, problem.field])).toEqual([
      ['unknown-attribute', 'Organisation', 'name'],
      ['incompatible-codec', 'Organisation', 'ukOrganisation'],
    ]);
    expect(formatSchemaProblems(problems)).toMatchInlineSnapshot(`
      "model         field           attribute               problem
      ------------  --------------  ----------------------  ------------------------------------------------------------
      Organisation  name            Nmae                    unknown-attribute: Account has no attribute 'Nmae'; did you mean 'Name'?
      Organisation  ukOrganisation  optevia_ukorganisation  incompatible-codec: fields.integer() cannot map Account.optevia_ukorganisation, an Edm.Boolean

      2 problems found."
    `);
  });
});
