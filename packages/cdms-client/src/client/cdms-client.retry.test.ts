import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isCdmsBadRequestError } from '../errors/cdms-bad-request-error';
import { isCdmsNetworkError } from '../errors/cdms-network-error';
import { isCdmsNotFoundError } from '../errors/cdms-not-found-error';
import { isCdmsServerError } from '../errors/cdms-server-error';
import { isCdmsTimeoutError } from '../errors/cdms-timeout-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  blockRealNetwork,
  crm,
  odataError,
  type RecordedRequest,
  rawAccount,
  recordAndReply,
  rejectionOf,
  SERVICE_PATH,
  testClient,
} from './__fixtures__/cdms-test-kit';

blockRealNetwork();

const resetError = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('CdmsClient retries', () => {
  it('retries a GET on 503 after the Retry-After seconds (the budget holds it even past maxTimeoutMs)', async () => {
    const { client, events, logger } = testClient({
      retries: { limit: 3, minTimeoutMs: 1, maxTimeoutMs: 150 },
    });
    crm()
      .get(ACCOUNT_PATH)
      .reply(503, odataError('Server Busy'), { 'Retry-After': '1' })
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Acme') });

    const started = performance.now();
    const account = await client.get('Account', ACCOUNT_ID);
    const elapsed = performance.now() - started;

    expect(account.Name).toBe('Acme');
    // The retry policy waits its cap (150 ms), then the request budget holds the retry until the
    // second CDMS asked for has passed.
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(events.map((event) => [event.attempt, event.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringContaining('"retryAfterMs":1000'),
      expect.stringContaining('"delayMs":150'),
    ]);
    expect(client.stats()).toMatchObject({ total: 2, retries: 1, failures: 1 });
  });

  it('retries on 500 with backoff and gives up after limit retries with CdmsServerError', async () => {
    const { client, events } = testClient({ retries: { limit: 2, minTimeoutMs: 1, maxTimeoutMs: 5 } });
    crm().get(`${SERVICE_PATH}/AccountSet`).times(3).reply(500, odataError('Generic SQL error.'));
    const error = await rejectionOf(client.list('Account'));
    expect(isCdmsServerError(error)).toBe(true);
    expect(error).toMatchObject({ status: 500, odataMessage: 'Generic SQL error.' });
    expect(events.map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(nock.isDone()).toBe(true);
  });

  it('treats 408 Request Timeout as a timeout: retried, then CdmsTimeoutError', async () => {
    const { client, events } = testClient({ retries: { limit: 1, minTimeoutMs: 1, maxTimeoutMs: 5 } });
    crm().get(ACCOUNT_PATH).times(2).reply(408, odataError('Request timed out.'));
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ status: 408, odataMessage: 'Request timed out.' });
    expect(events.map((event) => [event.attempt, event.status])).toEqual([
      [1, 408],
      [2, 408],
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('retries a timed-out GET', async () => {
    const { client, events } = testClient({ timeoutMs: 30 });
    crm()
      .get(ACCOUNT_PATH)
      .delay(300)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'late') })
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Acme') });
    expect((await client.get('Account', ACCOUNT_ID)).Name).toBe('Acme');
    expect(events.map((event) => [event.attempt, event.status, event.errorCode])).toEqual([
      [1, undefined, 'CDMS_TIMEOUT'],
      [2, 200, undefined],
    ]);
  });

  it('gives up on repeated timeouts with CdmsTimeoutError', async () => {
    const { client } = testClient({ timeoutMs: 20, retries: { limit: 1, minTimeoutMs: 1 } });
    crm().get(ACCOUNT_PATH).times(2).delay(200).reply(200, {});
    expect(isCdmsTimeoutError(await rejectionOf(client.get('Account', ACCOUNT_ID)))).toBe(true);
  });

  it('retries a MERGE after ECONNRESET', async () => {
    const recorded: RecordedRequest[] = [];
    const { client, events } = testClient();
    crm()
      .post(ACCOUNT_PATH)
      .replyWithError(resetError())
      .post(ACCOUNT_PATH)
      .reply(recordAndReply(recorded, 204));
    await client.update('Account', ACCOUNT_ID, { Name: 'x' });
    expect(recorded[0]?.headers['x-http-method']).toBe('MERGE');
    expect(events.map((event) => [event.method, event.errorCode ?? event.status])).toEqual([
      ['MERGE', 'ECONNRESET'],
      ['MERGE', 204],
    ]);
  });

  it('does not retry ECONNREFUSED (nothing listens there)', async () => {
    const { client } = testClient();
    crm()
      .get(ACCOUNT_PATH)
      .times(2)
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
      );
    expect(isCdmsNetworkError(await rejectionOf(client.get('Account', ACCOUNT_ID)))).toBe(true);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it.each([400, 404])('never retries %i', async (status) => {
    const { client, events } = testClient();
    crm().get(ACCOUNT_PATH).times(2).reply(status, odataError('no'));
    await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(events).toHaveLength(1);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('retries: false sends one attempt', async () => {
    const { client } = testClient({ retries: false });
    crm().get(ACCOUNT_PATH).times(2).reply(503);
    expect(isCdmsServerError(await rejectionOf(client.get('Account', ACCOUNT_ID)))).toBe(true);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('never retries a create without its own key', async () => {
    const { client } = testClient();
    crm().post(`${SERVICE_PATH}/AccountSet`).times(2).reply(503);
    expect(isCdmsServerError(await rejectionOf(client.create('Account', { Name: 'Acme' })))).toBe(true);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('retries a create that carries AccountId; a duplicate on the retry reads the record back', async () => {
    const recorded: RecordedRequest[] = [];
    const { client, events } = testClient();
    crm()
      .post(`${SERVICE_PATH}/AccountSet`)
      .replyWithError(resetError())
      .post(`${SERVICE_PATH}/AccountSet`)
      .reply(recordAndReply(recorded, 500, odataError('Cannot insert duplicate key.')))
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Acme') });

    const created = await client.create('Account', { AccountId: ACCOUNT_ID, Name: 'Acme' });

    expect(created).toEqual({ AccountId: ACCOUNT_ID, Name: 'Acme', ModifiedOn: new Date(1663715691000) });
    expect(JSON.parse(recorded[0]?.body ?? '')).toEqual({ AccountId: ACCOUNT_ID, Name: 'Acme' });
    expect(
      events.map((event) => `${event.operation} ${event.method} ${event.errorCode ?? event.status}`),
    ).toEqual(['create POST ECONNRESET', 'create POST CDMS_SERVER_ERROR', 'get GET 200']);
    expect(nock.isDone()).toBe(true);
  });

  it('a duplicate key on the first create attempt is a real error', async () => {
    const { client } = testClient();
    crm()
      .post(`${SERVICE_PATH}/AccountSet`)
      .reply(400, odataError('A record with these values already exists.'))
      .get(ACCOUNT_PATH)
      .reply(200, { d: rawAccount(ACCOUNT_ID, 'Other') });
    const error = await rejectionOf(client.create('Account', { AccountId: ACCOUNT_ID, Name: 'Acme' }));
    expect(isCdmsBadRequestError(error)).toBe(true);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('a retried DELETE that meets 404 succeeds (the first attempt deleted it); a first 404 throws', async () => {
    const { client } = testClient();
    crm()
      .delete(ACCOUNT_PATH)
      .replyWithError(resetError())
      .delete(ACCOUNT_PATH)
      .reply(404, odataError('gone'));
    await expect(client.delete('Account', ACCOUNT_ID)).resolves.toBeUndefined();

    crm().delete(ACCOUNT_PATH).reply(404, odataError('gone'));
    expect(isCdmsNotFoundError(await rejectionOf(client.delete('Account', ACCOUNT_ID)))).toBe(true);
  });
});
