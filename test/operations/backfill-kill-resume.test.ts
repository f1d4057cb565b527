/**
 * kill -9 a backfill process at random points (PostgreSQL, the emulator over HTTP): every resumed
 * run continues from the checkpoints, the last one ends with the local store equal to CDMS, each
 * record has exactly one history entry, and each kill costs at most one page re-read per range.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { startOperation } from './processes/child-process';
import { compareStores, seedAccounts, useOperationSetup } from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'postgresql');
const RECORDS = 10_000;
const KILLS = 5;

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database, { emulator: { latencyMs: 20 } });

  const committedPages = async () =>
    (await setup.knex(`${setup.tables.state}_range`).select('pages')).reduce(
      (sum, range) => sum + Number(range.pages),
      0,
    );

  it(`resumes after ${KILLS} kill -9 at random points and ends equal to CDMS`, async () => {
    seedAccounts(setup.emulator, RECORDS);
    const env = {
      OPERATION: 'backfill',
      CDMS_URL: setup.emulator.url,
      TABLES: JSON.stringify(setup.tables),
      RANGE_ROWS: '1000',
    };
    const committedAtKill: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const run = startOperation(env);
      // Kill once 2 to 14 more pages (random) are committed, read from the checkpoints themselves.
      const target = (committedAtKill.at(-1) ?? 0) + 2 + Math.floor(Math.random() * 13);
      while ((await committedPages()) < target) await new Promise((resolve) => setTimeout(resolve, 10));
      run.kill();
      expect(await run.exited).toBe('SIGKILL');
      committedAtKill.push(await committedPages());
    }
    const last = startOperation(env);
    const done = await last.until((event) => event.event === 'done');
    expect(await last.exited).toBe(0);
    expect((done.report as { aborted: boolean }).aborted).toBe(false);

    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
    const perRow = await setup
      .knex(setup.tables.history)
      .select('cdms_pk')
      .count({ n: '*' })
      .groupBy('cdms_pk');
    expect(perRow).toHaveLength(RECORDS);
    expect(perRow.every((row) => Number(row.n) === 1)).toBe(true);

    // Pages fetched: every list request but the planning probes ($top=1).
    const pageRequests = setup.emulator.requests.filter(
      (request) => request.path.endsWith('/AccountSet') && request.query.$top !== '1',
    ).length;
    const ranges = await setup.knex(`${setup.tables.state}_range`).select('pages');
    const pagesNeeded = ranges.reduce((sum, range) => sum + Number(range.pages), 0);
    const fetchedTwice = pageRequests - pagesNeeded;
    // biome-ignore lint/suspicious/noConsole: the figure the issue asks for (pages fetched twice)
    console.info(
      `backfill kill -9: ${KILLS} kills after ${committedAtKill.join(', ')} committed pages; ${pageRequests} pages fetched for ${pagesNeeded} committed: ${fetchedTwice} fetched twice`,
    );
    // At most one page per range per kill is read again (the in-flight one and the cursor's second).
    expect(fetchedTwice).toBeLessThanOrEqual(KILLS * ranges.length * 2);
  });
});
