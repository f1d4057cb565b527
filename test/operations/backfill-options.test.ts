/**
 * Backfill options against the emulator over HTTP on PGlite: one history entry per page, abort and
 * resume, and a child model backfilled before its parent (the parents come in batches).
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { compareStores, openSync, seedAccounts, seedContacts, useOperationSetup } from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'pglite');

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database, { per: 'test' });

  it("history: 'page' records one summary entry per page", async () => {
    seedAccounts(setup.emulator, 260);
    const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    const report = await sync.backfill([Organisation], { history: 'page' });
    expect(report.models[0]).toMatchObject({ rows: 260, pages: 6 });
    const history = await setup.knex(setup.tables.history).select('row_id', 'kind', 'user', 'comment');
    expect(history).toHaveLength(6);
    expect(history.every((entry) => entry.row_id === '0' && entry.kind === 'cdms-refresh')).toBe(true);
    expect(history.map((entry) => entry.comment).sort()).toEqual([
      'CDMS backfill: 10 rows',
      ...Array.from({ length: 5 }, () => 'CDMS backfill: 50 rows'),
    ]);
  });

  it('an aborted backfill stops after its pages in flight, reports aborted, and a re-run finishes it', async () => {
    seedAccounts(setup.emulator, 1000);
    const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    const controller = new AbortController();
    const aborted = await sync.backfill([Organisation], {
      concurrency: 2,
      rangeRows: 250,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.pages >= 3) controller.abort();
      },
    });
    expect(aborted.aborted).toBe(true);
    const [partial] = await sync.status([Organisation]);
    expect(partial?.backfill.state).toBe('partial');
    expect(partial?.backfill.pages).toBeLessThan(20);
    const resumed = await sync.backfill([Organisation]);
    expect(resumed).toMatchObject({ aborted: false, models: [{ resumed: true }] });
    // The two ranges that were in flight read their cursor's second again (10 records each).
    const remaining = 1000 - (partial?.backfill.rows ?? 0);
    expect(resumed.models[0]?.rows).toBeGreaterThanOrEqual(remaining);
    expect(resumed.models[0]?.rows).toBeLessThanOrEqual(remaining + 2 * 10);
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
  });

  it('planning sends its $skip probes several at once and still cuts seconds holding more than rangeRows', async () => {
    // 40 records a second, ranges of 30: every second is a range of its own, and probes sent
    // together from one start land in seconds already cut.
    seedAccounts(setup.emulator, 400, { perSecond: 40 });
    const { sync, client, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    const ranges = await sync.planBackfill(Organisation, { rangeRows: 30, concurrency: 4 });
    expect(client.stats().budget.maxInFlight).toBeGreaterThan(1);
    expect(ranges.map((range) => [range.lower?.getTime(), range.upper?.getTime()])).toEqual(
      Array.from({ length: 12 }, (_, index) => [
        index === 0 ? undefined : Date.UTC(2020, 0, 1, 0, 0, index - 1),
        index === 11 ? undefined : Date.UTC(2020, 0, 1, 0, 0, index),
      ]),
    );
    await sync.backfill([Organisation], { concurrency: 4 });
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
  });

  it("a range's next page is requested while its current page is imported", async () => {
    seedAccounts(setup.emulator, 260);
    const { sync, client, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    const pageRequests = () =>
      setup.emulator.requests.filter(
        (request) => request.path.endsWith('/AccountSet') && request.query.$top !== '1',
      ).length;
    // At each commit: the page requests sent so far (arrived at the emulator, or still on their way).
    const requestedAtCommit: number[] = [];
    await sync.backfill([Organisation], {
      concurrency: 1,
      onProgress: () => {
        const { inFlight, queued } = client.stats().budget;
        requestedAtCommit.push(Math.max(pageRequests(), pageRequests() + inFlight + queued));
      },
    });
    expect(pageRequests()).toBe(6);
    // When page n is committed, page n + 1 has been asked for already (the last page has none).
    expect(requestedAtCommit.slice(0, 5).map((requested, page) => requested >= page + 2)).toEqual(
      Array(5).fill(true),
    );
  });

  it('a child backfilled before its parent gets the parents in batches, not one request per row', async () => {
    const accounts = seedAccounts(setup.emulator, 200);
    seedContacts(setup.emulator, accounts);
    const { sync, Contact } = openSync(setup.knex, setup.emulator, setup.tables);
    setup.emulator.clearRequests();
    const report = await sync.backfill([Contact]);
    expect(report.models[0]).toMatchObject({ model: 'Contact', rows: 200 });
    expect(
      Number(
        (await setup.knex(setup.tables.contact).whereNotNull('organisation_id').count({ n: '*' }))[0]?.n,
      ),
    ).toBe(200);
    // Four pages of contacts, each bringing its 50 accounts in a few URL-length-fitted list requests.
    const accountRequests = setup.emulator.requests.filter((request) =>
      request.path.includes('AccountSet'),
    ).length;
    expect(accountRequests).toBeGreaterThan(0);
    expect(accountRequests).toBeLessThanOrEqual(4 * 3);
  });
});
