/**
 * Backfill benchmark: 20,000 CDMS Accounts (400 pages of 50) behind an emulator that answers every
 * list request after 100 ms (its `latency` fault), imported into PostgreSQL by `sync.backfill` at
 * its default concurrency and at 8, against the sequential `__next` walk written by hand with raw
 * axios + raw Knex (`BaselineOrganisations.importAll`, what the predecessor's scrape did).
 *
 * Each import runs in a child process (`backfill-child.ts`) with a schema of its own, so its peak
 * RSS and CPU time are its own; the emulator (and its request log, from which requests are counted)
 * stays in this process.
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/operations/backfill-bench.ts
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CdmsEmulator, startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { createSyncStateTables } from '../../../packages/knex/src/index';
import { openPostgres } from '../support/bench-databases';
import { formatTable } from '../support/format-table';
import { runJsonChild } from '../support/json-child';
import { createBenchTables } from '../sync/organisation-model';
import type { BackfillJob, BackfillOutcome } from './backfill-child';

/** Options of `runBackfillBench`. */
export interface BackfillBenchOptions {
  /** CDMS records to import. @default 20000 */
  records?: number;
  /** Latency of every CDMS list request, in milliseconds. @default 100 */
  latencyMs?: number;
  /** The concurrencies of the library to measure besides its default. @default [8] */
  concurrencies?: readonly number[];
  /** Measure the sequential hand-written walk too. @default true */
  baseline?: boolean;
}

/** One import measured. */
export interface BackfillBenchResult extends BackfillOutcome {
  /** `cdms-sync (default concurrency)`, `cdms-sync (concurrency 8)`, `raw axios + Knex, sequential`. */
  readonly side: string;
  readonly concurrency: number | undefined;
  /** CDMS requests the emulator received. */
  readonly requests: number;
}

/** What `runBackfillBench` returns. */
export interface BackfillBenchReport {
  readonly records: number;
  readonly pages: number;
  readonly latencyMs: number;
  readonly results: BackfillBenchResult[];
  readonly notes: string[];
}

/** CRM 2011's page size. */
const PAGE_SIZE = 50;
const CHILD = fileURLToPath(new URL('./backfill-child.ts', import.meta.url));
/** The library's documented default, used for the limit of the default run. */
const DEFAULT_CONCURRENCY = 4;

/** 20k Accounts created one hour apart over ~2.3 years (CreatedOn spread as in a real CRM). */
function seedAccounts(emulator: CdmsEmulator, records: number): void {
  const start = Date.UTC(2024, 0, 1);
  const batch = 5000;
  for (let offset = 0; offset < records; offset += batch) {
    emulator.seed(
      'Account',
      Array.from({ length: Math.min(batch, records - offset) }, (_, index) => {
        const n = offset + index;
        const created = new Date(start + n * 3_600_000);
        return {
          Name: `Account ${String(n).padStart(6, '0')}`,
          optevia_ukorganisation: n % 2 === 0,
          CreatedOn: created,
          ModifiedOn: new Date(created.getTime() + (n % 97) * 60_000),
        };
      }),
    );
  }
}

function runChild(job: BackfillJob): Promise<BackfillOutcome> {
  return runJsonChild<BackfillOutcome>(['--conditions=@cdms-sync/source', '--import', 'tsx', CHILD], {
    label: `backfill child (${job.side})`,
    env: { ...process.env, BENCH_BACKFILL: JSON.stringify(job) },
  });
}

/**
 * Runs the backfill benchmark on PostgreSQL (unreachable: no results, a note). Throws when an
 * import does not end with every record in the local table.
 *
 * @example
 * console.log(formatBackfillBench(await runBackfillBench()));
 */
export async function runBackfillBench(options: BackfillBenchOptions = {}): Promise<BackfillBenchReport> {
  const records = options.records ?? 20_000;
  const latencyMs = options.latencyMs ?? 100;
  const pages = Math.ceil(records / PAGE_SIZE);
  const report: BackfillBenchReport = { records, pages, latencyMs, results: [], notes: [] };
  const emulator = await startCdmsEmulator();
  try {
    seedAccounts(emulator, records);
    emulator.addFault({ operation: 'list' }, { type: 'latency', ms: latencyMs });
    const sides: { side: string; job: Omit<BackfillJob, 'schema'> }[] = [
      ...(options.baseline === false
        ? []
        : [
            {
              side: 'raw axios + Knex, sequential',
              job: { side: 'baseline' as const, baseUrl: emulator.url, serviceUrl: emulator.serviceUrl },
            },
          ]),
      {
        side: 'cdms-sync (default concurrency)',
        job: { side: 'library', baseUrl: emulator.url, serviceUrl: emulator.serviceUrl },
      },
      ...(options.concurrencies ?? [8]).map((concurrency) => ({
        side: `cdms-sync (concurrency ${concurrency})`,
        job: {
          side: 'library' as const,
          baseUrl: emulator.url,
          serviceUrl: emulator.serviceUrl,
          concurrency,
        },
      })),
    ];
    for (const { side, job } of sides) {
      let database: Awaited<ReturnType<typeof openPostgres>>;
      try {
        database = await openPostgres();
      } catch (error) {
        report.notes.push(
          `postgresql unreachable (${error instanceof Error ? error.message : String(error)}): backfill not measured`,
        );
        return report;
      }
      try {
        await createBenchTables(database.knex);
        await createSyncStateTables(database.knex);
        const logged = emulator.requests.length;
        const outcome = await runChild({ ...job, schema: database.schema as string });
        if (outcome.rows !== records)
          throw new Error(`${side} imported ${outcome.rows} of ${records} records`);
        report.results.push({
          ...outcome,
          side,
          concurrency: job.side === 'baseline' ? 1 : job.concurrency,
          requests: emulator.requests.length - logged,
        });
      } finally {
        await database.close();
      }
    }
    return report;
  } finally {
    await emulator.close();
  }
}

/** The table: time, ratio vs the sequential walk, vs the limit, requests, RSS, CPU per 1,000 records. */
export function formatBackfillBench(report: BackfillBenchReport): string {
  const baseline = report.results.find((result) => result.concurrency === 1);
  const rows = report.results.map((result) => {
    const concurrency = result.concurrency ?? DEFAULT_CONCURRENCY;
    const limitMs = (report.pages * report.latencyMs) / concurrency;
    return [
      result.side,
      String(concurrency),
      (result.wallMs / 1000).toFixed(2),
      baseline ? `${(baseline.wallMs / result.wallMs).toFixed(2)}x` : '-',
      (limitMs / 1000).toFixed(2),
      `${(result.wallMs / limitMs).toFixed(2)}x`,
      String(result.requests),
      `${(((result.requests - report.pages) / report.pages) * 100).toFixed(1)}%`,
      result.maxRssMb.toFixed(0),
      ((result.cpuMs / result.rows) * 1000).toFixed(0),
    ];
  });
  return formatTable(
    [
      'importer',
      'pages in flight',
      'time (s)',
      'speed-up vs sequential',
      'limit (s)',
      'time / limit',
      'requests',
      'extra requests',
      'peak RSS (MB)',
      'CPU ms / 1000 records',
    ],
    rows,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runBackfillBench();
  process.stdout.write(
    `Backfill: ${report.records} records, ${report.pages} pages, ${report.latencyMs} ms per list request, PostgreSQL\n\n${formatBackfillBench(report)}\n${report.notes.join('\n')}\n`,
  );
}
