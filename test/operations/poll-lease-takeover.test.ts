/**
 * Two processes poll one model (PostgreSQL, the emulator over HTTP): one holds the poll lease (a
 * session advisory lock), it is killed with SIGKILL, the other takes over within the bound, and
 * no change is lost or recorded twice in history.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase, testDatabases } from '../../packages/knex/src/conformance/databases';
import { startOperation } from './processes/child-process';
import { openSync, seedAccounts, startEmulator, useOperationSetup } from './support';

const databases = (await testDatabases()).filter((database) => database.name === 'postgresql');

describeEachDatabase(databases, (database) => {
  const setup = useOperationSetup(database, { emulator: false });

  it('the holder is killed, the other process takes over within the bound, nothing lost or doubled', async () => {
    const emulator = await startEmulator();
    const children: ReturnType<typeof startOperation>[] = [];
    try {
      const accounts = seedAccounts(emulator, 100);
      const { sync, Organisation, Contact } = openSync(setup.knex, emulator, setup.tables);
      await sync.backfill([Organisation, Contact]);
      const env = {
        OPERATION: 'poll',
        CDMS_URL: emulator.url,
        TABLES: JSON.stringify(setup.tables),
        POLL_INTERVAL_MS: '100',
      };
      const first = startOperation(env);
      children.push(first);
      await first.until((event) => event.event === 'round' && !heldElsewhere(event));
      const second = startOperation(env);
      children.push(second);
      await second.until((event) => event.event === 'round' && heldElsewhere(event));

      for (const account of accounts.slice(0, 10)) {
        emulator.editAsCdmsUser('Account', String(account.AccountId), { Name: `${account.Name} a` });
      }
      await waitFor(
        async () => (await setup.knex(setup.tables.organisation).where('name', 'like', '% a')).length === 10,
      );
      first.kill();
      const killedAt = Date.now();
      await first.exited;
      for (const account of accounts.slice(10, 20)) {
        emulator.editAsCdmsUser('Account', String(account.AccountId), { Name: `${account.Name} b` });
      }
      const seen = second.events.length;
      await second.until(
        (event) => second.events.indexOf(event) >= seen && event.event === 'round' && !heldElsewhere(event),
      );
      const takeoverMs = Date.now() - killedAt;
      // biome-ignore lint/suspicious/noConsole: the takeover time the issue asks for
      console.info(`poll lease takeover after kill -9: ${takeoverMs} ms (interval 100 ms)`);
      expect(takeoverMs).toBeLessThan(5000);
      await waitFor(
        async () => (await setup.knex(setup.tables.organisation).where('name', 'like', '% b')).length === 10,
      );

      // Every change recorded exactly once: one backfill entry per record, one more per edit.
      const history = (await setup
        .knex(setup.tables.history)
        .where({ model: setup.tables.organisation })
        .select('cdms_pk')
        .count({ n: '*' })
        .groupBy('cdms_pk')) as { cdms_pk: string; n: number | string }[];
      const counts = new Map(history.map((row) => [String(row.cdms_pk), Number(row.n)]));
      expect(accounts.map((account) => counts.get(String(account.AccountId).toLowerCase()))).toEqual(
        accounts.map((_, index) => (index < 20 ? 2 : 1)),
      );
    } finally {
      for (const child of children) child.kill();
      await Promise.all(children.map((child) => child.exited));
      await emulator.close();
    }
  });
});

function heldElsewhere(event: Record<string, unknown>): boolean {
  const report = event.report as { models: { skipped?: string }[] };
  return report.models.some((model) => model.skipped === 'lease-held');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
