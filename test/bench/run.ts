/**
 * `pnpm bench`: the store benchmark (`@cdms-sync/knex` store vs raw Knex), the sync benchmark
 * (cdms-sync vs raw Knex + raw axios, CDMS requests per operation), the emulator benchmark, the load
 * benchmark (reads under a burst of writes against a slow CDMS), the backfill benchmark (20k
 * records at 100 ms a page vs a sequential `__next` walk), the poll benchmark, the read-policy
 * benchmark ('always' vs 'delta' on 10,000 backfilled accounts) and the schema benchmark, in one
 * run; prints every table. Exits 1 when a benchmark fails or the run exceeds its time limit. The
 * sync benchmark measures the built packages (a child process), the others the sources.
 *
 *   pnpm bench    # = pnpm build && tsx --conditions=@cdms-sync/source test/bench/run.ts
 */
import { formatEmulatorBench, runEmulatorBench } from './emulator/emulator-bench';
import { formatBackfillBench, runBackfillBench } from './operations/backfill-bench';
import { formatPollBench, runPollBench } from './operations/poll-bench';
import { formatSchemaBench, runSchemaBench } from './schema/schema-bench';
import { formatStoreBench, runStoreBench } from './store/store-bench';
import { formatLoadBench, runLoadBench } from './sync/load-bench';
import { formatReadPolicyBench, runReadPolicyBench } from './sync/read-policy-bench';
import { formatSyncBench, runSyncBenchOnBuiltPackages } from './sync/sync-bench';

/**
 * The whole run must end within this; a hung database or socket must not hang CI. The backfill's
 * sequential baseline alone waits 400 x 100 ms for CDMS: the run takes five to six minutes on a
 * loaded 2-core machine.
 */
const TIME_LIMIT_MS = 720_000;

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${TIME_LIMIT_MS / 1000} s; giving up\n`);
  process.exit(1);
}, TIME_LIMIT_MS);
watchdog.unref();

function seconds(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(
    `cdms-sync benchmarks, ${new Date().toISOString()}, Node ${process.version}, ${process.platform}/${process.arch}\n\n`,
  );

  const storeStarted = Date.now();
  const storeResults = await runStoreBench();
  if (storeResults.length === 0) throw new Error('the store benchmark measured nothing');
  process.stdout.write(
    `## Store: @cdms-sync/knex store vs raw Knex (median of 40 runs)\n\n${formatStoreBench(storeResults)}\n\n(${seconds(storeStarted)})\n\n`,
  );

  // The built packages, as a host application loads them (a child process without the source condition).
  const syncReport = await runSyncBenchOnBuiltPackages();
  if (syncReport.results.length === 0) throw new Error('the sync benchmark measured nothing');
  process.stdout.write(
    `## Sync: cdms-sync (built packages) vs raw Knex + raw axios (CDMS emulator on loopback; median per side; n = measured iterations)\n\n${formatSyncBench(syncReport)}\n\n(${(syncReport.durationMs / 1000).toFixed(1)} s)\n\n`,
  );
  const emulatorStarted = Date.now();
  const emulatorReport = await runEmulatorBench();
  process.stdout.write(
    `## Emulator: one list page at 1k vs 100k records (median ms over HTTP)\n\n${formatEmulatorBench(emulatorReport)}\n\n(${seconds(emulatorStarted)})\n\n`,
  );
  const loadStarted = Date.now();
  const loadReport = await runLoadBench();
  if (!loadReport.skipped && loadReport.errors.length > 0) {
    throw new Error(`the load benchmark had ${loadReport.errors.length} errors: ${loadReport.errors[0]}`);
  }
  process.stdout.write(
    `## Load: 200 save() + 200 get() of other records at once (CDMS 200 ms per request, PostgreSQL pool 5)\n\n${formatLoadBench(loadReport)}\n\n(${seconds(loadStarted)})\n\n`,
  );

  const backfillStarted = Date.now();
  const backfill = await runBackfillBench();
  process.stdout.write(
    `## Backfill: ${backfill.records} records (${backfill.pages} pages), ${backfill.latencyMs} ms per CDMS list request, PostgreSQL; each import in a child process\n\n${formatBackfillBench(backfill)}\n${backfill.notes.join('\n')}\n(${seconds(backfillStarted)})\n\n`,
  );

  const pollStarted = Date.now();
  const poll = await runPollBench();
  process.stdout.write(
    `## Poll: one round vs one raw list request (PostgreSQL; median)\n\n${formatPollBench(poll)}\n${poll.notes.join('\n')}\n(${seconds(pollStarted)})\n\n`,
  );
  const schemaStarted = Date.now();
  const schema = runSchemaBench();
  process.stdout.write(
    `## Schema: generate every entity of a whole organisation's $metadata (median of 5 runs)\n\n${formatSchemaBench(schema)}\n\n(${seconds(schemaStarted)})\n\n`,
  );
  const readReport = await runReadPolicyBench();
  process.stdout.write(
    `## Read policies: 'always' vs 'delta' (${readReport.accounts} accounts backfilled; emulator latency ${readReport.latencyMs} ms; median per policy)\n\n${formatReadPolicyBench(readReport)}\n\n(${(readReport.durationMs / 1000).toFixed(1)} s)\n\n`,
  );
  process.stdout.write(`Total: ${seconds(started)}\n`);
}

/** Exit once stdout has been written out (a pipe may still hold the tables). */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

try {
  await main();
  clearTimeout(watchdog);
  exitAfterOutput(0);
} catch (error) {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exitAfterOutput(1);
}
