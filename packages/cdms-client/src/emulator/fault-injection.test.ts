import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './__fixtures__/emulator-test-kit';
import type { CdmsEmulator } from './types';

const start = emulatorPerTest();

const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };
const create = (e: CdmsEmulator, name: string) =>
  fetch(`${e.serviceUrl}/AccountSet`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ Name: name }),
  });
const listAccounts = (e: CdmsEmulator, init: RequestInit = {}) =>
  fetch(`${e.serviceUrl}/AccountSet`, { headers: JSON_HEADERS, ...init });

describe('faults', () => {
  it('delays requests by a fixed latency', async () => {
    const e = await start();
    e.addFault({ operation: 'list' }, { type: 'latency', ms: 150 });
    const started = performance.now();
    expect((await listAccounts(e)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(e.requests[0]).toMatchObject({ status: 200, faults: ['latency'] });
  });

  it('applies options.latencyMs to every request', async () => {
    const e = await start({ latencyMs: 80 });
    const started = performance.now();
    await listAccounts(e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('answers an injected 503 with Retry-After and the OData error body, `times` then normal', async () => {
    const e = await start();
    e.addFault({ path: 'AccountSet', times: 2 }, { type: 'status', status: 503, retryAfter: 2 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await listAccounts(e);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(await response.json()).toEqual({
        error: { code: '', message: { lang: 'en-US', value: 'The server is busy. Please try again later.' } },
      });
    }
    expect((await listAccounts(e)).status).toBe(200);
    expect(e.requests.map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('injects a 500 with a custom message only on matching requests', async () => {
    const e = await start();
    e.addFault(
      { method: 'POST', operation: 'create' },
      { type: 'status', status: 500, message: 'Generic SQL error.' },
    );
    expect((await listAccounts(e)).status).toBe(200);
    const failed = await create(e, 'Acme');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { message: { value: 'Generic SQL error.' } } });
    expect(e.records('Account')).toEqual([]);
    e.clearFaults();
    expect((await create(e, 'Acme')).status).toBe(201);
  });

  it('resets the connection', async () => {
    const e = await start();
    e.addFault({ path: /AccountSet$/, times: 1 }, { type: 'reset' });
    await expect(listAccounts(e)).rejects.toThrow();
    expect(e.requests[0]).toMatchObject({ status: undefined, faults: ['reset'] });
    expect((await listAccounts(e)).status).toBe(200);
  });

  it('never answers a timed-out request, and close() still returns promptly', async () => {
    const e = await start();
    e.addFault({ operation: 'get' }, { type: 'timeout' });
    const [acme] = e.seed('Account', [{ Name: 'Acme' }]);
    await expect(
      fetch(`${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    const pending = fetch(`${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')`).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await e.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    expect(e.requestCount({ operation: 'get' })).toBe(2);
  });

  it('applies the write, then fails with a status', async () => {
    const e = await start({
      faults: [{ match: { operation: 'create', times: 1 }, fault: { type: 'applyThenFail', status: 503 } }],
    });
    const response = await create(e, 'Acme');
    expect(response.status).toBe(503);
    expect(e.records('Account').map((row) => row.Name)).toEqual(['Acme']);
    expect(e.requests[0]).toMatchObject({ status: 503, faults: ['applyThenFail'] });
  });

  it('applies the write, then resets the connection', async () => {
    const e = await start();
    const [acme] = e.seed('Account', [{ Name: 'Acme' }]);
    e.addFault({ operation: 'update', service: 'Account' }, { type: 'applyThenFail', reset: true });
    await expect(
      fetch(`${e.serviceUrl}/AccountSet(guid'${acme!.AccountId}')`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'X-HTTP-Method': 'MERGE' },
        body: JSON.stringify({ Name: 'Acme Ltd' }),
      }),
    ).rejects.toThrow();
    expect(e.records('Account')[0]).toMatchObject({ Name: 'Acme Ltd', VersionNumber: 2 });
    expect(e.requests[0]).toMatchObject({
      method: 'POST',
      methodOverride: 'MERGE',
      operation: 'update',
      status: undefined,
    });
  });

  it('rejects an invalid fault', async () => {
    const e = await start();
    expect(() => e.addFault({}, { type: 'status', status: 42 })).toThrow(/status/);
    expect(() => e.addFault({ times: 0 }, { type: 'reset' })).toThrow(/times/);
  });
});
