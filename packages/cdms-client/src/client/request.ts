import type { AxiosInstance } from 'axios';
import type { CdmsAuthAttempt } from '../auth/cdms-auth';
import { type CdmsSessionExpiry, detectSessionExpiry } from '../auth/session-expiry';
import { CdmsBadRequestError } from '../errors/cdms-bad-request-error';
import { CdmsConflictError } from '../errors/cdms-conflict-error';
import type { CdmsError, CdmsErrorOptions } from '../errors/cdms-error';
import { CdmsForbiddenError } from '../errors/cdms-forbidden-error';
import { CdmsNetworkError } from '../errors/cdms-network-error';
import { CdmsNotFoundError } from '../errors/cdms-not-found-error';
import { CdmsServerError } from '../errors/cdms-server-error';
import { CdmsTimeoutError } from '../errors/cdms-timeout-error';
import { CdmsTooManyRequestsError } from '../errors/cdms-too-many-requests-error';
import { CdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import { CdmsUnexpectedResponseError } from '../errors/cdms-unexpected-response-error';
import { extractODataMessage } from '../errors/extract-odata-message';
import { redactUrl } from '../errors/redact';
import { requestFailureMessage } from '../errors/request-failure-message';
import type { CdmsMethod, CdmsOperation } from './request-events';
import { parseRetryAfter } from './retry-policy';

/** @internal One logical request, before headers are added. */
export interface CdmsRequest {
  readonly operation: CdmsOperation;
  readonly service?: string;
  /** `MERGE` travels as `POST` with `X-HTTP-Method: MERGE`. */
  readonly method: CdmsMethod;
  /** Absolute URL. */
  readonly url: string;
  /** The JSON body, already serialised. */
  readonly body?: string;
  readonly accept: 'application/json' | 'application/xml';
  /** Statuses that mean success; any other status is an error. */
  readonly expectedStatuses: readonly number[];
}

/** @internal What a successful attempt returns. */
export interface CdmsResponse {
  readonly status: number;
  readonly body: string;
}

/** Statuses 204 may arrive as through old browser stacks and proxies. */
export const NO_CONTENT_STATUSES: readonly number[] = [204, 1223];

/** The protocol headers of a request; auth headers go first so they cannot override these. */
function protocolHeaders(request: CdmsRequest): Record<string, string> {
  return {
    Accept: request.accept,
    DataServiceVersion: '2.0',
    MaxDataServiceVersion: '2.0',
    ...(request.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    ...(request.method === 'MERGE' ? { 'X-HTTP-Method': 'MERGE' } : {}),
  };
}

/** @internal One HTTP answer, before it is judged. */
export interface RawAnswer {
  readonly status: number;
  /** Lower-case response headers. */
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/**
 * @internal Sends one attempt and maps every failure to a `CdmsError`. Statuses never throw inside
 * axios (`validateStatus`), so no axios error carrying the request headers ever escapes. A
 * connection-based auth (`exchange`) may send the request several times (its handshake). An
 * answer that means "sign in again" (401, a redirect to the sign-in page, a sign-in page instead
 * of JSON) is a `CdmsUnauthorizedError` carrying its shape in `sessionExpiry`.
 */
export async function sendAttempt(
  http: AxiosInstance,
  request: CdmsRequest,
  authHeaders: Record<string, string>,
  timeoutMs: number,
  exchange?: (send: (attempt: CdmsAuthAttempt) => Promise<RawAnswer>) => Promise<RawAnswer>,
): Promise<CdmsResponse> {
  const send = (attempt: CdmsAuthAttempt) =>
    transmit(http, request, { ...authHeaders, ...attempt.headers }, timeoutMs, attempt);
  const { status, headers, body } = exchange === undefined ? await send({}) : await exchange(send);
  const expiry = detectSessionExpiry({
    status,
    location: headerText(headers.location),
    contentType: headerText(headers['content-type']),
    body,
  });
  // A 401 is reported by status below, with CRM's message.
  if (expiry !== undefined && expiry !== 'status-401') throw sessionExpiredFailure(request, status, expiry);
  if (request.expectedStatuses.includes(status)) return { status, body };
  throw statusFailure(request, status, body, parseRetryAfter(headers['retry-after']));
}

/** One HTTP exchange; a network failure becomes a `CdmsError`, every status is an answer. */
async function transmit(
  http: AxiosInstance,
  request: CdmsRequest,
  headers: Record<string, string>,
  timeoutMs: number,
  agents: CdmsAuthAttempt,
): Promise<RawAnswer> {
  try {
    const response = await http.request<string>({
      url: request.url,
      method: request.method === 'MERGE' ? 'POST' : request.method,
      // The auth headers go first so they cannot override the protocol headers.
      headers: { ...headers, ...protocolHeaders(request) },
      data: request.body,
      timeout: timeoutMs,
      responseType: 'text',
      // Keep the raw text: a body that is not JSON is reported, not silently turned into a string.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirect here is a login page or a misconfigured URL: report it, do not follow it with cookies.
      maxRedirects: 0,
      ...(agents.httpAgent === undefined ? {} : { httpAgent: agents.httpAgent }),
      ...(agents.httpsAgent === undefined ? {} : { httpsAgent: agents.httpsAgent }),
    });
    const body =
      typeof response.data === 'string' ? response.data : response.data == null ? '' : String(response.data);
    return { status: response.status, headers: { ...(response.headers ?? {}) }, body };
  } catch (error) {
    throw networkFailure(request, error, timeoutMs);
  }
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

const EXPIRY_DESCRIPTIONS: Readonly<Record<Exclude<CdmsSessionExpiry, 'status-401'>, string>> = {
  'sign-in-redirect': 'redirected to the sign-in page: the session expired',
  'sign-in-page': 'answered with a sign-in page instead of data: the session expired',
};

function sessionExpiredFailure(
  request: CdmsRequest,
  status: number,
  expiry: Exclude<CdmsSessionExpiry, 'status-401'>,
): CdmsUnauthorizedError {
  return new CdmsUnauthorizedError(
    `${request.method} ${redactUrl(request.url)} ${EXPIRY_DESCRIPTIONS[expiry]} (${status})`,
    { status, method: request.method, url: request.url, sessionExpiry: expiry },
  );
}

/** The error for an unexpected status, chosen by status. */
function statusFailure(
  request: Pick<CdmsRequest, 'method' | 'url'>,
  status: number,
  body: string,
  retryAfterMs?: number,
): CdmsError {
  const odataMessage = extractODataMessage(body);
  const options: CdmsErrorOptions = {
    status,
    method: request.method,
    url: request.url,
    ...(odataMessage === undefined ? {} : { odataMessage }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  const message = requestFailureMessage({ method: request.method, url: request.url, status, odataMessage });
  if (status === 400) return new CdmsBadRequestError(message, options);
  if (status === 401) return new CdmsUnauthorizedError(message, { ...options, sessionExpiry: 'status-401' });
  if (status === 403) return new CdmsForbiddenError(message, options);
  if (status === 404) return new CdmsNotFoundError(message, options);
  // The server gave up waiting for the request: as retryable as a client-side timeout.
  if (status === 408) return new CdmsTimeoutError(message, options);
  if (status === 409 || status === 412) return new CdmsConflictError(message, options);
  if (status === 429) return new CdmsTooManyRequestsError(message, options);
  if (status >= 500 && status < 600) return new CdmsServerError(message, options);
  return new CdmsUnexpectedResponseError(message, options);
}

/** Axios codes that mean "no response within `timeout`". */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ECONNABORTED', 'ETIMEDOUT']);

function networkFailure(request: CdmsRequest, error: unknown, timeoutMs: number): CdmsError {
  const code = errorCode(error);
  const where = `${request.method} ${redactUrl(request.url)}`;
  // The cause is rebuilt from the code and message only: an AxiosError carries the request config,
  // headers (cookies, tokens) included.
  const cause = Object.assign(
    new Error(safeMessage(error) || code || 'network error'),
    code === undefined ? {} : { code },
  );
  const options: CdmsErrorOptions = { method: request.method, url: request.url, cause };
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new CdmsTimeoutError(`${where} timed out after ${timeoutMs} ms`, options);
  }
  const detail = [...new Set([code, safeMessage(error)])].filter((part) => part).join(': ');
  return new CdmsNetworkError(`${where} failed without a response${detail ? ` (${detail})` : ''}`, options);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  // Some adapters put the system error on `cause`.
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

/**
 * Node's own messages for connection failures (`read ECONNRESET`, `connect ECONNREFUSED 10.0.0.1:443`,
 * `getaddrinfo ENOTFOUND crm.example.org`, `socket hang up`). Any other message is dropped: adapters
 * and mocks have been seen to describe the whole request, headers included.
 */
const SYSTEM_MESSAGE =
  /^(?:(?:[a-z]+ )?E[A-Z_]+(?: [\w.:[\]-]+)?|socket hang up|aborted|timeout of \d+ms exceeded)$/;

function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return SYSTEM_MESSAGE.test(message) ? message : '';
}
