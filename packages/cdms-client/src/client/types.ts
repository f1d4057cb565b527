import type { AxiosInstance } from 'axios';
import type { CdmsAuth } from '../auth/cdms-auth';
import type { ODataFilter, ODataOrderBy } from '../odata/filter-tree';
import type { CdmsBudgetOptions } from './request-budget';

/** A CRM `EntityReference` as the OData endpoint sends it. */
export interface CdmsEntityReference {
  Id: string | null;
  LogicalName?: string | null;
  Name?: string | null;
}

/** A CRM `OptionSetValue` (`{ Value: 7 }`) or `Money` (`{ Value: '12.50' }`). */
export interface CdmsValueWrapper<T> {
  Value: T | null;
}

/** A value of one attribute, after the client decoded it (`/Date(ms)/` becomes a `Date`). */
export type CdmsValue =
  | string
  | number
  | boolean
  | null
  | Date
  | CdmsEntityReference
  | CdmsValueWrapper<number>
  | CdmsValueWrapper<string>
  | { [key: string]: CdmsValue };

/** One CDMS record with `__metadata` stripped and dates decoded. */
export type CdmsEntity = Record<string, CdmsValue>;

/** Query options of a list request. Every literal in `filter` is escaped by the serializer. */
export interface CdmsListQuery {
  /** A filter tree (preferred: it is escaped for you) or an already-serialised `$filter`. */
  filter?: ODataFilter | string;
  /** `$select`: attribute names. */
  select?: readonly string[];
  /**
   * `$orderby` keys: `{ attribute: 'Name', direction: 'desc' }` or the text form `'Name desc'`
   * (`'Name'` is ascending). Anything else fails with `CdmsInvalidArgumentError` before any request.
   */
  orderBy?: readonly (ODataOrderBy | string)[];
  /** `$top`: the most rows to return in total, across pages. */
  top?: number;
  /** `$skip`. */
  skip?: number;
}

/** One page of a list request. */
export interface CdmsPage<T = CdmsEntity> {
  readonly results: T[];
  /** The absolute `__next` URL (with `$skiptoken`), when there are more rows. */
  readonly next?: string;
}

/** Logger compatible with pino, winston and `console`. */
export interface CdmsLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Retry policy. */
export interface CdmsRetryOptions {
  /** Retries after the first attempt. @default 3 */
  limit?: number;
  /** First backoff delay. @default 200 */
  minTimeoutMs?: number;
  /** Largest backoff delay (and cap for `Retry-After`). @default 5000 */
  maxTimeoutMs?: number;
}

/** One finished HTTP attempt, as reported to `client.on('request', …)`. */
export interface CdmsRequestEvent {
  /** The HTTP method as sent; a MERGE shows as `MERGE` (it travels as POST + `X-HTTP-Method`). */
  readonly method: 'GET' | 'POST' | 'MERGE' | 'PUT' | 'DELETE';
  /** The URL with credentials and tokens removed. */
  readonly url: string;
  /** The operation that made the request. */
  readonly operation: 'list' | 'get' | 'create' | 'update' | 'delete' | 'metadata';
  /** The entity, e.g. `Account`, when there is one. */
  readonly service?: string;
  /** HTTP status, absent when no response arrived (timeout, reset). */
  readonly status?: number;
  readonly durationMs: number;
  /** Milliseconds the attempt waited for a slot of the client's request budget. */
  readonly queuedMs?: number;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** The error code when the attempt failed (`CDMS_TIMEOUT`, `ECONNRESET`, …). */
  readonly errorCode?: string;
}

/** Options of `new CdmsClient(…)`. */
export interface CdmsClientOptions {
  /** The organisation root, e.g. `https://crm.example.org/ORG`. */
  baseUrl: string;
  /** How to authenticate. @default no authentication */
  auth?: CdmsAuth;
  /** The path of the Organization Data Service. @default '/XRMServices/2011/OrganizationData.svc' */
  servicePath?: string;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /**
   * Retry policy: the options, or just the number of retries; `false`, `0` or `{ limit: 0 }`
   * disables retries. Any other value fails with `CdmsInvalidArgumentError` at construction.
   * @default { limit: 3, minTimeoutMs: 200, maxTimeoutMs: 5000 }
   */
  retries?: CdmsRetryOptions | false | number;
  /** Where to log requests (debug) and retries (warn). */
  logger?: CdmsLogger;
  /** An axios instance to use (proxy, agents …). */
  axios?: AxiosInstance;
  /**
   * The client's request budget, which every request of this client waits for: at most
   * `maxConcurrent` in flight (default 8), optionally `requestsPerSecond`; 429/503 answers hold new
   * requests for their `Retry-After` and halve the concurrency for a while.
   */
  budget?: CdmsBudgetOptions;
}
