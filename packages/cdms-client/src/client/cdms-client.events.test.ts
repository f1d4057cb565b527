import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCdmsServerError } from '../errors/cdms-server-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  blockRealNetwork,
  crm,
  type RecordedRequest,
  rawAccount,
  recordAndReply,
  rejectionOf,
  SERVICE_PATH,
  testClient,
} from './__fixtures__/cdms-test-kit';

blockRealNetwork();

const METADATA_XML = readFileSync(new URL('../odata/__fixtures__/metadata.xml', import.meta.url), 'utf8');

describe('CdmsClient observability', () => {
  it('emits one event per attempt and unsubscribes', async () => {
    const { client, events } = testClient();
    const mine: unknown[] = [];
    const off = client.on('request', (event) => mine.push(event));
    crm()
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Acme') })
      .delete(ACCOUNT_PATH)
      .reply(204);

    await client.get('Account', ACCOUNT_ID);
    off();
    await client.delete('Account', ACCOUNT_ID);

    expect(mine).toHaveLength(1);
    expect(events).toEqual([
      {
        method: 'GET',
        url: `https://crm.example.org${ACCOUNT_PATH}`,
        operation: 'get',
        service: 'Account',
        status: 200,
        durationMs: expect.any(Number),
        queuedMs: expect.any(Number),
        attempt: 1,
      },
      {
        method: 'DELETE',
        url: `https://crm.example.org${ACCOUNT_PATH}`,
        operation: 'delete',
        service: 'Account',
        status: 204,
        durationMs: expect.any(Number),
        queuedMs: expect.any(Number),
        attempt: 1,
      },
    ]);
  });

  it('a throwing listener does not break the request', async () => {
    const { client, logger } = testClient();
    client.on('request', () => {
      throw new Error('listener bug');
    });
    crm().delete(ACCOUNT_PATH).reply(204);
    await expect(client.delete('Account', ACCOUNT_ID)).resolves.toBeUndefined();
    expect(logger.lines.some((line) => line.startsWith('warn CDMS request listener threw'))).toBe(true);
  });

  it('counts requests by operation and method, retries and failures; resetStats zeroes them', async () => {
    const { client } = testClient();
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(503)
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(200, { d: { results: [] } })
      .post(`${SERVICE_PATH}/AccountSet`)
      .reply(201, { d: rawAccount(ACCOUNT_ID, 'Acme') })
      .post(ACCOUNT_PATH)
      .reply(204)
      .delete(ACCOUNT_PATH)
      .reply(204);

    await client.list('Account');
    await client.create('Account', { Name: 'Acme' });
    await client.update('Account', ACCOUNT_ID, { Name: 'B' });
    await client.delete('Account', ACCOUNT_ID);

    expect(client.stats()).toEqual({
      total: 5,
      byOperation: { list: 2, get: 0, create: 1, update: 1, delete: 1, metadata: 0 },
      byMethod: { GET: 2, POST: 1, MERGE: 1, PUT: 0, DELETE: 1 },
      retries: 1,
      authReplays: 0,
      failures: 1,
      // The 503 halved the concurrency (8 -> 4); four successes grew it back by one.
      budget: {
        queued: 0,
        inFlight: 0,
        maxInFlight: 1,
        concurrency: 5,
        waitedMs: expect.any(Number),
        throttled: 1,
        pausedMs: expect.any(Number),
      },
    });
    const snapshot = client.stats();
    client.resetStats();
    expect(client.stats().total).toBe(0);
    expect(client.stats().budget).toMatchObject({ throttled: 0, waitedMs: 0, pausedMs: 0, concurrency: 5 });
    expect(snapshot.total).toBe(5);
  });

  it('keeps the stats of two clients apart', async () => {
    const first = testClient();
    const second = testClient();
    crm().delete(ACCOUNT_PATH).reply(204);
    await first.client.delete('Account', ACCOUNT_ID);
    expect(first.client.stats().total).toBe(1);
    expect(second.client.stats().total).toBe(0);
  });

  it('logs each attempt at debug level', async () => {
    const { client, logger } = testClient();
    crm().delete(ACCOUNT_PATH).reply(204);
    await client.delete('Account', ACCOUNT_ID);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^debug CDMS DELETE https:\/\/crm\.example\.org\/.* -> 204 /),
    ]);
  });
});

describe('CdmsClient metadata', () => {
  it('GETs $metadata with Accept: application/xml once, parses and caches it', async () => {
    const recorded: RecordedRequest[] = [];
    const { client } = testClient();
    crm()
      .get(() => true)
      .reply(recordAndReply(recorded, 200, METADATA_XML, { 'Content-Type': 'application/xml' }));

    const [first, second] = await Promise.all([client.metadata(), client.metadata()]);
    const third = await client.metadata();

    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.path).toBe(`${SERVICE_PATH}/$metadata`);
    expect(recorded[0]?.headers).toMatchObject({
      accept: 'application/xml',
      dataserviceversion: '2.0',
      maxdataserviceversion: '2.0',
    });
    expect(first).toBe(second);
    expect(third).toBe(first);
    expect(Object.keys(first.entitySets).length).toBeGreaterThan(0);
    expect(client.stats().byOperation.metadata).toBe(1);
  });

  it('does not cache a failure', async () => {
    const { client } = testClient({ retries: false });
    crm()
      .get(`${SERVICE_PATH}/$metadata`)
      .reply(500)
      .get(`${SERVICE_PATH}/$metadata`)
      .reply(200, METADATA_XML);
    expect(isCdmsServerError(await rejectionOf(client.metadata()))).toBe(true);
    await expect(client.metadata()).resolves.toMatchObject({ entitySets: expect.any(Object) });
  });
});
