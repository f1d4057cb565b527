// The migration operations from code, as docs/operations.md ("Running a migration") shows them:
// a one-off backfill job and the poller that runs next to the web server.
import type { Poller, Sync } from '@cdms-sync/core';
import { Contact } from './models/contact';
import { Organisation } from './models/organisation';

/** Imports every CDMS organisation and contact; SIGTERM stops it after the pages in flight. */
export async function runBackfill(sync: Sync): Promise<boolean> {
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  const report = await sync.backfill([Organisation, Contact], {
    concurrency: 8,
    signal: controller.signal, // stops after the pages in flight; report.aborted === true
    onProgress: ({ model, rows, rangesDone, rangesTotal }) =>
      console.info(`backfill ${model}: ${rows} rows, ranges ${rangesDone}/${rangesTotal}`),
  });
  return !report.aborted;
}

/** Polls every 30 s until SIGTERM; logs each round's changes and each failed round's error code. */
export function startBackgroundPolling(sync: Sync): Poller {
  const poller = sync.startPolling({
    intervalMs: 30_000,
    onRound: (report) =>
      console.info(`poll: ${report.models.reduce((changes, model) => changes + model.changes, 0)} changes`),
    onError: (error) => console.warn('poll round failed', (error as { code?: string }).code),
  });
  process.once('SIGTERM', () => void poller.stop()); // finishes the page, checkpoints, releases the leases
  return poller;
}
