/**
 * The poll's hard cases, against the emulator over HTTP on PGlite (CRM-like one-second
 * `ModifiedOn`, a clock the test moves): writes in the watermark's own second, a write that becomes
 * visible after a later one, and edits while the poll is paging. Nothing is missed, and every
 * change is recorded once.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { compareStores, openSync, seedAccounts, useOperationSetup } from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'pglite');
const T0 = new Date('2026-06-01T12:00:00Z').getTime();

describeEachDatabase(databases, (database) => {
  let now = T0;

  beforeEach(() => {
    now = T0;
  });
  const setup = useOperationSetup(database, { emulator: { clock: () => now }, per: 'test' });

  /** Refresh entries recorded per GUID. */
  async function historyCounts(): Promise<Map<string, number>> {
    const rows = (await setup
      .knex(setup.tables.history)
      .select('cdms_pk')
      .count({ n: '*' })
      .groupBy('cdms_pk')) as {
      cdms_pk: string;
      n: number | string;
    }[];
    return new Map(rows.map((row) => [String(row.cdms_pk), Number(row.n)]));
  }
  const guid = (record: { AccountId?: unknown }) => String(record.AccountId).toLowerCase();

  it('several writes in the watermark second: the ones after the poll are not missed, none recorded twice', async () => {
    const accounts = seedAccounts(setup.emulator, 10, { start: new Date(T0 - 60_000) });
    const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    await sync.backfill([Organisation]);
    now = T0 + 5_000;
    setup.emulator.editAsCdmsUser('Account', String(accounts[0]?.AccountId), { Name: 'first' });
    expect((await sync.poll([Organisation], { overlapSeconds: 0 })).models[0]).toMatchObject({ changes: 1 });
    // Same second, after the poll: the watermark is this second, and `ge` reads it again.
    now = T0 + 5_400;
    setup.emulator.editAsCdmsUser('Account', String(accounts[1]?.AccountId), { Name: 'second' });
    const again = await sync.poll([Organisation], { overlapSeconds: 0 });
    expect(again.models[0]).toMatchObject({ changes: 1, requests: 1 });
    const counts = await historyCounts();
    expect(counts.get(guid(accounts[0] ?? {}))).toBe(2);
    expect(counts.get(guid(accounts[1] ?? {}))).toBe(2);
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
  });

  it('a write that becomes visible after a later one (late commit) is read within the overlap', async () => {
    const accounts = seedAccounts(setup.emulator, 10, { start: new Date(T0 - 60_000) });
    const { sync, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    await sync.backfill([Organisation]);
    // A CDMS transaction stamps ModifiedOn T0+2 s but commits 9 s later; meanwhile another write lands.
    now = T0 + 2_000;
    const late = setup.emulator.editAsCdmsUser(
      'Account',
      String(accounts[0]?.AccountId),
      { Name: 'late' },
      { visibleAfterMs: 9_000 },
    );
    now = T0 + 10_000;
    setup.emulator.editAsCdmsUser('Account', String(accounts[1]?.AccountId), { Name: 'on time' });
    const first = await sync.poll([Organisation]);
    expect(first.models[0]).toMatchObject({ changes: 1, watermark: new Date(T0 + 10_000) });
    now = T0 + 11_000;
    expect(setup.emulator.pendingCommits()).toBe(0);
    const second = await sync.poll([Organisation]);
    expect(second.models[0]).toMatchObject({ changes: 1, watermark: new Date(T0 + 10_000) });
    const [row] = await setup.knex(setup.tables.organisation).where({ cdms_pk: guid(late) });
    expect(row?.name).toBe('late');
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
  });

  it('records edited while the poll pages through them are all applied, each change recorded once', async () => {
    const accounts = seedAccounts(setup.emulator, 200, { start: new Date(T0 - 600_000) });
    const { sync, client, Organisation } = openSync(setup.knex, setup.emulator, setup.tables);
    await sync.backfill([Organisation]);
    now = T0;
    for (const account of accounts)
      setup.emulator.editAsCdmsUser('Account', String(account.AccountId), { Name: 'x' });
    // Same ModifiedOn: the poll orders by key; ask CDMS which records its first and last pages hold.
    const edge = async (direction: 'asc' | 'desc') => {
      for await (const page of client.pages('Account', {
        orderBy: [{ attribute: 'AccountId', direction }],
        select: ['AccountId'],
        top: 1,
      })) {
        return accounts.find((account) => guid(account) === guid(page.results[0] ?? {}));
      }
      return undefined;
    };
    const [firstPage, lastPage] = [await edge('asc'), await edge('desc')];
    let edited = false;
    const report = await sync.poll([Organisation], {
      overlapSeconds: 0,
      onProgress: () => {
        if (edited) return;
        edited = true;
        // While paging: one record of the first page and one of the last change again.
        now = T0 + 3_000;
        setup.emulator.editAsCdmsUser('Account', String(firstPage?.AccountId), {
          Name: 'edited (first page)',
        });
        setup.emulator.editAsCdmsUser('Account', String(lastPage?.AccountId), { Name: 'edited (last page)' });
      },
    });
    expect(report.models[0]?.changes).toBeGreaterThanOrEqual(199);
    // A record that moved behind the paging position may have been passed over by this round (with
    // row-offset paging); the next round's overlap reads it.
    await sync.poll([Organisation]);
    const { cdms, local } = await compareStores(setup.knex, setup.emulator, setup.tables);
    expect(local).toEqual(cdms);
    const counts = await historyCounts();
    // Backfill + the edit to 'x' (+ the edit while paging for two of them), never more.
    for (const account of accounts) {
      const expected = account === firstPage || account === lastPage ? [2, 3] : [2];
      expect(expected).toContain(counts.get(guid(account)));
    }
  });
});
