/**
 * Sync benchmark: for each operation of the library (`create`, `get`, `save`, `delete`, `filter`,
 * `count`, `skipCdms().filter`) on an `Organisation` model mirrored to a CDMS `Account`, the CDMS
 * requests it sends and its median wall time, next to the same logical operation written by hand
 * with raw Knex + raw axios (`BaselineOrganisations`), in the same run, on the same database.
 *
 * Each side talks to its own CDMS emulator on loopback (so their records and request logs never
 * mix); requests are counted from the emulator's request log (and, for the library, checked against
 * `client.stats()`). Iterations of the two sides alternate, and which side goes first alternates
 * too, so machine noise hits both alike.
 *
 * The library is imported by package name: `pnpm bench` runs this file in a child process without
 * the `@cdms-sync/source` condition (`runSyncBenchOnBuiltPackages`), so it measures `dist/` as a
 * host application loads it. Under tsx the sources would carry tsx's `keepNames` helpers (a call
 * for every function and class created at run time), which no consumer pays.
 *
 *   pnpm build && npx tsx test/bench/sync/sync-bench.ts                 # the built packages
 *   npx tsx --conditions=@cdms-sync/source test/bench/sync/sync-bench.ts  # the sources
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { type BenchDatabase, type BenchDatabaseName, openBenchDatabases } from '../support/bench-databases';
import { formatTable } from '../support/format-table';
import { runJsonChild } from '../support/json-child';
import {
  countRange,
  elapsedMs,
  formatCountRange,
  median,
  type RequestCountRange,
} from '../support/statistics';
import { BaselineOrganisations, type BaselineRow } from './baseline-organisations';
import { createBenchTables, defineOrganisation, type OrganisationClass } from './organisation-model';

/** Options of `runSyncBench`. With the defaults a run takes about 35 seconds (two databases). */
export interface SyncBenchOptions {
  /** Measured iterations per operation and side (fewer when `operationBudgetMs` runs out). @default 200 */
  iterations?: number;
  /** Unmeasured iterations first (connection pools, JIT, caches). @default 2 */
  warmup?: number;
  /** Measured iterations of the 120-row import, the slowest operation. @default 80 */
  importIterations?: number;
  /**
   * Wall time per operation (both sides, one database) after which no further iteration starts,
   * once 3 have been measured. @default 8000
   */
  operationBudgetMs?: number;
  /** The local stores to measure on. @default ['pglite', 'postgresql'] */
  databases?: readonly BenchDatabaseName[];
  /** Latency the emulators add to every request (0 measures the pure overhead). @default 0 */
  emulatorLatencyMs?: number;
}

/** One operation measured on one database. */
export interface SyncBenchResult {
  readonly database: BenchDatabaseName;
  readonly operation: string;
  /** CDMS requests per call of the library (smallest-largest over the measured iterations). */
  readonly syncRequests: RequestCountRange;
  /** CDMS requests per call of the baseline. */
  readonly baselineRequests: RequestCountRange;
  readonly syncMs: number;
  readonly baselineMs: number;
  /** `syncMs / baselineMs`: the library's time relative to hand-written code. */
  readonly ratio: number;
  /** Measured iterations per side. */
  readonly iterations: number;
}

/** What `runSyncBench` returns. */
export interface SyncBenchReport {
  readonly results: SyncBenchResult[];
  /** Databases left out and why (PostgreSQL unreachable …). */
  readonly notes: string[];
  readonly durationMs: number;
}

/** The rows each import seeds: three CDMS pages of 50. */
const IMPORTED_ROWS = 120;
const MIN_MEASURED = 3;

/** One side of an operation: untimed preparation, then the timed call. */
interface BenchSide {
  prepare?(iteration: number): Promise<void> | void;
  run(iteration: number): Promise<void>;
}

interface BenchOperation {
  readonly name: string;
  readonly sync: BenchSide;
  readonly baseline: BenchSide;
  readonly iterations?: number;
}

/** What one database's operations share. */
interface BenchContext {
  readonly database: BenchDatabase;
  readonly syncEmulator: CdmsEmulator;
  readonly baselineEmulator: CdmsEmulator;
  readonly client: CdmsClient;
  readonly Organisation: OrganisationClass;
  readonly baseline: BaselineOrganisations;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`sync bench: ${message}`);
}

/** Seeds `IMPORTED_ROWS` CDMS-only Accounts named `${prefix}${n}`. */
function seedAccounts(emulator: CdmsEmulator, prefix: string): void {
  emulator.seed(
    'Account',
    Array.from({ length: IMPORTED_ROWS }, (_, index) => ({
      Name: `${prefix}${String(index).padStart(3, '0')}`,
      optevia_ukorganisation: index % 2 === 0,
    })),
  );
}

/** The operations, in order (later ones use what earlier ones created). */
async function defineOperations(context: BenchContext, importIterations: number): Promise<BenchOperation[]> {
  const { Organisation, baseline, syncEmulator, baselineEmulator } = context;
  // The records that get, refresh and save work on, created (untimed) by each side itself.
  const subject = await Organisation.objects.create({ name: 'Subject', ukOrganisation: true });
  let baselineSubject: BaselineRow = await baseline.create({ name: 'Subject', ukOrganisation: true });
  const subjectPk = subject.cdmsPk as string;

  let victim: InstanceType<OrganisationClass> | undefined;
  let baselineVictimId: number | undefined;
  let syncRound = 0;
  let baselineRound = 0;
  let syncPrefix = '';
  let baselinePrefix = '';

  return [
    {
      name: 'create',
      sync: {
        async run(iteration) {
          const created = await Organisation.objects.create({
            name: `Created ${iteration}`,
            ukOrganisation: true,
          });
          check(typeof created.cdmsPk === 'string', 'create returned no cdmsPk');
        },
      },
      baseline: {
        async run(iteration) {
          await baseline.create({ name: `Created ${iteration}`, ukOrganisation: true });
        },
      },
    },
    {
      name: 'get (in sync)',
      sync: {
        async run() {
          const found = await Organisation.objects.get({ id: subject.id });
          check(found.name === subject.name, 'get returned another name');
        },
      },
      baseline: {
        async run() {
          const found = await baseline.get(baselineSubject.id);
          check(found.name === baselineSubject.name, 'baseline get returned another name');
        },
      },
    },
    {
      name: 'get (after a CDMS-side edit: refresh)',
      sync: {
        prepare(iteration) {
          syncEmulator.editAsCdmsUser('Account', subjectPk, { Name: `Edited ${iteration}` });
        },
        async run(iteration) {
          const found = await Organisation.objects.get({ id: subject.id });
          check(found.name === `Edited ${iteration}`, 'get did not refresh from CDMS');
          Object.assign(subject, { name: found.name, modified: found.modified });
        },
      },
      baseline: {
        prepare(iteration) {
          baselineEmulator.editAsCdmsUser('Account', baselineSubject.cdms_pk, {
            Name: `Edited ${iteration}`,
          });
        },
        async run(iteration) {
          baselineSubject = await baseline.get(baselineSubject.id);
          check(baselineSubject.name === `Edited ${iteration}`, 'baseline get did not refresh from CDMS');
        },
      },
    },
    {
      name: 'save (existing)',
      sync: {
        prepare(iteration) {
          subject.name = `Saved ${iteration}`;
        },
        async run() {
          await subject.save();
        },
      },
      baseline: {
        async run(iteration) {
          baselineSubject = await baseline.save(baselineSubject.id, {
            name: `Saved ${iteration}`,
            ukOrganisation: true,
          });
        },
      },
    },
    {
      name: 'delete',
      sync: {
        async prepare(iteration) {
          victim = await Organisation.objects.create({ name: `Doomed ${iteration}`, ukOrganisation: false });
        },
        async run() {
          await victim?.delete();
        },
      },
      baseline: {
        async prepare(iteration) {
          baselineVictimId = (await baseline.create({ name: `Doomed ${iteration}`, ukOrganisation: false }))
            .id;
        },
        async run() {
          await baseline.delete(baselineVictimId as number);
        },
      },
    },
    {
      name: `filter (import ${IMPORTED_ROWS} CDMS-only rows, 3 pages)`,
      iterations: importIterations,
      sync: {
        prepare() {
          syncRound += 1;
          syncPrefix = `Imported-${syncRound}-`;
          seedAccounts(syncEmulator, syncPrefix);
        },
        async run() {
          const found = await Organisation.objects.filter({ name__startswith: syncPrefix });
          check(found.length === IMPORTED_ROWS, `filter imported ${found.length} rows`);
        },
      },
      baseline: {
        prepare() {
          baselineRound += 1;
          baselinePrefix = `Imported-${baselineRound}-`;
          seedAccounts(baselineEmulator, baselinePrefix);
        },
        async run() {
          const found = await baseline.filterByNamePrefix(baselinePrefix);
          check(found.length === IMPORTED_ROWS, `baseline filter imported ${found.length} rows`);
        },
      },
    },
    {
      name: `filter (again, ${IMPORTED_ROWS} rows in sync)`,
      sync: {
        async run() {
          const found = await Organisation.objects.filter({ name__startswith: syncPrefix });
          check(found.length === IMPORTED_ROWS, `filter found ${found.length} rows`);
        },
      },
      baseline: {
        async run() {
          const found = await baseline.filterByNamePrefix(baselinePrefix);
          check(found.length === IMPORTED_ROWS, `baseline filter found ${found.length} rows`);
        },
      },
    },
    {
      name: `count (${IMPORTED_ROWS} rows in sync)`,
      sync: {
        async run() {
          const count = await Organisation.objects.filter({ name__startswith: syncPrefix }).count();
          check(count === IMPORTED_ROWS, `count returned ${count}`);
        },
      },
      baseline: {
        async run() {
          const count = await baseline.countByNamePrefix(baselinePrefix);
          check(count === IMPORTED_ROWS, `baseline count returned ${count}`);
        },
      },
    },
    {
      name: `skipCdms().filter (${IMPORTED_ROWS} rows)`,
      sync: {
        async run() {
          const found = await Organisation.objects.skipCdms().filter({ name__startswith: syncPrefix });
          check(found.length === IMPORTED_ROWS, `skipCdms filter found ${found.length} rows`);
        },
      },
      baseline: {
        async run() {
          const found = await baseline.localFilterByNamePrefix(baselinePrefix);
          check(found.length === IMPORTED_ROWS, `baseline local filter found ${found.length} rows`);
        },
      },
    },
  ];
}

interface SideSamples {
  readonly times: number[];
  readonly counts: number[];
}

/** Runs one side once; returns its time and the requests its emulator received meanwhile. */
async function runSide(
  side: BenchSide,
  iteration: number,
  emulator: CdmsEmulator,
  client: CdmsClient | undefined,
): Promise<{ ms: number; requests: number }> {
  await side.prepare?.(iteration);
  const logged = emulator.requests.length;
  const counted = client?.stats().total ?? 0;
  const start = process.hrtime.bigint();
  await side.run(iteration);
  const ms = elapsedMs(start);
  const requests = emulator.requests.length - logged;
  if (client) {
    const reported = client.stats().total - counted;
    check(
      reported === requests,
      `client.stats() counted ${reported} requests where the emulator logged ${requests}`,
    );
  }
  return { ms, requests };
}

async function measureOperation(
  context: BenchContext,
  operation: BenchOperation,
  options: Required<Omit<SyncBenchOptions, 'databases'>>,
): Promise<SyncBenchResult> {
  const iterations = operation.iterations ?? options.iterations;
  const sync: SideSamples = { times: [], counts: [] };
  const baseline: SideSamples = { times: [], counts: [] };
  const started = process.hrtime.bigint();
  for (let iteration = -options.warmup; iteration < iterations; iteration += 1) {
    if (iteration >= MIN_MEASURED && elapsedMs(started) > options.operationBudgetMs) break;
    const syncFirst = Math.abs(iteration) % 2 === 0;
    const order = syncFirst ? (['sync', 'baseline'] as const) : (['baseline', 'sync'] as const);
    for (const which of order) {
      const outcome =
        which === 'sync'
          ? await runSide(operation.sync, iteration, context.syncEmulator, context.client)
          : await runSide(operation.baseline, iteration, context.baselineEmulator, undefined);
      if (iteration < 0) continue;
      const samples = which === 'sync' ? sync : baseline;
      samples.times.push(outcome.ms);
      samples.counts.push(outcome.requests);
    }
  }
  const syncMs = median(sync.times);
  const baselineMs = median(baseline.times);
  return {
    database: context.database.name,
    operation: operation.name,
    syncRequests: countRange(sync.counts),
    baselineRequests: countRange(baseline.counts),
    syncMs,
    baselineMs,
    ratio: baselineMs > 0 ? syncMs / baselineMs : Number.NaN,
    iterations: sync.times.length,
  };
}

async function benchDatabase(
  database: BenchDatabase,
  options: Required<Omit<SyncBenchOptions, 'databases'>>,
): Promise<SyncBenchResult[]> {
  await createBenchTables(database.knex);
  // Both run on CRM 2011's clock (ModifiedOn to the second), so both compare VersionNumber too.
  const syncEmulator = await startCdmsEmulator({ latencyMs: options.emulatorLatencyMs });
  const baselineEmulator = await startCdmsEmulator({ latencyMs: options.emulatorLatencyMs });
  try {
    // Default retry policy: no request fails against the emulator, so none is retried.
    const client = new CdmsClient({ baseUrl: syncEmulator.url });
    const sync = createSync({ store: knexStore(database.knex), cdms: client });
    const Organisation = defineOrganisation();
    sync.register(Organisation);
    const baseline = new BaselineOrganisations(database.knex, baselineEmulator.serviceUrl);
    const context: BenchContext = {
      database,
      syncEmulator,
      baselineEmulator,
      client,
      Organisation,
      baseline,
    };
    const results: SyncBenchResult[] = [];
    for (const operation of await defineOperations(context, options.importIterations)) {
      results.push(await measureOperation(context, operation, options));
    }
    return results;
  } finally {
    await Promise.allSettled([syncEmulator.close(), baselineEmulator.close()]);
  }
}

/**
 * Runs the sync benchmark on PGlite and, when reachable, PostgreSQL (in a schema of its own, dropped
 * afterwards). Throws when an operation misbehaves (wrong rows, a request count that `client.stats()`
 * and the emulator disagree on).
 *
 * @example
 * const report = await runSyncBench({ iterations: 10 });
 * console.log(formatSyncBench(report));
 */
export async function runSyncBench(options: SyncBenchOptions = {}): Promise<SyncBenchReport> {
  const started = process.hrtime.bigint();
  const resolved = {
    iterations: options.iterations ?? 200,
    warmup: options.warmup ?? 2,
    importIterations: options.importIterations ?? 80,
    operationBudgetMs: options.operationBudgetMs ?? 8000,
    emulatorLatencyMs: options.emulatorLatencyMs ?? 0,
  };
  const { databases, notes } = await openBenchDatabases(options.databases);
  const results: SyncBenchResult[] = [];
  try {
    for (const database of databases) {
      try {
        results.push(...(await benchDatabase(database, resolved)));
      } finally {
        await database.close();
      }
    }
  } finally {
    // After a failure the later databases were never closed (close() is idempotent).
    await Promise.allSettled(databases.map((database) => database.close()));
  }
  if (resolved.emulatorLatencyMs > 0) {
    notes.push(`the emulators added ${resolved.emulatorLatencyMs} ms to every request`);
  }
  return { results, notes, durationMs: elapsedMs(started) };
}

/** The report as a plain-text (Markdown-compatible) table, followed by its notes. */
export function formatSyncBench(report: SyncBenchReport): string {
  const header = [
    'database',
    'operation',
    'cdms-sync requests',
    'baseline requests',
    'cdms-sync median ms',
    'baseline median ms',
    'ratio',
    'n',
  ];
  const rows = report.results.map((result) => [
    result.database,
    result.operation,
    formatCountRange(result.syncRequests),
    formatCountRange(result.baselineRequests),
    result.syncMs.toFixed(2),
    result.baselineMs.toFixed(2),
    Number.isFinite(result.ratio) ? `${result.ratio.toFixed(2)}x` : '-',
    String(result.iterations),
  ]);
  const lines = [formatTable(header, rows)];
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/** The built entry points the child process loads (`pnpm build` makes them). */
const BUILT_ENTRIES = [
  'core/dist/index.js',
  'knex/dist/index.js',
  'cdms-client/dist/index.js',
  'cdms-client/dist/emulator/index.js',
].map((path) => fileURLToPath(new URL(`../../../packages/${path}`, import.meta.url)));

/**
 * `runSyncBench` (default options) in a child process that loads the built packages (`dist/`,
 * without the `@cdms-sync/source` condition), as a host application does. Throws when a package is
 * not built or the child fails.
 *
 * @example
 * // pnpm build first
 * console.log(formatSyncBench(await runSyncBenchOnBuiltPackages()));
 */
export function runSyncBenchOnBuiltPackages(): Promise<SyncBenchReport> {
  const missing = BUILT_ENTRIES.filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    return Promise.reject(new Error(`sync bench: build the packages first (missing ${missing.join(', ')})`));
  }
  return runJsonChild<SyncBenchReport>(['--import', 'tsx', fileURLToPath(import.meta.url), '--json'], {
    label: 'sync bench child',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runSyncBench();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(
      `${formatSyncBench(report)}\n\n(median per side; ${(report.durationMs / 1000).toFixed(1)} s)\n`,
    );
  }
}
