/**
 * Poll benchmark: one `sync.poll()` round with 0, 1 and 100 CDMS-side changes, its CDMS requests
 * (goal: 1, 1, 2 with pages of 50) and its median time next to one raw list request (axios) of the
 * same query, with the emulator answering at once and after 100 ms (its `latency` fault), on
 * PostgreSQL.
 *
 * The emulator's clock moves one minute ahead before each round, so the changes of the previous
 * round are older than the poll's 30-second overlap and each round sees only its own changes.
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/operations/poll-bench.ts
 */
import { pathToFileURL } from 'node:url';
import axios from 'axios';
import { startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { CdmsClient } from '../../../packages/cdms-client/src/index';
import { createSync } from '../../../packages/core/src/index';
import { createSyncStateTables, knexStore } from '../../../packages/knex/src/index';
import { openPostgres } from '../support/bench-databases';
import { formatTable } from '../support/format-table';
import {
  countRange,
  elapsedMs,
  formatCountRange,
  median,
  type RequestCountRange,
} from '../support/statistics';
import { createBenchTables, defineOrganisation } from '../sync/organisation-model';

/** Options of `runPollBench`. */
export interface PollBenchOptions {
  /** Measured rounds per case. @default 5 */
  iterations?: number;
  /** The latencies to measure at, in milliseconds. @default [0, 100] */
  latencies?: readonly number[];
}

/** One case measured. */
export interface PollBenchResult {
  readonly latencyMs: number;
  readonly changes: number;
  readonly requests: RequestCountRange;
  readonly pollMs: number;
  readonly rawMs: number;
  readonly ratio: number;
  readonly iterations: number;
}

/** What `runPollBench` returns. */
export interface PollBenchReport {
  readonly results: PollBenchResult[];
  readonly notes: string[];
}

const CASES = [0, 1, 100] as const;
const SEEDED = 200;
const SELECT = 'AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

async function benchLatency(latencyMs: number, iterations: number): Promise<PollBenchResult[]> {
  const database = await openPostgres();
  let offsetMs = 0;
  const emulator = await startCdmsEmulator({ clock: () => Date.now() + offsetMs });
  try {
    await createBenchTables(database.knex);
    await createSyncStateTables(database.knex);
    const start = Date.now() - SEEDED * 3_600_000;
    const seeded = emulator.seed(
      'Account',
      Array.from({ length: SEEDED }, (_, n) => ({
        Name: `Polled ${n}`,
        CreatedOn: new Date(start + n * 3_600_000),
        ModifiedOn: new Date(start + n * 3_600_000),
      })),
    );
    const sync = createSync({
      store: knexStore(database.knex),
      cdms: new CdmsClient({ baseUrl: emulator.url }),
    });
    const Organisation = defineOrganisation();
    sync.register(Organisation);
    await sync.backfill([Organisation]);
    if (latencyMs > 0) emulator.addFault({ operation: 'list' }, { type: 'latency', ms: latencyMs });
    const http = axios.create({
      baseURL: `${emulator.serviceUrl}/`,
      headers: { Accept: 'application/json' },
    });

    const results: PollBenchResult[] = [];
    for (const changes of CASES) {
      const pollTimes: number[] = [];
      const rawTimes: number[] = [];
      const counts: number[] = [];
      // One warm-up round, then the measured ones.
      for (let iteration = -1; iteration < iterations; iteration += 1) {
        offsetMs += 60_000;
        for (const record of seeded.slice(0, changes)) {
          emulator.editAsCdmsUser('Account', record.AccountId as string, { Name: `Edited ${offsetMs}` });
        }
        const [status] = await sync.status([Organisation]);
        const since = new Date((status?.watermark?.getTime() ?? 0) - 30_000).toISOString().slice(0, 19);
        const rawStart = process.hrtime.bigint();
        await http.get(
          `AccountSet?$filter=${encodeURIComponent(`ModifiedOn ge datetime'${since}'`)}&$select=${SELECT}&$orderby=${encodeURIComponent('ModifiedOn asc,AccountId asc')}`,
        );
        const rawMs = elapsedMs(rawStart);
        const logged = emulator.requests.length;
        const pollStart = process.hrtime.bigint();
        const report = await sync.poll([Organisation]);
        const pollMs = elapsedMs(pollStart);
        const applied = report.models[0]?.changes;
        if (applied !== changes)
          throw new Error(`poll bench: ${changes} changes in CDMS, the poll applied ${applied}`);
        if (iteration < 0) continue;
        pollTimes.push(pollMs);
        rawTimes.push(rawMs);
        counts.push(emulator.requests.length - logged);
      }
      const pollMs = median(pollTimes);
      const rawMs = median(rawTimes);
      results.push({
        latencyMs,
        changes,
        requests: countRange(counts),
        pollMs,
        rawMs,
        ratio: pollMs / rawMs,
        iterations: pollTimes.length,
      });
    }
    return results;
  } finally {
    await emulator.close();
    await database.close();
  }
}

/**
 * Runs the poll benchmark on PostgreSQL (unreachable: no results, a note). Throws when a poll
 * applies another number of changes than CDMS received.
 *
 * @example
 * console.log(formatPollBench(await runPollBench({ iterations: 3 })));
 */
export async function runPollBench(options: PollBenchOptions = {}): Promise<PollBenchReport> {
  const results: PollBenchResult[] = [];
  const notes: string[] = [];
  for (const latencyMs of options.latencies ?? [0, 100]) {
    try {
      results.push(...(await benchLatency(latencyMs, options.iterations ?? 5)));
    } catch (error) {
      if (!(error instanceof Error) || !/ECONNREFUSED|connect/.test(error.message)) throw error;
      notes.push(`postgresql unreachable (${error.message}): poll not measured`);
      break;
    }
  }
  return { results, notes };
}

/** The table: latency, changes, requests, poll and raw request medians, ratio. */
export function formatPollBench(report: PollBenchReport): string {
  return formatTable(
    ['latency (ms)', 'changes', 'poll requests', 'poll median ms', 'one raw list request ms', 'ratio', 'n'],
    report.results.map((result) => [
      String(result.latencyMs),
      String(result.changes),
      formatCountRange(result.requests),
      result.pollMs.toFixed(2),
      result.rawMs.toFixed(2),
      `${result.ratio.toFixed(2)}x`,
      String(result.iterations),
    ]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runPollBench();
  process.stdout.write(`Poll (PostgreSQL)\n\n${formatPollBench(report)}\n${report.notes.join('\n')}\n`);
}
