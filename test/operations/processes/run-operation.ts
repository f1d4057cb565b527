/**
 * A child process of the operations suites (run with `tsx --conditions=@cdms-sync/source`):
 * connects to PostgreSQL and the emulator named in its environment and runs one operation,
 * printing one JSON line per event, so the parent can kill it (-9) at any point.
 *
 * OPERATION=backfill: backfill Organisation (concurrency 4), a line after every committed page.
 * OPERATION=poll: startPolling every POLL_INTERVAL_MS, a line after every round.
 */
import knexFactory from 'knex';
import { type OperationTables, openSync } from '../support';

const tables = JSON.parse(process.env.TABLES ?? '{}') as OperationTables;
const knex = knexFactory({
  client: 'pg',
  connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
  pool: { min: 0, max: 6 },
});
const { sync, Organisation } = openSync(knex, { url: String(process.env.CDMS_URL) }, tables);
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
// The process running this script (node may run it in a process of its own): the one to kill.
say({ event: 'start', pid: process.pid });

if (process.env.OPERATION === 'backfill') {
  const report = await sync.backfill([Organisation], {
    concurrency: 4,
    rangeRows: Number(process.env.RANGE_ROWS ?? 500),
    onProgress: (event) => say({ event: 'page', rows: event.rows, pages: event.pages }),
  });
  say({ event: 'done', report });
  await knex.destroy();
} else if (process.env.OPERATION === 'poll') {
  sync.startPolling({
    intervalMs: Number(process.env.POLL_INTERVAL_MS ?? 200),
    overlapSeconds: 0,
    onRound: (report) => say({ event: 'round', report }),
    onError: (error) => say({ event: 'error', error: String(error) }),
  });
}
