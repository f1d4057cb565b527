import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { startCdmsEmulator } from '../emulator/start-cdms-emulator';
import type { CdmsEmulator } from '../emulator/types';
import { isCdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  blockRealNetwork,
  crm,
  odataError,
  rawAccount,
  testClient,
} from './__fixtures__/cdms-test-kit';
import { CdmsClient } from './cdms-client';
import { type CdmsThrottleEvent, RequestBudget } from './request-budget';

blockRealNetwork();

/** Replies to `times` GETs of the account after `delayMs`, noting how many were in flight at once. */
function slowAccount(times: number, delayMs: number) {
  const seen = { inFlight: 0, max: 0, starts: [] as number[] };
  crm()
    .get(ACCOUNT_PATH)
    .times(times)
    .reply(async () => {
      seen.inFlight += 1;
      seen.max = Math.max(seen.max, seen.inFlight);
      seen.starts.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      seen.inFlight -= 1;
      return [200, { d: rawAccount(ACCOUNT_ID, 'Acme') }];
    });
  return seen;
}

describe('CdmsClient request budget', () => {
  it('never has more than maxConcurrent requests in flight, and counts the wait', async () => {
    const { client, events } = testClient({ budget: { maxConcurrent: 3 } });
    const seen = slowAccount(10, 40);
    const calls = Array.from({ length: 10 }, () => client.get('Account', ACCOUNT_ID));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.stats().budget).toMatchObject({ inFlight: 3, queued: 7 });
    await Promise.all(calls);
    expect(seen.max).toBe(3);
    const budget = client.stats().budget;
    expect(budget).toMatchObject({ inFlight: 0, queued: 0, maxInFlight: 3, concurrency: 3, throttled: 0 });
    // Seven requests waited 40, 80 or 120 ms for a slot.
    expect(budget.waitedMs).toBeGreaterThanOrEqual(300);
    expect(Math.max(...events.map((event) => event.queuedMs ?? 0))).toBeGreaterThanOrEqual(100);
  });

  it('shares maxConcurrent between requests that start at once and queued ones, and hands freed slots to the queue', async () => {
    const budget = new RequestBudget({ maxConcurrent: 3 });
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const request = () =>
      budget.run(async (waitedMs) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
        return waitedMs;
      });
    // An idle budget starts the first requests at once (no queue); the last slot stays the queue's.
    const first = [request(), request()];
    await Promise.resolve();
    expect(budget.stats()).toMatchObject({ inFlight: 2, queued: 0 });
    const queued = Array.from({ length: 4 }, request);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(budget.stats()).toMatchObject({ inFlight: 3, queued: 3 });
    // Ending a request that started at once lets a queued one start.
    releases.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(budget.stats()).toMatchObject({ inFlight: 3, queued: 2 });
    while (inFlight > 0 || budget.stats().queued > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const waited = await Promise.all([...first, ...queued]);
    expect(most).toBe(3);
    expect(waited.slice(0, 2)).toEqual([0, 0]);
    expect(budget.stats()).toMatchObject({ inFlight: 0, queued: 0, maxInFlight: 3, concurrency: 3 });
  });

  it('after a 429 halves the concurrency below the requests that started at once, holds queued requests until fewer are in flight', async () => {
    const budget = new RequestBudget({ maxConcurrent: 8, throttlePauseMs: 20 });
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const held = Array.from({ length: 7 }, () =>
      budget.run(async () => {
        inFlight += 1;
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(budget.stats()).toMatchObject({ inFlight: 7, queued: 0 });
    budget.settle(429, undefined); // 8 -> 4
    const later = Array.from({ length: 6 }, () =>
      budget.run(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
      }),
    );
    // Well after the 20 ms pause: none of the later requests started beside the 7 still in flight.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(budget.stats()).toMatchObject({ concurrency: 4, inFlight: 7, queued: 6 });
    // Four end: three remain, so one slot of the four is free.
    for (const release of releases.splice(0, 4)) release();
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(budget.stats()).toMatchObject({ inFlight: 4, queued: 5 });
    for (const release of releases.splice(0)) release();
    await Promise.all([...held, ...later]);
    expect(most).toBeLessThanOrEqual(4);
    expect(budget.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('starts at most requestsPerSecond requests in any second, spread evenly', async () => {
    const budget = new RequestBudget({ requestsPerSecond: 20 });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        budget.run(async () => {
          starts.push(performance.now());
        }),
      ),
    );
    // 20 per second = one start every 50 ms (timers may fire a millisecond early).
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(48);
  });

  it('sends every request of the client through the rate limit', async () => {
    const { client } = testClient({ budget: { requestsPerSecond: 20 } });
    const seen = slowAccount(6, 0);
    const started = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => client.get('Account', ACCOUNT_ID)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(5 * 48);
    expect(seen.starts).toHaveLength(6);
  });

  it('holds every request of the client for the Retry-After of a 429 and halves the concurrency', async () => {
    const throttles: CdmsThrottleEvent[] = [];
    const { client } = testClient({ budget: { maxConcurrent: 4 } });
    const throttled = new Promise((resolve) => client.on('throttle', resolve));
    client.on('throttle', (event) => throttles.push(event));
    crm().get(ACCOUNT_PATH).reply(429, odataError('Too many requests'), { 'Retry-After': '1' });
    const seen = slowAccount(5, 30);
    const started = performance.now();
    const first = client.get('Account', ACCOUNT_ID);
    await throttled;
    // Sent while the budget is held: none of these may reach CDMS before the second is over.
    const others = Array.from({ length: 4 }, () => client.get('Account', ACCOUNT_ID));
    await Promise.all([first, ...others]);
    expect(Math.min(...seen.starts) - started).toBeGreaterThanOrEqual(990);
    expect(throttles).toEqual([{ status: 429, retryAfterMs: 1000, pauseMs: 1000, concurrency: 2 }]);
    // After the pause, half the concurrency: two requests, and the third only once one finished.
    const starts = [...seen.starts].sort((a, b) => a - b);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(25);
    expect(client.stats().budget).toMatchObject({ throttled: 1, pausedMs: 1000 });
  });

  it('slows down on 503 without Retry-After (throttlePauseMs) and grows back after successes', async () => {
    const { client } = testClient({ budget: { maxConcurrent: 4, throttlePauseMs: 50 } });
    crm().get(ACCOUNT_PATH).reply(503, odataError('Server Busy'));
    slowAccount(9, 5);
    await client.get('Account', ACCOUNT_ID);
    expect(client.stats().budget.concurrency).toBe(2);
    // The retry and one more success grow it to 3, three more to 4; then it stays at maxConcurrent.
    for (let index = 0; index < 8; index += 1) await client.get('Account', ACCOUNT_ID);
    expect(client.stats().budget.concurrency).toBe(4);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a bad budget when the client is made, before any request', () => {
    for (const budget of [
      { maxConcurrent: 0 },
      { maxConcurrent: 2.5 },
      { requestsPerSecond: -1 },
      { requestsPerSecond: Number.POSITIVE_INFINITY },
      { throttlePauseMs: Number.NaN },
    ]) {
      let error: unknown;
      try {
        new CdmsClient({ baseUrl: 'https://crm.example.org/ORG', budget });
      } catch (caught) {
        error = caught;
      }
      expect(isCdmsInvalidArgumentError(error)).toBe(true);
    }
    expect(
      new CdmsClient({
        baseUrl: 'https://crm.example.org/ORG',
        budget: { maxConcurrent: Number.POSITIVE_INFINITY },
      }).stats().budget.concurrency,
    ).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('CdmsClient request budget against the emulator over HTTP', () => {
  let emulator: CdmsEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    nock.disableNetConnect();
  });

  it('puts paging and application requests through one budget and backs off on 503 Retry-After', async () => {
    nock.enableNetConnect('127.0.0.1');
    emulator = await startCdmsEmulator({ latencyMs: 20, pageSize: 10 });
    const ids = emulator.seed('Account', 60);
    emulator.addFault({ operation: 'list', times: 1 }, { type: 'status', status: 503, retryAfter: 1 });
    const client = new CdmsClient({ baseUrl: emulator.url, budget: { maxConcurrent: 2 } });
    const started = performance.now();
    const [all] = await Promise.all([
      client.listAllToArray('Account'),
      ...ids.slice(0, 6).map((id) => client.get('Account', id)),
    ]);
    expect(all).toHaveLength(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    const budget = client.stats().budget;
    expect(budget.maxInFlight).toBeLessThanOrEqual(2);
    expect(budget.throttled).toBe(1);
    // Nothing reached the emulator during the second it asked for.
    const log = emulator.requests;
    const throttledAt = log.find((entry) => entry.status === 503)!.receivedAt.getTime();
    const during = log.filter(
      (entry) =>
        entry.receivedAt.getTime() > throttledAt + 50 && entry.receivedAt.getTime() < throttledAt + 950,
    );
    expect(during).toEqual([]);
  });
});
