/**
 * Guards the request counts the sync benchmark publishes (not its timings: speed is measured by
 * `pnpm bench`, never asserted): one quick iteration on PGlite, and the library must send exactly
 * the requests of the careful hand-written baseline for every operation.
 */
import { describe, expect, it } from 'vitest';
import { formatSyncBench, runSyncBench } from './sync-bench';

describe('sync bench', () => {
  it('sends as many CDMS requests per operation as the hand-written baseline', async () => {
    const report = await runSyncBench({
      databases: ['pglite'],
      iterations: 1,
      importIterations: 1,
      warmup: 0,
    });
    const counts = Object.fromEntries(
      report.results.map((result) => [result.operation, [result.syncRequests, result.baselineRequests]]),
    );
    const exactly = (count: number) => [
      { min: count, max: count },
      { min: count, max: count },
    ];
    expect(counts).toEqual({
      create: exactly(1),
      'get (in sync)': exactly(1),
      'get (after a CDMS-side edit: refresh)': exactly(1),
      'save (existing)': exactly(2),
      delete: exactly(1),
      'filter (import 120 CDMS-only rows, 3 pages)': exactly(3),
      'filter (again, 120 rows in sync)': exactly(3),
      'count (120 rows in sync)': exactly(3),
      'skipCdms().filter (120 rows)': exactly(0),
    });
    expect(formatSyncBench(report)).toContain('cdms-sync requests | baseline requests');
  });
});
