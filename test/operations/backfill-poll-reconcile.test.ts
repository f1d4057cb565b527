/**
 * Backfill, then poll, then reconcile with repair, against the emulator over HTTP on PGlite and
 * PostgreSQL: the local store ends equal to CDMS, every mapped field of every record.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import {
  compareStores,
  openSync,
  operationTables,
  seedAccounts,
  seedContacts,
  useOperationSetup,
} from './support';

const databases = (await testDatabases()).filter((database) =>
  ['pglite', 'postgresql'].includes(database.name),
);

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database);

  it('backfill imports every record in ranges, parents first; poll and reconcile make both stores equal', async () => {
    const accounts = seedAccounts(setup.emulator, 3000);
    seedContacts(setup.emulator, accounts, 10);
    const { sync, Organisation, Contact } = openSync(setup.knex, setup.emulator, setup.tables);
    setup.emulator.clearRequests();
    const progress: number[] = [];
    const report = await sync.backfill([Contact, Organisation], {
      concurrency: 4,
      rangeRows: 500,
      onProgress: (event) => {
        if (event.model === 'Organisation') progress.push(event.rows);
      },
    });
    expect(report.aborted).toBe(false);
    expect(report.models.map((model) => [model.model, model.rows])).toEqual([
      ['Organisation', 3000],
      ['Contact', 300],
    ]);
    expect(progress.at(-1)).toBe(3000);
    // 3000 accounts: 60 pages in 6 ranges + 7 probes; 300 contacts: 6 pages, 1 range, 2 probes.
    const accountRequests = setup.emulator.requests.filter((request) =>
      request.path.endsWith('/AccountSet'),
    ).length;
    expect(accountRequests).toBeLessThanOrEqual(60 + 6 + 7);
    expect(await setup.knex(setup.tables.organisation).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
    expect(Number((await setup.knex(setup.tables.organisation).count({ n: '*' }))[0]?.n)).toBe(3000);
    expect(
      Number(
        (await setup.knex(setup.tables.contact).whereNotNull('organisation_id').count({ n: '*' }))[0]?.n,
      ),
    ).toBe(300);
    const history = await setup.knex(setup.tables.history).where({ kind: 'cdms-refresh' }).count({ n: '*' });
    expect(Number(history[0]?.n)).toBe(3300);

    const [status] = await sync.status([Organisation]);
    expect(status).toMatchObject({ localRows: 3000, backfill: { state: 'complete', rows: 3000 } });
    expect(status?.watermark).toBeInstanceOf(Date);

    // A re-run reads nothing.
    setup.emulator.clearRequests();
    const again = await sync.backfill([Organisation]);
    expect(again.models[0]).toMatchObject({ rows: 0, pages: 0, resumed: true });
    expect(setup.emulator.requests).toHaveLength(0);

    // CDMS users edit, create and delete; the poll brings the edits and creates.
    const edited = accounts.slice(0, 120);
    for (const account of edited)
      setup.emulator.editAsCdmsUser('Account', String(account.AccountId), {
        Name: `${account.Name} (edited)`,
      });
    const [created] = seedAccounts(setup.emulator, 1, { start: new Date() });
    setup.emulator.clearRequests();
    // From the watermark's second: 10 seeded records re-read unchanged, 121 changes: 3 pages.
    const polled = await sync.poll([Organisation], { overlapSeconds: 0 });
    expect(polled.models[0]).toMatchObject({ model: 'Organisation', changes: 121 });
    expect(polled.models[0]?.requests).toBe(3);
    // The 121 writes share one second, which every poll reads again (a write landing later in that
    // second must not be missed); one edit a second later moves the watermark past them.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    setup.emulator.editAsCdmsUser('Account', String(accounts[200]?.AccountId), { Name: 'later' });
    const one = await sync.poll([Organisation], { overlapSeconds: 0 });
    expect(one.models[0]).toMatchObject({ changes: 1 });
    setup.emulator.clearRequests();
    const nothing = await sync.poll([Organisation], { overlapSeconds: 0 });
    expect(nothing.models[0]).toMatchObject({ changes: 0, requests: 1 });
    const watermark = String(nothing.models[0]?.watermark?.toISOString()).slice(0, 19);
    expect(setup.emulator.requests.map((request) => request.query)).toEqual([
      {
        $filter: `ModifiedOn ge datetime'${watermark}'`,
        $orderby: 'ModifiedOn asc,AccountId asc',
        $select: 'AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber',
      },
    ]);

    // A hard delete in CDMS is invisible to the poll; reconcile finds it and repairs.
    const { client } = openSync(setup.knex, setup.emulator, operationTables());
    await client.delete('Account', String(accounts[5]?.AccountId));
    await setup
      .knex(setup.tables.organisation)
      .where({ cdms_pk: String(accounts[7]?.AccountId).toLowerCase() })
      .delete();
    await setup
      .knex(setup.tables.organisation)
      .insert({ name: 'local only', created: new Date(), modified: new Date() });
    const reconciled = await sync.reconcile([Organisation], { repair: true });
    expect(reconciled.models[0]).toMatchObject({
      checked: 3000,
      missingLocally: [String(accounts[7]?.AccountId).toLowerCase()],
      deletedInCdms: [String(accounts[5]?.AccountId).toLowerCase()],
      stale: [],
      repaired: true,
    });
    expect(reconciled.models[0]?.localOnly).toHaveLength(1);
    await setup.knex(setup.tables.organisation).whereNull('cdms_pk').delete();
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
    expect(created).toBeDefined();
    const deletes = await setup
      .knex(setup.tables.history)
      .where({ kind: 'delete', user: 'cdms' })
      .count({ n: '*' });
    expect(Number(deletes[0]?.n)).toBe(1);
    const [after] = await sync.status([Organisation]);
    expect(after?.lastReconcile).toMatchObject({ missingLocally: 1, deletedInCdms: 1, repaired: true });
  });
});
