/**
 * Read-policy benchmark: the CDMS requests and wall time of reads under `'always'` and `'delta'`
 * (issue 12), on 10,000 CDMS accounts (and 2,000 contacts) backfilled into PostgreSQL (PGlite when
 * PostgreSQL does not answer), against a CDMS
 * emulator that adds `latencyMs` (default 20 ms) to every request, as a real CRM on a LAN does.
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/sync/read-policy-bench.ts
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { type CdmsEmulator, startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { CdmsClient } from '../../../packages/cdms-client/src/index';
import { createSync, type Sync } from '../../../packages/core/src/index';
import { createSyncStateTables, knexStore } from '../../../packages/knex/src/index';
import { createModelTables, defineModels, type Models } from '../../support/organisation-models';
import { type BenchDatabaseName, openBenchDatabases } from '../support/bench-databases';
import { formatTable } from '../support/format-table';
import { elapsedMs, median } from '../support/statistics';

/** Options of `runReadPolicyBench`. */
export interface ReadPolicyBenchOptions {
  /** CDMS accounts seeded and backfilled. @default 10000 */
  accounts?: number;
  /** Latency the emulator adds to every request. @default 20 */
  latencyMs?: number;
  /** Measured iterations per operation and policy. @default 2 */
  iterations?: number;
}

/** One operation under both policies. */
export interface ReadPolicyBenchResult {
  readonly operation: string;
  /** Requests per call under `'always'` (`undefined`: the library refused it before this issue). */
  readonly alwaysRequests: number;
  readonly deltaRequests: number;
  readonly alwaysMs: number;
  readonly deltaMs: number;
  /** `alwaysMs / deltaMs`. */
  readonly speedup: number;
}

/** What `runReadPolicyBench` returns. */
export interface ReadPolicyBenchReport {
  readonly results: ReadPolicyBenchResult[];
  readonly database: BenchDatabaseName;
  readonly accounts: number;
  readonly latencyMs: number;
  readonly backfillMs: number;
  readonly durationMs: number;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`read-policy bench: ${message}`);
}

/** Seed `count` accounts (every fifth named `… acme …`) and a contact for each of the first 2,000. */
function seed(emulator: CdmsEmulator, count: number): void {
  const start = Date.parse('2020-01-01T00:00:00Z');
  const accounts = emulator.seed(
    'Account',
    Array.from({ length: count }, (_, index) => {
      const created = new Date(start + index * 1000);
      return {
        AccountId: randomUUID(),
        Name: index % 5 === 0 ? `Account ${index} Acme` : `Account ${index}`,
        optevia_ukorganisation: index % 2 === 0,
        CreatedOn: created,
        ModifiedOn: created,
      };
    }),
  );
  emulator.seed(
    'Contact',
    accounts.slice(0, 2000).map((account, index) => ({
      ContactId: randomUUID(),
      LastName: `Contact ${index}`,
      ParentCustomerId: { Id: String(account.AccountId), LogicalName: 'account' },
      CreatedOn: account.CreatedOn as Date,
      ModifiedOn: account.CreatedOn as Date,
    })),
  );
}

async function measure(
  emulator: CdmsEmulator,
  iterations: number,
  run: () => Promise<void>,
): Promise<{ requests: number; ms: number }> {
  const times: number[] = [];
  let requests = 0;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    emulator.clearRequests();
    const started = process.hrtime.bigint();
    await run();
    times.push(elapsedMs(started));
    requests = emulator.requestCount();
  }
  return { requests, ms: median(times) };
}

/**
 * Runs the read-policy benchmark on an in-memory PGlite. Throws when a read answers wrongly.
 * @example
 * console.log(formatReadPolicyBench(await runReadPolicyBench({ accounts: 2000 })));
 */
export async function runReadPolicyBench(
  options: ReadPolicyBenchOptions = {},
): Promise<ReadPolicyBenchReport> {
  const started = process.hrtime.bigint();
  const accounts = options.accounts ?? 10_000;
  const latencyMs = options.latencyMs ?? 20;
  const iterations = options.iterations ?? 2;
  // PostgreSQL when it answers (a schema of its own, dropped afterwards), else an in-memory PGlite.
  const { databases } = await openBenchDatabases(['postgresql']);
  const database = databases[0] ?? (await openBenchDatabases(['pglite'])).databases[0];
  if (!database) throw new Error('read-policy bench: no database');
  const { knex } = database;
  const emulator = await startCdmsEmulator({ latencyMs });
  let sync: Sync | undefined;
  try {
    await createModelTables(knex);
    await createSyncStateTables(knex);
    seed(emulator, accounts);
    const client = new CdmsClient({ baseUrl: emulator.url, retries: false });
    // A page limit above the data: `'always'` then lists every match, as an exact count needs.
    sync = createSync({ store: knexStore(knex), cdms: client, syncPageLimit: accounts + 1 });
    const models: Models = defineModels();
    sync.register(models.Organisation, models.Contact);
    const { Organisation, Contact } = models;
    const backfillStarted = process.hrtime.bigint();
    await sync.backfill([Organisation, Contact], { concurrency: 4 });
    const backfillMs = elapsedMs(backfillStarted);
    const acmes = accounts / 5;
    const contactsOfAcme = Math.ceil(Math.min(2000, accounts) / 5);
    const operations: { name: string; read: (policy: 'always' | 'delta') => Promise<void> }[] = [
      {
        name: 'count()',
        async read(policy) {
          const count = await Organisation.objects.fresh(policy).count();
          check(count === accounts, `count() = ${count}`);
        },
      },
      {
        name: `filter(name__icontains) matching ${acmes}`,
        async read(policy) {
          const found = await Organisation.objects.fresh(policy).filter({ name__icontains: 'acme' });
          check(found.length === acmes, `filter found ${found.length}`);
        },
      },
      {
        name: 'relation filter (contacts of organisations matching a name)',
        async read(policy) {
          const found = await Contact.objects
            .fresh(policy)
            .filter({ organisation__name__icontains: 'acme' } as never);
          check(found.length === contactsOfAcme, `relation filter found ${found.length}`);
        },
      },
      {
        name: '200 concurrent get() of one record',
        async read(policy) {
          const [first] = await Organisation.objects.skipCdms().orderBy('id').slice(0, 1);
          const id = first?.id as number;
          emulator.clearRequests();
          const found = await Promise.all(
            Array.from({ length: 200 }, () => Organisation.objects.fresh(policy).get({ id })),
          );
          check(
            found.every((each) => each.id === id),
            'get() returned another row',
          );
        },
      },
    ];
    const results: ReadPolicyBenchResult[] = [];
    for (const operation of operations) {
      const always = await measure(emulator, iterations, () => operation.read('always'));
      const delta = await measure(emulator, iterations, () => operation.read('delta'));
      results.push({
        operation: operation.name,
        alwaysRequests: always.requests,
        deltaRequests: delta.requests,
        alwaysMs: always.ms,
        deltaMs: delta.ms,
        speedup: always.ms / delta.ms,
      });
    }
    return {
      results,
      database: database.name,
      accounts,
      latencyMs,
      backfillMs,
      durationMs: elapsedMs(started),
    };
  } finally {
    await emulator.close();
    await database.close();
  }
}

/** The report as a Markdown table. */
export function formatReadPolicyBench(report: ReadPolicyBenchReport): string {
  const rows = report.results.map((result) => [
    result.operation,
    String(result.alwaysRequests),
    String(result.deltaRequests),
    result.alwaysMs.toFixed(1),
    result.deltaMs.toFixed(1),
    `${result.speedup.toFixed(1)}x`,
  ]);
  return [
    formatTable(
      [
        'operation',
        "'always' requests",
        "'delta' requests",
        "'always' median ms",
        "'delta' median ms",
        'speed-up',
      ],
      rows,
    ),
    `note: ${report.database}; ${report.accounts} CDMS accounts backfilled in ${(report.backfillMs / 1000).toFixed(1)} s; the emulator added ${report.latencyMs} ms to every request`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runReadPolicyBench();
  process.stdout.write(`${formatReadPolicyBench(report)}\n\n(${(report.durationMs / 1000).toFixed(1)} s)\n`);
}
