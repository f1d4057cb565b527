/**
 * Backfill of 20,000 records while simulated CDMS users edit, create and delete, then one poll and
 * one reconcile with repair (PostgreSQL, the emulator over HTTP): the local store equals CDMS,
 * every mapped field of every record, deletes included.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { compareStores, openSync, seedAccounts, useOperationSetup } from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'postgresql');
const RECORDS = 20_000;

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database, { emulator: { commitDelayMs: 500 } });

  it(`backfills ${RECORDS} records during CDMS activity; a poll and a reconcile with repair leave both stores equal`, async () => {
    seedAccounts(setup.emulator, RECORDS, {
      start: new Date(Date.now() - 86_400_000),
      perSecond: 5,
    });
    const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    const timings: [string, number][] = [];
    let started = Date.now();
    // Simulated CDMS users during the backfill; their transactions commit 500 ms late.
    setup.emulator.startActivity({
      editsPerSecond: 40,
      createsPerSecond: 10,
      deletesPerSecond: 10,
      services: ['Account'],
      seed: 7,
    });
    let activity: { edits: number; creates: number; deletes: number };
    try {
      const report = await sync.backfill([Organisation], { concurrency: 4 });
      expect(report.aborted).toBe(false);
    } finally {
      activity = setup.emulator.stopActivity();
    }
    timings.push(['backfill', Date.now() - started]);
    started = Date.now();
    expect(activity.edits).toBeGreaterThan(10);
    while (setup.emulator.pendingCommits() > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await sync.poll([Organisation]);
    const reconciled = await sync.reconcile([Organisation], { repair: true });
    expect(reconciled.models[0]?.deletedInCdms.length).toBeGreaterThan(0);
    timings.push(['poll+reconcile', Date.now() - started]);
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    // biome-ignore lint/suspicious/noConsole: timings of the 20k run
    console.info(
      JSON.stringify({
        timings,
        activity,
        reconcile: {
          missingLocally: reconciled.models[0]?.missingLocally.length,
          deletedInCdms: reconciled.models[0]?.deletedInCdms.length,
          stale: reconciled.models[0]?.stale.length,
        },
      }),
    );
    expect(local.length).toBe(cdms.length);
    expect(local).toEqual(cdms);
    // A second reconcile finds nothing left to repair.
    const again = await sync.reconcile([Organisation]);
    expect(again.models[0]).toMatchObject({ missingLocally: [], deletedInCdms: [], stale: [] });
    expect(activity.creates + activity.deletes).toBeGreaterThan(0);
  }, 120_000);
});
