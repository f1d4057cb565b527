import axios, { type AxiosInstance } from 'axios';
import pRetry from 'p-retry';
import type { CdmsAuth, CdmsAuthAttempt } from '../auth/cdms-auth';
import { type CdmsError, isCdmsError } from '../errors/cdms-error';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { CdmsLoginError } from '../errors/cdms-login-error';
import { isCdmsNotFoundError } from '../errors/cdms-not-found-error';
import { isCdmsUnauthorizedError } from '../errors/cdms-unauthorized-error';
import { CdmsUnexpectedResponseError } from '../errors/cdms-unexpected-response-error';
import { redactUrl } from '../errors/redact';
import type { ODataOrderBy } from '../odata/filter-tree';
import { type CdmsMetadata, parseMetadata } from '../odata/metadata';
import { parseOrderBy } from '../odata/parse-filter';
import { buildQueryString } from '../odata/query-string';
import { decodeEntity, encodeEntity } from '../values/decode-entity';
import {
  assertGuid,
  assertServiceName,
  DEFAULT_SERVICE_PATH,
  entitySetUrl,
  entityUrl,
  normaliseBaseUrl,
  serviceRootUrl,
  withQuery,
} from './entity-url';
import type { CdmsGetOptions, CdmsListAllOptions } from './method-options';
import {
  type CdmsRequest,
  type CdmsResponse,
  NO_CONTENT_STATUSES,
  type RawAnswer,
  sendAttempt,
} from './request';
import { RequestBudget } from './request-budget';
import {
  type AttemptKind,
  type CdmsClientStats,
  type CdmsRequestListener,
  type CdmsThrottleListener,
  RequestEvents,
} from './request-events';
import { readEntity, readPage } from './response-body';
import {
  isDuplicateKeyError,
  isRetryableError,
  networkCode,
  type ResolvedRetryOptions,
  resolveRetryOptions,
  retryDelayMs,
} from './retry-policy';
import type { CdmsClientOptions, CdmsEntity, CdmsListQuery, CdmsLogger, CdmsPage } from './types';

/** Default per-attempt timeout. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Distinct `$select` lists whose query text a client keeps (then it starts over). */
const MAX_CACHED_SELECTS = 256;

/** Attribute paths allowed in `$select` (`Name`, `ParentCustomerId/Id`). */
const ATTRIBUTE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Filled in by `#execute` so callers can tell a first attempt from a retried or replayed one. */
interface RetryState {
  /** Retries sent by the retry policy so far (0 on the first attempt). */
  retries: number;
  /** Whether the request was replayed once after an expired session (at most once per call). */
  replayedAfterExpiry: boolean;
}

/** A fresh `RetryState`: nothing sent again yet. */
function newRetryState(): RetryState {
  return { retries: 0, replayedAfterExpiry: false };
}

/**
 * Whether the request was sent more than once (a retry, or the replay after an expired session):
 * then a keyed create's "duplicate key" may be the outcome of an earlier attempt of the same call.
 */
function wasSentAgain(state: RetryState): boolean {
  return state.retries > 0 || state.replayedAfterExpiry;
}

/**
 * A client of the Dynamics CRM 2011 Organization Data Service (OData v2, JSON).
 *
 * Every request carries `Accept`, `DataServiceVersion: 2.0`, `MaxDataServiceVersion: 2.0` and the
 * headers of `options.auth`. Transient failures (5xx, 429, timeouts, connection resets) are
 * retried with backoff; an expired session (a 401, a redirect to the sign-in page, or a sign-in page
 * where JSON was expected) is dropped, signed in again once, and the request replayed once.
 *
 * @example
 * ```ts
 * const client = new CdmsClient({ baseUrl: 'https://crm.example.org/ORG', auth });
 * const page = await client.list('Account', { filter: eq(property('Name'), literal.string('Acme')), top: 10 });
 * // GET https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/AccountSet?$filter=Name eq 'Acme'&$top=10
 * ```
 */
export class CdmsClient {
  /** The organisation root without trailing slashes. */
  readonly baseUrl: string;
  /** The Organization Data Service root: `baseUrl` + `servicePath`. */
  readonly serviceRoot: string;
  readonly #http: AxiosInstance;
  readonly #auth: CdmsAuth | undefined;
  readonly #timeoutMs: number;
  readonly #retry: ResolvedRetryOptions;
  readonly #logger: CdmsLogger | undefined;
  readonly #events: RequestEvents;
  readonly #budget: RequestBudget;
  readonly #selectQueries = new Map<string, string>();
  #metadata: Promise<CdmsMetadata> | undefined;

  constructor(options: CdmsClientOptions) {
    if (typeof options?.baseUrl !== 'string' || !/^https?:\/\/[^/]/i.test(options.baseUrl)) {
      throw new CdmsInvalidArgumentError('CdmsClient needs a baseUrl such as https://crm.example.org/ORG');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new CdmsInvalidArgumentError(`CdmsClient timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.serviceRoot = serviceRootUrl(this.baseUrl, options.servicePath ?? DEFAULT_SERVICE_PATH);
    this.#http = options.axios ?? axios.create();
    this.#auth = options.auth;
    this.#timeoutMs = timeoutMs;
    this.#retry = resolveRetryOptions(options.retries);
    this.#logger = options.logger;
    this.#events = new RequestEvents(options.logger);
    this.#budget = new RequestBudget(options.budget, (event) => this.#events.throttled(event));
  }

  /**
   * Observe every finished HTTP attempt (retries and 401 replays included). Returns the function
   * that unsubscribes. URLs in events are redacted; headers are never part of them.
   *
   * @example
   * ```ts
   * const off = client.on('request', (event) => metrics.observe(event.operation, event.durationMs));
   * off();
   * ```
   */
  on(event: 'request', listener: CdmsRequestListener): () => void;
  /**
   * Observe each 429/503 that slows the client's request budget down (see `CdmsBudgetOptions`).
   *
   * @example
   * ```ts
   * client.on('throttle', (event) => log.warn(`CDMS busy (${event.status}): pausing ${event.pauseMs} ms, concurrency ${event.concurrency}`));
   * ```
   */
  on(event: 'throttle', listener: CdmsThrottleListener): () => void;
  on(event: 'request' | 'throttle', listener: CdmsRequestListener | CdmsThrottleListener): () => void {
    if (event === 'throttle') return this.#events.onThrottle(listener as CdmsThrottleListener);
    if (event !== 'request') throw new CdmsInvalidArgumentError(`Unknown CdmsClient event ${String(event)}`);
    return this.#events.on(listener as CdmsRequestListener);
  }

  /**
   * Request counts since creation or the last `resetStats()`, and the request budget's state
   * (`budget`: queued, in flight, waited time, throttling). A copy; it does not change later.
   */
  stats(): CdmsClientStats {
    return { ...this.#events.stats(), budget: this.#budget.stats() };
  }

  /** Sets every request count back to zero (and the budget's counters; not what is queued or in flight). */
  resetStats(): void {
    this.#events.reset();
    this.#budget.resetStats();
  }

  /**
   * One page of a collection (CDMS pages hold at most 50 rows, or what the server is set to).
   *
   * @example
   * ```ts
   * await client.list('Account', { filter: "Name eq 'Acme'", select: ['Name'], orderBy: [{ attribute: 'Name', direction: 'asc' }], top: 5 });
   * // GET …/AccountSet?$filter=Name eq 'Acme'&$select=Name&$orderby=Name asc&$top=5
   * ```
   */
  async list(service: string, query: CdmsListQuery = {}): Promise<CdmsPage> {
    return this.#fetchPage(service, this.#listUrl(service, query));
  }

  /**
   * Every page of a collection, following `__next` (the absolute URL, sent as is) until there is
   * none or `top` rows were yielded in total (the last page is cut to fit).
   *
   * @example
   * ```ts
   * const filter = eq(property('LastName'), literal.string("O'Neil")); // LastName eq 'O''Neil'
   * const sizes: number[] = [];
   * for await (const page of client.pages('Contact', { filter, top: 120 })) {
   *   sizes.push(page.results.length); // 50, 50, 20
   * }
   * ```
   */
  async *pages(service: string, query: CdmsListQuery = {}): AsyncGenerator<CdmsPage, void, undefined> {
    let remaining = query.top ?? Number.POSITIVE_INFINITY;
    const firstUrl = this.#listUrl(service, query);
    if (remaining === 0) return;
    let page = await this.#fetchPage(service, firstUrl);
    let previousUrl = firstUrl;
    for (;;) {
      const results = page.results.length > remaining ? page.results.slice(0, remaining) : page.results;
      remaining -= results.length;
      const next = remaining > 0 ? page.next : undefined;
      yield next === undefined ? { results } : { results, next };
      if (next === undefined) return;
      const nextUrl = this.#checkedNextUrl(next, previousUrl);
      previousUrl = nextUrl;
      page = await this.#fetchPage(service, nextUrl);
    }
  }

  /**
   * Every entity of a collection, page after page, stopping at `limit` (or `query.top`) entities.
   * Pages are fetched lazily: breaking out of the loop sends no further request.
   *
   * @example
   * ```ts
   * for await (const account of client.listAll('Account', { orderBy: [{ attribute: 'ModifiedOn', direction: 'asc' }] }, { limit: 200 })) {
   *   // …
   * }
   * ```
   */
  async *listAll(
    service: string,
    query: CdmsListQuery = {},
    options: CdmsListAllOptions = {},
  ): AsyncGenerator<CdmsEntity, void, undefined> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    assertCount('limit', options.limit);
    if (limit === 0) return;
    let yielded = 0;
    for await (const page of this.pages(service, query)) {
      for (const entity of page.results) {
        yield entity;
        yielded += 1;
        if (yielded >= limit) return;
      }
    }
  }

  /** `listAll` collected into an array. */
  async listAllToArray(
    service: string,
    query: CdmsListQuery = {},
    options: CdmsListAllOptions = {},
  ): Promise<CdmsEntity[]> {
    const entities: CdmsEntity[] = [];
    for await (const entity of this.listAll(service, query, options)) entities.push(entity);
    return entities;
  }

  /**
   * One record by its GUID. A malformed GUID throws `CdmsInvalidArgumentError` without a request;
   * an absent record throws `CdmsNotFoundError`.
   *
   * @example
   * ```ts
   * await client.get('Account', '7a4814f9-b0b8-ea11-a812-000d3a122b89', { select: ['Name', 'ModifiedOn'] });
   * // GET …/AccountSet(guid'7a4814f9-b0b8-ea11-a812-000d3a122b89')?$select=Name,ModifiedOn
   * ```
   */
  async get(service: string, id: string, options: CdmsGetOptions = {}): Promise<CdmsEntity> {
    assertAttributes(options.select);
    const query = this.#selectQuery(options.select);
    const request: CdmsRequest = {
      operation: 'get',
      service,
      method: 'GET',
      url: withQuery(entityUrl(this.serviceRoot, service, id), query),
      accept: 'application/json',
      expectedStatuses: [200],
    };
    const response = await this.#execute(request, { retryable: true });
    return decodeEntity(readEntity(request, response));
  }

  /**
   * Creates a record (`POST AccountSet`, 201) and returns it as CDMS stored it (with `AccountId`,
   * `CreatedOn`, `ModifiedOn`).
   *
   * Idempotent when `data` carries the entity's own key (`AccountId` for `Account`): only then is
   * a failed POST retried, and when a retry meets "duplicate key" the first attempt had in fact
   * succeeded, so the record is read back and returned. Without the key a POST is never retried.
   *
   * After an expired session (a 401, a redirect to the sign-in page or a sign-in page) every POST,
   * keyed or not, is replayed once after signing in again: those answers come from the
   * authentication layer before CRM runs anything, so the first POST created nothing. A keyed
   * replay that still meets "duplicate key" is read back like a retry.
   *
   * @example
   * ```ts
   * await client.create('Account', { AccountId: randomUUID(), Name: 'Acme' });
   * // POST …/AccountSet  {"AccountId":"…","Name":"Acme"}
   * ```
   */
  async create(service: string, data: Record<string, unknown>): Promise<CdmsEntity> {
    assertServiceName(service);
    assertValues('create', service, data);
    const keyAttribute = `${service}Id`;
    const key = data[keyAttribute];
    const keyed = key !== undefined && key !== null;
    const id = keyed ? assertGuid(service, key as string) : undefined;
    const request: CdmsRequest = {
      operation: 'create',
      service,
      method: 'POST',
      url: entitySetUrl(this.serviceRoot, service),
      body: JSON.stringify(encodeEntity(data)),
      accept: 'application/json',
      expectedStatuses: [201],
    };
    const state = newRetryState();
    let response: CdmsResponse;
    try {
      response = await this.#execute(request, { retryable: keyed, state });
    } catch (error) {
      if (id !== undefined && wasSentAgain(state) && isCdmsError(error) && isDuplicateKeyError(error)) {
        // An earlier attempt (before a retry or the replay after an expired session) created the
        // record but its answer was lost: return that record.
        this.#logger?.warn('CDMS create retry met a duplicate key; reading the created record back', {
          service,
          id,
        });
        return this.get(service, id);
      }
      throw error;
    }
    return decodeEntity(readEntity(request, response));
  }

  /**
   * Changes only the given attributes (`POST AccountSet(guid'…')` + `X-HTTP-Method: MERGE`, 204).
   *
   * @example
   * ```ts
   * await client.update('Account', id, { Name: 'Acme Ltd' });
   * // POST …/AccountSet(guid'…')  X-HTTP-Method: MERGE  {"Name":"Acme Ltd"}
   * ```
   */
  async update(service: string, id: string, data: Record<string, unknown>): Promise<void> {
    const url = entityUrl(this.serviceRoot, service, id);
    assertValues('update', service, data);
    const request: CdmsRequest = {
      operation: 'update',
      service,
      method: 'MERGE',
      url,
      body: JSON.stringify(encodeEntity(data)),
      accept: 'application/json',
      expectedStatuses: NO_CONTENT_STATUSES,
    };
    await this.#execute(request, { retryable: true });
  }

  /**
   * Deletes a record (`DELETE AccountSet(guid'…')`, 204). When a retried DELETE meets 404, an
   * earlier attempt deleted the record and the call succeeds; a 404 on the first attempt throws
   * `CdmsNotFoundError`.
   */
  async delete(service: string, id: string): Promise<void> {
    const request: CdmsRequest = {
      operation: 'delete',
      service,
      method: 'DELETE',
      url: entityUrl(this.serviceRoot, service, id),
      accept: 'application/json',
      expectedStatuses: NO_CONTENT_STATUSES,
    };
    const state = newRetryState();
    try {
      await this.#execute(request, { retryable: true, state });
    } catch (error) {
      if (state.retries > 0 && isCdmsNotFoundError(error)) return;
      throw error;
    }
  }

  /**
   * The parsed `$metadata` document (`Accept: application/xml`). Fetched once per client and
   * cached; a failed fetch is not cached.
   */
  metadata(): Promise<CdmsMetadata> {
    if (this.#metadata === undefined) {
      const request: CdmsRequest = {
        operation: 'metadata',
        method: 'GET',
        url: `${this.serviceRoot}/$metadata`,
        accept: 'application/xml',
        expectedStatuses: [200],
      };
      const loading = this.#execute(request, { retryable: true }).then((response) =>
        parseMetadata(response.body),
      );
      this.#metadata = loading;
      loading.catch(() => {
        if (this.#metadata === loading) this.#metadata = undefined;
      });
    }
    return this.#metadata;
  }

  /**
   * `$select=…` of a `get` (`''` without attributes). A model's reads select the same attributes
   * every time, so the encoded text is kept per attribute list (the names are checked by
   * `assertAttributes` on every call, so the cache never skips a check).
   */
  #selectQuery(select: readonly string[] | undefined): string {
    if (select === undefined || select.length === 0) return '';
    const names = select.join(',');
    let query = this.#selectQueries.get(names);
    if (query === undefined) {
      query = buildQueryString({ select });
      if (this.#selectQueries.size >= MAX_CACHED_SELECTS) this.#selectQueries.clear();
      this.#selectQueries.set(names, query);
    }
    return query;
  }

  #listUrl(service: string, query: CdmsListQuery): string {
    return withQuery(entitySetUrl(this.serviceRoot, service), this.#listQueryString(query));
  }

  #listQueryString(query: CdmsListQuery): string {
    assertCount('top', query.top);
    assertCount('skip', query.skip);
    assertAttributes(query.select);
    // buildQueryString leaves out absent options; an empty $filter and $skip=0 are left out too.
    return buildQueryString({
      filter: query.filter === '' ? undefined : query.filter,
      select: query.select,
      orderBy: normaliseOrderBy(query.orderBy),
      top: query.top,
      skip: query.skip === 0 ? undefined : query.skip,
    });
  }

  async #fetchPage(service: string, url: string): Promise<CdmsPage> {
    const request: CdmsRequest = {
      operation: 'list',
      service,
      method: 'GET',
      url,
      accept: 'application/json',
      expectedStatuses: [200],
    };
    const page = readPage(request, await this.#execute(request, { retryable: true }));
    const results = page.results.map(decodeEntity);
    return page.next === undefined ? { results } : { results, next: page.next };
  }

  /** `__next` must stay on the service's origin: the auth headers (cookies) go with it. */
  #checkedNextUrl(next: string, previousUrl: string): string {
    let url: URL;
    try {
      url = new URL(next, `${this.serviceRoot}/`);
    } catch {
      throw new CdmsUnexpectedResponseError(
        `CDMS returned an invalid __next URL after ${redactUrl(previousUrl)}`,
      );
    }
    if (url.origin !== new URL(this.serviceRoot).origin) {
      throw new CdmsUnexpectedResponseError(
        `CDMS returned a __next URL on another origin (${redactUrl(url.origin)}); refusing to send credentials there`,
        { url: previousUrl },
      );
    }
    const resolved = /^https?:\/\//i.test(next) ? next : url.href;
    if (resolved === previousUrl) {
      throw new CdmsUnexpectedResponseError(
        `CDMS returned the same __next URL twice: ${redactUrl(resolved)}`,
        {
          url: resolved,
        },
      );
    }
    return resolved;
  }

  /** Runs a request with the retry policy and the one-time replay after an expired session. */
  async #execute(
    request: CdmsRequest,
    options: { retryable: boolean; state?: RetryState },
  ): Promise<CdmsResponse> {
    const state = options.state ?? newRetryState();
    let attempt = 0;

    /** The auth headers of the last attempt: the session an expiry answer rejected. */
    let sentHeaders: Record<string, string> = {};
    const sendOnce = async (kind: AttemptKind): Promise<CdmsResponse> => {
      attempt += 1;
      // Every attempt waits for a slot of the client's budget (retries too, after their backoff);
      // the credentials are read once it has one, so a long wait cannot make them stale.
      return this.#budget.run(async (queuedMs) => {
        // Without an auth there is nothing to wait for (and no promise to make).
        const authHeaders = this.#auth === undefined ? {} : await this.#authHeaders(request);
        sentHeaders = authHeaders;
        const started = performance.now();
        try {
          const response = await sendAttempt(
            this.#http,
            request,
            authHeaders,
            this.#timeoutMs,
            this.#authExchange(),
          );
          this.#budget.settle(response.status, undefined);
          this.#record(request, kind, attempt, started, response.status, undefined, queuedMs);
          return response;
        } catch (error) {
          const cdmsError = error as CdmsError;
          this.#budget.settle(cdmsError.status, cdmsError.retryAfterMs);
          this.#record(
            request,
            kind,
            attempt,
            started,
            cdmsError.status,
            eventErrorCode(cdmsError),
            queuedMs,
          );
          throw error;
        }
      });
    };

    const sendAuthenticated = async (kind: AttemptKind): Promise<CdmsResponse> => {
      try {
        return await sendOnce(kind);
      } catch (error) {
        if (this.#auth === undefined || state.replayedAfterExpiry || !isCdmsUnauthorizedError(error)) {
          throw error;
        }
        // A 401, a redirect to the sign-in page or a sign-in page: the authentication layer
        // answered, so the request did not reach CRM and replaying it (any method) is safe.
        state.replayedAfterExpiry = true;
        this.#logger?.warn('CDMS session expired; renewing the session and replaying once', {
          method: request.method,
          url: redactUrl(request.url),
          operation: request.operation,
          status: error.status,
          sessionExpiry: error.sessionExpiry,
        });
        // Only the session this request was sent with: a newer one (signed in meanwhile by a
        // concurrent request) is kept.
        await this.#auth.invalidate({ headers: sentHeaders });
        return sendOnce('auth-replay');
      }
    };

    const limit = options.retryable ? this.#retry.limit : 0;
    /** Whether to send attempt `attemptNumber + 1` after `error`; waits the backoff first. */
    const retryAfter = async (
      error: unknown,
      attemptNumber: number,
      retriesLeft: number,
    ): Promise<boolean> => {
      if (retriesLeft <= 0 || !isCdmsError(error) || !isRetryableError(error)) return false;
      const delayMs = retryDelayMs(attemptNumber, error, this.#retry);
      this.#logger?.warn('CDMS request failed; retrying', {
        method: request.method,
        url: redactUrl(request.url),
        operation: request.operation,
        service: request.service,
        attempt: attemptNumber,
        retriesLeft,
        delayMs,
        status: error.status,
        errorCode: eventErrorCode(error),
      });
      await sleep(delayMs);
      return true;
    };
    if (limit === 0) return sendAuthenticated('first');
    // The first attempt runs without p-retry: nearly every request succeeds at once, and setting up
    // p-retry cost more CPU than the rest of the request's bookkeeping. p-retry runs the retries.
    state.retries = 0;
    try {
      return await sendAuthenticated('first');
    } catch (error) {
      if (!(await retryAfter(error, 1, limit))) throw error;
    }
    return pRetry(
      (retryNumber) => {
        state.retries = retryNumber;
        return sendAuthenticated('retry');
      },
      {
        retries: limit - 1,
        minTimeout: 0,
        factor: 1,
        shouldRetry: ({ error, attemptNumber, retriesLeft }) =>
          retryAfter(error, attemptNumber + 1, retriesLeft),
      },
    );
  }

  /** The auth's own handshake (NTLM, Negotiate), when it has one. */
  #authExchange():
    | ((send: (attempt: CdmsAuthAttempt) => Promise<RawAnswer>) => Promise<RawAnswer>)
    | undefined {
    const auth = this.#auth;
    if (auth?.exchange === undefined) return undefined;
    const context = { baseUrl: this.baseUrl, http: this.#http };
    return (send) => auth.exchange!(context, send);
  }

  async #authHeaders(request: CdmsRequest): Promise<Record<string, string>> {
    if (this.#auth === undefined) return {};
    try {
      return await this.#auth.headers({ baseUrl: this.baseUrl, http: this.#http });
    } catch (error) {
      if (isCdmsError(error)) throw error;
      // Only the message survives: a raw login error may carry request headers or form fields.
      throw new CdmsLoginError(
        `Could not authenticate for ${request.method} ${redactUrl(request.url)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { method: request.method, url: request.url },
      );
    }
  }

  #record(
    request: CdmsRequest,
    kind: AttemptKind,
    attempt: number,
    started: number,
    status: number | undefined,
    errorCode: string | undefined,
    queuedMs: number,
  ): void {
    const durationMs = Math.round(performance.now() - started);
    this.#events.record({ method: request.method, operation: request.operation, errorCode }, kind, () => ({
      method: request.method,
      url: redactUrl(request.url),
      operation: request.operation,
      ...(request.service === undefined ? {} : { service: request.service }),
      ...(status === undefined ? {} : { status }),
      durationMs,
      queuedMs: Math.round(queuedMs),
      attempt,
      ...(errorCode === undefined ? {} : { errorCode }),
    }));
  }
}

/** The most specific code of a failed attempt: the system code of a network error, else ours. */
function eventErrorCode(error: CdmsError): string {
  return (error.code === 'CDMS_NETWORK_ERROR' ? networkCode(error) : undefined) ?? error.code;
}

function assertCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new CdmsInvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** `orderBy` keys as objects: `'Name desc'` is read as `$orderby` text; a malformed key fails here. */
function normaliseOrderBy(orderBy: CdmsListQuery['orderBy']): ODataOrderBy[] | undefined {
  if (orderBy === undefined) return undefined;
  if (!Array.isArray(orderBy)) {
    throw new CdmsInvalidArgumentError(`orderBy must be an array of keys, got ${JSON.stringify(orderBy)}`);
  }
  return orderBy.flatMap((key: unknown): ODataOrderBy[] => {
    if (typeof key === 'string') {
      try {
        return parseOrderBy(key);
      } catch (error) {
        throw new CdmsInvalidArgumentError(
          `Invalid orderBy key ${JSON.stringify(key)}: expected 'Attribute', 'Attribute asc' or 'Attribute desc'`,
          { cause: error },
        );
      }
    }
    const { attribute, direction = 'asc' } = (key ?? {}) as { attribute?: unknown; direction?: unknown };
    if (
      typeof attribute !== 'string' ||
      !ATTRIBUTE_PATH.test(attribute) ||
      (direction !== 'asc' && direction !== 'desc')
    ) {
      throw new CdmsInvalidArgumentError(
        `Invalid orderBy key ${JSON.stringify(key)}: expected { attribute: 'Name', direction: 'asc' | 'desc' } or 'Name desc'`,
      );
    }
    return [{ attribute, direction }];
  });
}

function assertAttributes(names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    if (typeof name !== 'string' || !ATTRIBUTE_PATH.test(name)) {
      throw new CdmsInvalidArgumentError(`Invalid attribute name ${JSON.stringify(name)} in $select`);
    }
  }
}

function assertValues(operation: string, service: string, data: unknown): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CdmsInvalidArgumentError(`${operation} ${service} needs an object of attribute values`);
  }
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
