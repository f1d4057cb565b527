/**
 * Emulator benchmark: how long one 50-row list page takes (over HTTP, JSON) with 1,000 records
 * and with 100,000, for the list shapes the library and its backfill/poll send, so that a test or
 * benchmark on a large emulator measures the library and not the emulator. Also times `seed` of
 * 100k records.
 *
 * Shapes: the plain `__next` walk (primary-key order); `$filter` on a `CreatedOn` range ordered by
 * `CreatedOn` (a backfill range); `$orderby=ModifiedOn` walked while a CDMS user edits a record
 * between pages (a poll during activity: the sorted snapshot is updated, not rebuilt); and the
 * first page of a new query (the one that builds the snapshot).
 *
 *   npx tsx --conditions=@cdms-sync/source test/bench/emulator/emulator-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { type CdmsEmulator, startCdmsEmulator } from '../../../packages/cdms-client/src/emulator/index';
import { formatTable } from '../support/format-table';
import { elapsedMs, median } from '../support/statistics';

/** Options of `runEmulatorBench`. */
export interface EmulatorBenchOptions {
  /** The record counts compared. @default [1000, 100000] */
  sizes?: readonly number[];
  /** Pages walked per shape (each one timed). @default 40 */
  pages?: number;
}

/** One list shape at one size. */
export interface EmulatorBenchResult {
  readonly shape: string;
  readonly rows: number;
  /** Median milliseconds per page. */
  readonly pageMs: number;
}

/** The results and the time `seed` took per size. */
export interface EmulatorBenchReport {
  readonly results: EmulatorBenchResult[];
  readonly seedMs: Record<number, number>;
}

interface Page {
  d: { results: { AccountId: string }[]; __next?: string };
}

async function getPage(url: string): Promise<Page> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as Page;
}

/** Walks up to `pages` pages from `url`, timing each; `between` runs before each next page. */
async function walk(url: string, pages: number, between?: () => void): Promise<number[]> {
  const times: number[] = [];
  let next: string | undefined = url;
  while (next !== undefined && times.length < pages) {
    between?.();
    const started = process.hrtime.bigint();
    const page = await getPage(next);
    times.push(elapsedMs(started));
    next = page.d.__next;
  }
  return times;
}

async function measure(emulator: CdmsEmulator, size: number, pages: number): Promise<EmulatorBenchResult[]> {
  const base = `${emulator.serviceUrl}/AccountSet?$select=AccountId,Name,ModifiedOn`;
  const ids = emulator.records('Account').map((record) => record.AccountId as string);
  const createdOn = emulator.records('Account').map((record) => (record.CreatedOn as Date).getTime());
  createdOn.sort((a, b) => a - b);
  const from = new Date(createdOn[Math.floor(size / 4)]!).toISOString().slice(0, 19);
  const to = new Date(createdOn[Math.floor(size / 2)]!).toISOString().slice(0, 19);
  const range = `$filter=CreatedOn ge datetime'${from}' and CreatedOn lt datetime'${to}'&$orderby=CreatedOn`;
  // Warm the snapshots (the first page of a query builds it: measured separately below).
  await getPage(base);
  await getPage(`${base}&${range}`);
  await getPage(`${base}&$orderby=ModifiedOn`);
  let edits = 0;
  const edit = () => {
    emulator.editAsCdmsUser('Account', ids[(edits * 7919) % ids.length]!, { Description: `edit ${edits}` });
    edits += 1;
  };
  const firstPages: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const started = process.hrtime.bigint();
    await getPage(`${base}&$filter=Name ne 'no such name ${index}'&$orderby=Name desc`);
    firstPages.push(elapsedMs(started));
  }
  return [
    { shape: '__next walk (key order)', rows: size, pageMs: median(await walk(base, pages)) },
    {
      shape: 'CreatedOn range, $orderby=CreatedOn',
      rows: size,
      pageMs: median(await walk(`${base}&${range}`, pages)),
    },
    {
      shape: '$orderby=ModifiedOn, 1 CDMS edit between pages',
      rows: size,
      pageMs: median(await walk(`${base}&$orderby=ModifiedOn`, pages, edit)),
    },
    { shape: 'first page of a new $filter + $orderby', rows: size, pageMs: median(firstPages) },
  ];
}

/** Runs the benchmark; every emulator it starts is closed before it returns. */
export async function runEmulatorBench(options: EmulatorBenchOptions = {}): Promise<EmulatorBenchReport> {
  const results: EmulatorBenchResult[] = [];
  const seedMs: Record<number, number> = {};
  const sizes = options.sizes ?? [1000, 100_000];
  // One unrecorded round on the smallest size first: the JIT must not count against it.
  for (const [index, size] of [sizes[0] ?? 1000, ...sizes].entries()) {
    const emulator = await startCdmsEmulator();
    try {
      const started = process.hrtime.bigint();
      emulator.seed('Account', size);
      const seeded = elapsedMs(started);
      const measured = await measure(emulator, size, options.pages ?? 40);
      if (index === 0) continue;
      seedMs[size] = seeded;
      results.push(...measured);
    } finally {
      await emulator.close();
    }
  }
  return { results, seedMs };
}

/** The table: one row per shape, one column per size, and the ratio largest / smallest. */
export function formatEmulatorBench(report: EmulatorBenchReport): string {
  const sizes = [...new Set(report.results.map((result) => result.rows))];
  const shapes = [...new Set(report.results.map((result) => result.shape))];
  const cell = (shape: string, size: number) =>
    report.results.find((result) => result.shape === shape && result.rows === size)?.pageMs ?? Number.NaN;
  const header = ['list shape (ms per 50-row page)', ...sizes.map((size) => `${size} rows`), 'ratio'];
  const rows = shapes.map((shape) => {
    const times = sizes.map((size) => cell(shape, size));
    const ratio = (times[times.length - 1] ?? Number.NaN) / (times[0] ?? Number.NaN);
    return [shape, ...times.map((ms) => ms.toFixed(2)), `${ratio.toFixed(2)}x`];
  });
  rows.push([
    'seed (whole set, ms)',
    ...sizes.map((size) => (report.seedMs[size] ?? Number.NaN).toFixed(0)),
    '',
  ]);
  return formatTable(header, rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runEmulatorBench();
  process.stdout.write(`${formatEmulatorBench(report)}\n`);
}
