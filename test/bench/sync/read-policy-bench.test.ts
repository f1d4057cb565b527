/**
 * Guards the request counts the read-policy benchmark publishes (not its timings): a small run
 * (500 accounts, no latency, one iteration).
 */
import { describe, expect, it } from 'vitest';
import { formatReadPolicyBench, runReadPolicyBench } from './read-policy-bench';

describe('read-policy bench', () => {
  it("'delta' reads make one request per model; 'always' one per page", async () => {
    const report = await runReadPolicyBench({ accounts: 500, latencyMs: 0, iterations: 1 });
    const counts = Object.fromEntries(
      report.results.map((result) => [result.operation, [result.alwaysRequests, result.deltaRequests]]),
    );
    expect(counts).toEqual({
      'count()': [10, 1],
      'filter(name__icontains) matching 100': [2, 1],
      'relation filter (contacts of organisations matching a name)': [expect.any(Number), 2],
      '200 concurrent get() of one record': [1, 1],
    });
    expect(counts['relation filter (contacts of organisations matching a name)']?.[0]).toBeGreaterThan(2);
    expect(formatReadPolicyBench(report)).toContain("'always' requests | 'delta' requests");
  });
});
