import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isCdmsBadRequestError } from '../errors/cdms-bad-request-error';
import { isCdmsError } from '../errors/cdms-error';
import { isCdmsForbiddenError } from '../errors/cdms-forbidden-error';
import { isCdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { isCdmsNetworkError } from '../errors/cdms-network-error';
import { isCdmsNotFoundError } from '../errors/cdms-not-found-error';
import { isCdmsServerError } from '../errors/cdms-server-error';
import { isCdmsTimeoutError } from '../errors/cdms-timeout-error';
import { isCdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import { isCdmsUnexpectedResponseError } from '../errors/cdms-unexpected-response-error';
import {
  ACCOUNT_ID,
  ACCOUNT_PATH,
  blockRealNetwork,
  crm,
  odataError,
  odataXmlError,
  rejectionOf,
  SERVICE_PATH,
  SERVICE_ROOT,
  testClient,
} from './__fixtures__/cdms-test-kit';

blockRealNetwork();

const ACCOUNT_URL = `${SERVICE_ROOT}/AccountSet(guid'${ACCOUNT_ID}')`;

describe('CdmsClient error mapping', () => {
  it('404 with a JSON body -> CdmsNotFoundError naming the request', async () => {
    crm()
      .get(ACCOUNT_PATH)
      .reply(404, odataError(`Account With Id = ${ACCOUNT_ID} Does Not Exist`));
    const { client } = testClient();
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsNotFoundError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'CdmsNotFoundError',
      code: 'CDMS_NOT_FOUND',
      status: 404,
      method: 'GET',
      url: ACCOUNT_URL,
      odataMessage: `Account With Id = ${ACCOUNT_ID} Does Not Exist`,
      message: `GET ${ACCOUNT_URL} failed with 404: Account With Id = ${ACCOUNT_ID} Does Not Exist`,
    });
  });

  it('400 with an XML body -> CdmsBadRequestError with the XML message', async () => {
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .query(true)
      .reply(400, odataXmlError("No property 'Nme' exists in type 'Account'"), {
        'Content-Type': 'application/xml',
      });
    const { client } = testClient();
    const error = await rejectionOf(client.list('Account', { filter: "Nme eq 'x'" }));
    expect(isCdmsBadRequestError(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, odataMessage: "No property 'Nme' exists in type 'Account'" });
    expect((error as Error).message).toMatch(
      /^GET .*AccountSet\?\$filter=.* failed with 400: No property 'Nme'/,
    );
  });

  it.each([
    [401, isCdmsUnauthorizedError, 'CDMS_UNAUTHORIZED'],
    [403, isCdmsForbiddenError, 'CDMS_FORBIDDEN'],
    [500, isCdmsServerError, 'CDMS_SERVER_ERROR'],
    [418, isCdmsUnexpectedResponseError, 'CDMS_UNEXPECTED_RESPONSE'],
    [302, isCdmsUnexpectedResponseError, 'CDMS_UNEXPECTED_RESPONSE'],
  ])('%i -> the matching class', async (status, guard, code) => {
    crm().delete(ACCOUNT_PATH).reply(status, 'plain text problem', { Location: 'https://sts.example.org/' });
    const { client } = testClient({ retries: false });
    const error = await rejectionOf(client.delete('Account', ACCOUNT_ID));
    expect(guard(error)).toBe(true);
    expect(error).toMatchObject({ code, status, method: 'DELETE', odataMessage: 'plain text problem' });
  });

  it('a status the operation does not expect (200 for a create) -> CdmsUnexpectedResponseError', async () => {
    crm().post(`${SERVICE_PATH}/AccountSet`).reply(200, { d: {} });
    const { client } = testClient();
    const error = await rejectionOf(client.create('Account', { Name: 'x' }));
    expect(isCdmsUnexpectedResponseError(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, method: 'POST' });
  });

  it('a body that is not JSON, or JSON of the wrong shape -> CdmsUnexpectedResponseError', async () => {
    crm().get(ACCOUNT_PATH).reply(200, '<html>login</html>');
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(200, { d: { rows: [] } });
    const { client } = testClient();
    const notJson = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsUnexpectedResponseError(notJson)).toBe(true);
    expect((notJson as Error).message).toBe(`GET ${ACCOUNT_URL} returned 200 with a body that is not JSON`);
    expect(isCdmsUnexpectedResponseError(await rejectionOf(client.list('Account')))).toBe(true);
  });

  it('a timeout -> CdmsTimeoutError', async () => {
    crm().get(ACCOUNT_PATH).delay(200).reply(200, {});
    const { client } = testClient({ timeoutMs: 20, retries: false });
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsTimeoutError(error)).toBe(true);
    expect((error as Error).message).toBe(`GET ${ACCOUNT_URL} timed out after 20 ms`);
  });

  it('a connection reset -> CdmsNetworkError with the system code on the cause', async () => {
    // nock 14 needs an Error instance here: a plain object makes the request hang until the timeout.
    crm()
      .get(ACCOUNT_PATH)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const { client } = testClient({ retries: false });
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsNetworkError(error)).toBe(true);
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNRESET');
    expect((error as Error).message).toBe(
      `GET ${ACCOUNT_URL} failed without a response (ECONNRESET: socket hang up)`,
    );
  });

  it('drops adapter messages that are not system messages (they may describe the request headers)', async () => {
    crm()
      .get(ACCOUNT_PATH)
      .replyWithError(
        Object.assign(new Error('failed: {"headers":{"cookie":"secret"}}'), { code: 'ECONNREFUSED' }),
      );
    const { client } = testClient();
    const error = await rejectionOf(client.get('Account', ACCOUNT_ID));
    expect(isCdmsNetworkError(error)).toBe(true);
    expect((error as Error).message).toBe(`GET ${ACCOUNT_URL} failed without a response (ECONNREFUSED)`);
    expect(JSON.stringify(error)).not.toContain('secret');
    expect(((error as Error).cause as Error).message).toBe('ECONNREFUSED');
  });

  describe('bad input fails before any request', () => {
    it.each([
      [
        'get with a malformed GUID',
        (client: ReturnType<typeof testClient>['client']) => client.get('Account', 'not-a-guid'),
      ],
      [
        'get with an injected key',
        (client: ReturnType<typeof testClient>['client']) => client.get('Account', `${ACCOUNT_ID}')`),
      ],
      [
        'update with a malformed GUID',
        (client: ReturnType<typeof testClient>['client']) => client.update('Account', '{x}', {}),
      ],
      [
        'delete with a malformed GUID',
        (client: ReturnType<typeof testClient>['client']) => client.delete('Account', ''),
      ],
      [
        'create with a malformed key',
        (client: ReturnType<typeof testClient>['client']) => client.create('Account', { AccountId: 'abc' }),
      ],
      [
        'an entity name with a slash',
        (client: ReturnType<typeof testClient>['client']) => client.list('Account/../x'),
      ],
      [
        'a negative top',
        (client: ReturnType<typeof testClient>['client']) => client.list('Account', { top: -1 }),
      ],
      [
        'a bad $select name',
        (client: ReturnType<typeof testClient>['client']) =>
          client.get('Account', ACCOUNT_ID, { select: ['Name,x'] }),
      ],
    ])('%s', async (_, call) => {
      // A catch-all interceptor: had anything been sent, it would be consumed.
      crm()
        .intercept(() => true, 'GET')
        .reply(200, {})
        .intercept(() => true, 'POST')
        .reply(201, {})
        .intercept(() => true, 'DELETE')
        .reply(204);
      const { client, events } = testClient();
      const error = await rejectionOf(call(client));
      expect(isCdmsInvalidArgumentError(error)).toBe(true);
      expect(isCdmsError(error)).toBe(true);
      expect(nock.pendingMocks()).toHaveLength(3);
      expect(events).toEqual([]);
    });
  });
});
