/**
 * Store overhead benchmark: the median time of `find` (by a where tree on a ~1000-row table),
 * `insert` and `upsertIfNewer` (batch of 50) through the `@cdms-sync/knex` store, against the same
 * operation written in raw Knex, on PostgreSQL and PGlite.
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/store/store-bench.ts
 */
import { pathToFileURL } from 'node:url';
import type { SyncedRow, WhereNode } from '../../../packages/core/src/index';
import {
  type TestDatabase,
  testDatabases,
  uniqueTableName,
} from '../../../packages/knex/src/conformance/databases';
import { createSyncedTable, knexStore } from '../../../packages/knex/src/index';
import { formatTable } from '../support/format-table';
import { elapsedMs, median } from '../support/statistics';

type Knex = Awaited<ReturnType<TestDatabase['connect']>>;

/** One measured operation on one database. */
export interface StoreBenchResult {
  readonly database: string;
  readonly operation: string;
  readonly storeMs: number;
  readonly knexMs: number;
  /** `storeMs / knexMs`: the store's overhead factor. */
  readonly ratio: number;
}

const TABLE_ROWS = 1000;
const WARMUP = 5;
const ITERATIONS = 40;
const UPSERT_BATCH = 50;

/** Median milliseconds of `operation(iteration)` over `ITERATIONS` runs after `WARMUP` runs. */
async function measure(operation: (iteration: number) => Promise<unknown>): Promise<number> {
  for (let iteration = 0; iteration < WARMUP; iteration += 1) await operation(-1 - iteration);
  const times: number[] = [];
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const start = process.hrtime.bigint();
    await operation(iteration);
    times.push(elapsedMs(start));
  }
  return median(times);
}

async function benchDatabase(database: TestDatabase): Promise<StoreBenchResult[]> {
  const knex: Knex = await database.connect();
  const storeTable = uniqueTableName('bench_store');
  const knexTable = uniqueTableName('bench_knex');
  try {
    for (const table of [storeTable, knexTable]) {
      await createSyncedTable(knex, table, (builder) => {
        builder.string('name');
        builder.integer('amount');
        builder.boolean('active');
      });
      await knex.batchInsert(
        table,
        Array.from({ length: TABLE_ROWS }, (_, index) => ({
          cdms_pk: `seed-${index}`,
          name: `Row ${index}`,
          amount: index,
          active: index % 2 === 0,
        })),
        250,
      );
    }
    const store = knexStore(knex);
    await store.describe(storeTable); // describe is cached: measure the steady state.
    const results: StoreBenchResult[] = [];
    const record = (operation: string, storeMs: number, knexMs: number) =>
      results.push({ database: database.name, operation, storeMs, knexMs, ratio: storeMs / knexMs });

    const where: WhereNode = {
      kind: 'and',
      children: [
        { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'row 5' },
        { kind: 'lookup', field: 'amount', lookup: 'gte', value: 100 },
        { kind: 'not', child: { kind: 'lookup', field: 'active', lookup: 'exact', value: false } },
      ],
    };
    record(
      'find (where tree, ~1000 rows)',
      await measure(() =>
        store.find(storeTable, { where, orderBy: [{ field: 'amount', direction: 'asc' }] }),
      ),
      await measure(() =>
        knex(knexTable)
          .select('*')
          .where('name', 'ilike', '%row 5%')
          .andWhere('amount', '>=', 100)
          .andWhere((builder) => builder.where('active', '<>', false).orWhereNull('active'))
          .orderBy('amount', 'asc'),
      ),
    );

    record(
      'insert (one row, returning)',
      await measure((iteration) =>
        store.insert(storeTable, { cdmsPk: `insert-${iteration}`, name: 'New', amount: 1, active: true }),
      ),
      await measure((iteration) =>
        knex(knexTable)
          .insert({ cdms_pk: `insert-${iteration}`, name: 'New', amount: 1, active: true })
          .returning('*'),
      ),
    );

    const batch = (iteration: number): SyncedRow[] =>
      Array.from({ length: UPSERT_BATCH }, (_, index) => ({
        // Half the batch updates seeded rows, half inserts new ones; every iteration is newer.
        cdmsPk: index % 2 === 0 ? `seed-${index}` : `upsert-${iteration}-${index}`,
        modified: new Date(Date.UTC(2030, 0, 1) + (iteration + 10) * 1000),
        name: `Upserted ${iteration}`,
        amount: index,
        active: true,
      }));
    record(
      `upsertIfNewer (batch of ${UPSERT_BATCH})`,
      await measure((iteration) => store.upsertIfNewer(storeTable, batch(iteration))),
      await measure((iteration) =>
        knex(knexTable)
          .insert(
            batch(iteration).map((row) => ({
              cdms_pk: row.cdmsPk,
              modified: row.modified,
              name: row.name,
              amount: row.amount,
              active: row.active,
            })),
          )
          .onConflict('cdms_pk')
          .merge(['name', 'amount', 'active', 'modified'])
          .where(`${knexTable}.modified`, '<', knex.ref('excluded.modified'))
          .returning(['cdms_pk', knex.raw('(xmax = 0) as inserted')] as unknown as string[]),
      ),
    );
    return results;
  } finally {
    await knex.schema.dropTableIfExists(storeTable);
    await knex.schema.dropTableIfExists(knexTable);
    await knex.destroy();
  }
}

/** Formats results as a plain-text table. */
export function formatStoreBench(results: readonly StoreBenchResult[]): string {
  const header = ['database', 'operation', 'store (ms)', 'raw knex (ms)', 'ratio'];
  const rows = results.map((result) => [
    result.database,
    result.operation,
    result.storeMs.toFixed(3),
    result.knexMs.toFixed(3),
    `${result.ratio.toFixed(2)}x`,
  ]);
  return formatTable(header, rows);
}

/**
 * Runs the benchmark on PostgreSQL (skipped with a note when unreachable) and PGlite; bounded to
 * `WARMUP + ITERATIONS` runs per operation, well under a minute.
 */
export async function runStoreBench(): Promise<StoreBenchResult[]> {
  const databases = (await testDatabases()).filter(
    (database) => database.name === 'postgresql' || database.name === 'pglite',
  );
  const results: StoreBenchResult[] = [];
  for (const database of databases) {
    if (!database.available) {
      process.emitWarning(`store bench: ${database.name} is unreachable (${database.reason}); skipped.`);
      continue;
    }
    results.push(...(await benchDatabase(database)));
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const results = await runStoreBench();
  process.stdout.write(
    `${formatStoreBench(results)}\n\n(median of ${ITERATIONS} runs after ${WARMUP} warm-up runs; ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
