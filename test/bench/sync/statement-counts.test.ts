/**
 * Guards the SQL statements per operation of the sync benchmark (`sync-bench.ts`), next to the
 * hand-written baseline's, on PGlite with the emulator over real HTTP: the library's overhead at
 * 0 ms latency is mostly these statements. Counted with a Knex `query` listener (BEGIN, SAVEPOINT
 * and COMMIT included).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CdmsEmulator, startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { CdmsClient } from '../../../packages/cdms-client/src/index';
import { createSync } from '../../../packages/core/src/index';
import { knexStore, openPglite } from '../../../packages/knex/src/index';
import { BaselineOrganisations } from './baseline-organisations';
import { createBenchTables, defineOrganisation, type OrganisationClass } from './organisation-model';

/** Every CDMS write gets this `ModifiedOn`: an edit always ties on it and differs by `VersionNumber`. */
const NOW = new Date('2026-11-27T12:00:00Z');
const PAGE_ROWS = 50;
/** Three CDMS pages. */
const IMPORTED_ROWS = 120;

let knex: Knex;
let syncEmulator: CdmsEmulator;
let baselineEmulator: CdmsEmulator;
let Organisation: OrganisationClass;
let baseline: BaselineOrganisations;

beforeAll(async () => {
  knex = (await openPglite()) as unknown as Knex;
  await createBenchTables(knex);
  syncEmulator = await startCdmsEmulator({ clock: () => NOW });
  baselineEmulator = await startCdmsEmulator({ clock: () => NOW });
  const sync = createSync({ store: knexStore(knex), cdms: new CdmsClient({ baseUrl: syncEmulator.url }) });
  Organisation = defineOrganisation();
  sync.register(Organisation);
  baseline = new BaselineOrganisations(knex, baselineEmulator.serviceUrl);
  await Organisation.objects.skipCdms().count(); // describes the table once
});

afterAll(async () => {
  await syncEmulator?.close();
  await baselineEmulator?.close();
  await knex?.destroy();
});

/** The SQL statements `run` makes. */
async function statementsOf(run: () => PromiseLike<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const record = (query: { sql: string }) => statements.push(query.sql);
  knex.on('query', record);
  try {
    await run();
  } finally {
    knex.removeListener('query', record);
  }
  return statements;
}

function seed(emulator: CdmsEmulator, prefix: string): void {
  emulator.seed(
    'Account',
    Array.from({ length: IMPORTED_ROWS }, (_, index) => ({
      Name: `${prefix}${String(index).padStart(3, '0')}`,
    })),
  );
}

describe('sync bench: SQL statements per operation', () => {
  it('get (in sync) runs 1 statement, as the baseline does', async () => {
    const subject = await Organisation.objects.create({ name: 'In sync', ukOrganisation: true });
    const mirror = await baseline.create({ name: 'In sync', ukOrganisation: true });
    expect(await statementsOf(() => Organisation.objects.get({ id: subject.id }))).toHaveLength(1);
    expect(await statementsOf(() => baseline.get(mirror.id))).toHaveLength(1);
  });

  it('get after a CDMS-side edit with the same ModifiedOn runs 5 statements, no read-back (as the baseline)', async () => {
    const subject = await Organisation.objects.create({ name: 'Before', ukOrganisation: true });
    syncEmulator.editAsCdmsUser('Account', subject.cdmsPk as string, { Name: 'After' });
    let found: InstanceType<OrganisationClass> | undefined;
    const statements = await statementsOf(async () => {
      found = await Organisation.objects.get({ id: subject.id });
    });
    expect(found?.name).toBe('After');
    // select, BEGIN, upsert (a greater VersionNumber wins the ModifiedOn tie), history, COMMIT
    expect(statements).toHaveLength(5);
    expect(statements.filter((sql) => /^(savepoint|release)/i.test(sql))).toEqual([]);

    const mirror = await baseline.create({ name: 'Before', ukOrganisation: true });
    baselineEmulator.editAsCdmsUser('Account', mirror.cdms_pk, { Name: 'After' });
    expect(await statementsOf(() => baseline.get(mirror.id))).toHaveLength(5);
  });

  it('a 3-page import runs 13 statements: BEGIN, upsert, history, COMMIT per page, then the select', async () => {
    seed(syncEmulator, 'Imported-');
    seed(baselineEmulator, 'Imported-');
    const statements = await statementsOf(() =>
      Organisation.objects.filter({ name__startswith: 'Imported-' }),
    );
    expect(statements).toHaveLength(13);
    expect(statements.filter((sql) => /^(savepoint|release)/i.test(sql))).toEqual([]);
    expect(await statementsOf(() => baseline.filterByNamePrefix('Imported-'))).toHaveLength(13);
  });

  it('a 3-page filter of rows in sync runs 10 statements, no savepoint and no read-back (as the baseline)', async () => {
    const statements = await statementsOf(() =>
      Organisation.objects.filter({ name__startswith: 'Imported-' }),
    );
    expect(statements).toHaveLength(10);
    expect(await statementsOf(() => baseline.filterByNamePrefix('Imported-'))).toHaveLength(10);
  });

  it('a 3-page count runs 10 statements (as the baseline)', async () => {
    let count = 0;
    const statements = await statementsOf(async () => {
      count = await Organisation.objects.filter({ name__startswith: 'Imported-' }).count();
    });
    expect(count).toBe(IMPORTED_ROWS);
    expect(statements).toHaveLength(10);
    expect(await statementsOf(() => baseline.countByNamePrefix('Imported-'))).toHaveLength(10);
  });

  it('create runs 5 statements, as the baseline: the history entry is written before CDMS and completed with the row in one statement after', async () => {
    const statements = await statementsOf(() =>
      Organisation.objects.create({ name: 'Created', ukOrganisation: true }),
    );
    expect(statements).toHaveLength(5);
    expect(statements.filter((sql) => /^with /i.test(sql))).toEqual([
      expect.stringMatching(
        /^with "cdms_sync_update_0" as \(update "organisation" set .*\) update "cdms_sync_history" set /,
      ),
    ]);
    expect(await statementsOf(() => baseline.create({ name: 'Created', ukOrganisation: true }))).toHaveLength(
      5,
    );
  });

  it('save runs 5 statements and delete 4: the baseline 5 and 5 (the UPDATE and DELETE lock and read the row themselves; history written before CDMS, completed with the row after)', async () => {
    const subject = await Organisation.objects.create({ name: 'To save', ukOrganisation: true });
    subject.name = 'Saved';
    const save = await statementsOf(() => subject.save());
    expect(save).toHaveLength(5);
    expect(save.filter((sql) => /for update/i.test(sql))).toEqual([]);
    const deletion = await statementsOf(() => subject.delete());
    expect(deletion).toHaveLength(4);
    expect(deletion.filter((sql) => /^delete/i.test(sql))).toEqual([
      expect.stringMatching(/^delete from "organisation" where .* returning \*$/),
    ]);
    const mirror = await baseline.create({ name: 'To save', ukOrganisation: true });
    expect(
      await statementsOf(() => baseline.save(mirror.id, { name: 'Saved', ukOrganisation: true })),
    ).toHaveLength(5);
    expect(await statementsOf(() => baseline.delete(mirror.id))).toHaveLength(5);
  });

  it(`pages hold ${PAGE_ROWS} rows (the counts above assume 3 pages)`, async () => {
    const seen = syncEmulator.requests.length;
    await Organisation.objects.filter({ name__startswith: 'Imported-' }).count();
    expect(syncEmulator.requests.length - seen).toBe(Math.ceil(IMPORTED_ROWS / PAGE_ROWS));
  });
});
