/**
 * Load benchmark (issue 8, item 5): reads must keep being served while writes wait for a slow CDMS.
 * The emulator answers every request after 200 ms; PostgreSQL has a pool of 5 connections. First
 * 200 concurrent `get()`s of records nobody writes (unloaded), then the same 200 `get()`s while 200
 * `save()`s of other records run at once (loaded). Reported: `get()` p50/p95 of both runs and
 * their ratio (the goal: p95 loaded <= 3 x unloaded), the saves' throughput against the bound the
 * write lane allows (`maxConcurrentWrites` / one save's CDMS round trip, MERGE + GET), and the
 * errors (0 wanted with the default options).
 *
 * Needs PostgreSQL (a connection pool is the point); without it the benchmark is skipped with a note.
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/sync/load-bench.ts
 */
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { CdmsClient } from '../../../packages/cdms-client/src/index';
import { createSync } from '../../../packages/core/src/index';
import { knexStore } from '../../../packages/knex/src/index';
import { createModelTables, defineModels } from '../../support/organisation-models';
import { formatTable } from '../support/format-table';
import { elapsedMs } from '../support/statistics';

/** Options of `runLoadBench`. */
export interface LoadBenchOptions {
  /** CDMS latency per request. @default 200 */
  latencyMs?: number;
  /** The PostgreSQL pool size. @default 5 */
  poolSize?: number;
  /** Concurrent saves. @default 200 */
  saves?: number;
  /** Concurrent gets (of other records). @default 200 */
  gets?: number;
  /** The Sync's `maxConcurrentWrites`. @default the Sync's default (pool - 2) */
  maxConcurrentWrites?: number;
}

/** What `runLoadBench` measured. */
export interface LoadBenchReport {
  readonly skipped?: string;
  readonly latencyMs: number;
  readonly poolSize: number;
  readonly maxConcurrentWrites: number;
  readonly unloaded: { readonly p50: number; readonly p95: number };
  readonly loaded: { readonly p50: number; readonly p95: number };
  readonly saves: { readonly count: number; readonly durationMs: number; readonly perSecond: number };
  /** Saves per second the lane allows: maxConcurrentWrites / (2 requests x latency). */
  readonly boundPerSecond: number;
  readonly errors: readonly string[];
}

const CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs the scenario once; see the file comment. */
export async function runLoadBench(options: LoadBenchOptions = {}): Promise<LoadBenchReport> {
  const latencyMs = options.latencyMs ?? 200;
  const poolSize = options.poolSize ?? 5;
  const saveCount = options.saves ?? 200;
  const getCount = options.gets ?? 200;
  const schema = `cdms_sync_load_${process.pid}_${Date.now().toString(36)}`;
  const empty = { p50: Number.NaN, p95: Number.NaN };
  let probe: Knex | undefined;
  try {
    probe = knexFactory({ client: 'pg', connection: CONNECTION, acquireConnectionTimeout: 3000 });
    await probe.raw('create schema ??', [schema]);
  } catch (error) {
    await probe?.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    return {
      skipped: `postgresql unreachable (${reason})`,
      latencyMs,
      poolSize,
      maxConcurrentWrites: 0,
      unloaded: empty,
      loaded: empty,
      saves: { count: 0, durationMs: 0, perSecond: 0 },
      boundPerSecond: 0,
      errors: [],
    };
  }
  await probe.destroy();
  const knex = knexFactory({
    client: 'pg',
    connection: CONNECTION,
    // Knex's default acquire timeout (60 s): the library, not the pool, must keep reads moving.
    pool: { min: 0, max: poolSize },
    searchPath: [schema],
  });
  const emulator = await startCdmsEmulator({ latencyMs });
  try {
    await createModelTables(knex);
    const store = knexStore(knex);
    const sync = createSync({
      store,
      cdms: new CdmsClient({ baseUrl: emulator.url }),
      ...(options.maxConcurrentWrites === undefined
        ? {}
        : { maxConcurrentWrites: options.maxConcurrentWrites }),
    });
    const { Organisation } = defineModels();
    sync.register(Organisation);
    const maxConcurrentWrites = options.maxConcurrentWrites ?? Math.max(1, (store.maxConnections ?? 6) - 2);

    // Records to read and records to write, imported once (8 list pages).
    emulator.seed(
      'Account',
      Array.from({ length: saveCount + getCount }, (_, index) => ({ Name: `Org ${index}` })),
    );
    const all = await sync.runAs({}, () => Organisation.objects.all());
    const toRead = all.slice(0, getCount);
    const toWrite = all.slice(getCount, getCount + saveCount);
    const errors: string[] = [];
    const note = (error: unknown) =>
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

    const timedGets = () =>
      Promise.all(
        toRead.map(async (organisation) => {
          const start = process.hrtime.bigint();
          await Organisation.objects.get({ id: organisation.id }).catch(note);
          return elapsedMs(start);
        }),
      );

    await timedGets(); // warm-up: connections, JIT, the client's sockets
    const unloadedTimes = await timedGets();
    const savesStarted = process.hrtime.bigint();
    const saving = Promise.all(
      toWrite.map(async (organisation, index) => {
        organisation.name = `Org ${index} saved`;
        await organisation.save().catch(note);
      }),
    ).then(() => elapsedMs(savesStarted));
    const loadedTimes = await timedGets();
    const savesMs = await saving;
    return {
      latencyMs,
      poolSize,
      maxConcurrentWrites,
      unloaded: { p50: percentile(unloadedTimes, 0.5), p95: percentile(unloadedTimes, 0.95) },
      loaded: { p50: percentile(loadedTimes, 0.5), p95: percentile(loadedTimes, 0.95) },
      saves: { count: saveCount, durationMs: savesMs, perSecond: saveCount / (savesMs / 1000) },
      boundPerSecond: maxConcurrentWrites / ((2 * latencyMs) / 1000),
      errors,
    };
  } finally {
    await emulator.close();
    await knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => {});
    await knex.destroy();
  }
}

/** The report as a table, with the goals. */
export function formatLoadBench(report: LoadBenchReport): string {
  if (report.skipped) return `skipped: ${report.skipped}`;
  const ms = (value: number) => value.toFixed(0);
  const ratio = report.loaded.p95 / report.unloaded.p95;
  const table = formatTable(
    ['measure', 'unloaded', 'under load', 'ratio', 'goal'],
    [
      [
        'get() p50 (ms)',
        ms(report.unloaded.p50),
        ms(report.loaded.p50),
        (report.loaded.p50 / report.unloaded.p50).toFixed(2),
        '',
      ],
      ['get() p95 (ms)', ms(report.unloaded.p95), ms(report.loaded.p95), ratio.toFixed(2), '<= 3.00'],
      [
        'saves per second',
        '',
        report.saves.perSecond.toFixed(2),
        (report.saves.perSecond / report.boundPerSecond).toFixed(2),
        `bound ${report.boundPerSecond.toFixed(2)} (${report.maxConcurrentWrites} lanes / ${2 * report.latencyMs} ms)`,
      ],
      ['errors', '', String(report.errors.length), '', '0'],
    ],
  );
  return `${table}\n\n${report.saves.count} saves took ${(report.saves.durationMs / 1000).toFixed(1)} s; CDMS latency ${report.latencyMs} ms per request; PostgreSQL pool ${report.poolSize}; maxConcurrentWrites ${report.maxConcurrentWrites} ${report.errors.length > 0 ? `\nfirst error: ${report.errors[0]}` : ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `… load-bench.ts 200` runs with maxConcurrentWrites 200: no bound, as before the write lane.
  const lanes = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const report = await runLoadBench(lanes === undefined ? {} : { maxConcurrentWrites: lanes });
  process.stdout.write(`${formatLoadBench(report)}\n`);
  process.exit(0);
}
