// Shared by the client's nock tests: one fake organisation, a recording reply, a fake auth and
// a logger that keeps every line, so tests can assert the exact request and search for secrets.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { CdmsAuth, CdmsAuthContext, CdmsRejectedSession } from '../../auth/cdms-auth';
import { CdmsClient } from '../cdms-client';
import type { CdmsClientOptions, CdmsLogger, CdmsRequestEvent } from '../types';

export const ORIGIN = 'https://crm.example.org';
export const BASE_URL = `${ORIGIN}/ORG/`;
export const SERVICE_PATH = '/ORG/XRMServices/2011/OrganizationData.svc';
export const SERVICE_ROOT = `${ORIGIN}${SERVICE_PATH}`;
export const ACCOUNT_ID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
export const ACCOUNT_PATH = `${SERVICE_PATH}/AccountSet(guid'${ACCOUNT_ID}')`;

/** Values a fake auth hands out; none may ever show up in an error, log line or event. */
export const SECRET_COOKIE = 'MSISAuth=secret-cookie-value';
export const SECRET_TOKEN = 'Bearer secret-bearer-token';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A `.reply()` callback that records the request and answers `status` with `body`. */
export function recordAndReply(
  recorded: RecordedRequest[],
  status: number,
  body: unknown = '',
  headers: Record<string, string> = {},
) {
  return function (
    this: { req: { method: string; headers: Record<string, string | string[] | undefined> } },
    uri: string,
    requestBody: unknown,
  ): [number, string, Record<string, string>] {
    recorded.push({
      method: this.req.method,
      path: uri,
      headers: { ...this.req.headers },
      body: typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody ?? ''),
    });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const contentType = typeof body === 'string' ? 'text/plain' : 'application/json;charset=utf-8';
    return [status, text, { 'Content-Type': contentType, ...headers }];
  };
}

/** A CDMS JSON error body. */
export function odataError(message: string): {
  error: { code: string; message: { lang: string; value: string } };
} {
  return { error: { code: '', message: { lang: 'en-US', value: message } } };
}

/** A CDMS XML error body. */
export function odataXmlError(message: string): string {
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code></code><message xml:lang="en-US">${message}</message></error>`;
}

/** A raw account as CDMS sends it. */
export function rawAccount(id: string, name: string, modifiedOnMs = 1663715691000): Record<string, unknown> {
  return {
    __metadata: {
      uri: `${SERVICE_ROOT}/AccountSet(guid'${id}')`,
      type: 'Microsoft.Crm.Sdk.Data.Services.Account',
    },
    AccountId: id,
    Name: name,
    ModifiedOn: `/Date(${modifiedOnMs})/`,
  };
}

/** A fake `CdmsAuth` whose headers carry secrets; each invalidation starts a new "session". */
export function fakeAuth() {
  let session = 1;
  const auth = {
    headers: vi.fn(async (_context: CdmsAuthContext) => ({
      Cookie: `${SECRET_COOKIE}-${session}`,
      Authorization: SECRET_TOKEN,
    })),
    invalidate: vi.fn(async (_rejected?: CdmsRejectedSession) => {
      session += 1;
    }),
  } satisfies CdmsAuth;
  return auth;
}

/** A logger that keeps every call as text. */
export function recordingLogger(): CdmsLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string, details?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
    };
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** A client with fast retries; the events it emits are collected in `events`. */
export function testClient(options: Partial<CdmsClientOptions> = {}) {
  const logger = recordingLogger();
  const client = new CdmsClient({
    baseUrl: BASE_URL,
    timeoutMs: 1000,
    retries: { limit: 3, minTimeoutMs: 1, maxTimeoutMs: 20 },
    logger,
    ...options,
  });
  const events: CdmsRequestEvent[] = [];
  client.on('request', (event) => events.push(event));
  return { client, logger, events };
}

/**
 * Keeps the calling test file off the network: no request may leave the process, and the nock
 * interceptors a test left unused are dropped after it. Call once at the top of the file.
 */
export function blockRealNetwork(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());
}

/** The nock scope of the fake organisation. */
export function crm(): nock.Scope {
  return nock(ORIGIN);
}

/** Awaits a promise that must reject and returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** JSON of an error and its whole cause chain (own properties, enumerable or not, except the stack). */
export function serialiseWithCauses(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return JSON.stringify(error) ?? '';
  const own: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key !== 'stack' && key !== 'cause') own[key] = (error as unknown as Record<string, unknown>)[key];
  }
  return `${JSON.stringify(own)} ${String(error.stack)} ${JSON.stringify(error)} cause: ${serialiseWithCauses(error.cause, depth + 1)}`;
}
