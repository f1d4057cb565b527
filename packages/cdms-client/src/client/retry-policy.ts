import type { CdmsError } from '../errors/cdms-error';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import type { CdmsRetryOptions } from './types';

/** The retry options with every default filled in. */
export interface ResolvedRetryOptions {
  readonly limit: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

/** Defaults documented on `CdmsRetryOptions`. */
export const DEFAULT_RETRY_OPTIONS: ResolvedRetryOptions = {
  limit: 3,
  minTimeoutMs: 200,
  maxTimeoutMs: 5000,
};

/**
 * @internal `false` means no retries at all; a number is the retry limit (`retries: 0` = none).
 * Anything else than the documented forms fails with `CdmsInvalidArgumentError` at construction.
 */
export function resolveRetryOptions(
  options: CdmsRetryOptions | false | number | undefined,
): ResolvedRetryOptions {
  if (options === false) return { ...DEFAULT_RETRY_OPTIONS, limit: 0 };
  if (typeof options === 'number') return resolveRetryOptions({ limit: options });
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new CdmsInvalidArgumentError(
      `CdmsClient retries must be a number of retries, false, or { limit, minTimeoutMs, maxTimeoutMs }; got ${JSON.stringify(options)}`,
    );
  }
  const limit = checkRetryNumber('limit', options?.limit ?? DEFAULT_RETRY_OPTIONS.limit, true);
  const minTimeoutMs = checkRetryNumber(
    'minTimeoutMs',
    options?.minTimeoutMs ?? DEFAULT_RETRY_OPTIONS.minTimeoutMs,
  );
  const maxTimeoutMs = checkRetryNumber(
    'maxTimeoutMs',
    options?.maxTimeoutMs ?? DEFAULT_RETRY_OPTIONS.maxTimeoutMs,
  );
  return { limit, minTimeoutMs, maxTimeoutMs: Math.max(minTimeoutMs, maxTimeoutMs) };
}

function checkRetryNumber(name: string, value: unknown, integer = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new CdmsInvalidArgumentError(
      `CdmsClient retries.${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Network failures worth another attempt. `ECONNREFUSED` is deliberately absent: nothing listens
 * on that address (a dead server, a wrong URL), retrying only delays the error by seconds.
 * `ECONNRESET`/`EPIPE` happen when CRM or a load balancer drops a busy keep-alive connection.
 */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
]);

/** Statuses that say "try again later": request timeout, throttling and server faults. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** @internal The network error code the request layer records as the cause's `code`. */
export function networkCode(error: CdmsError): string | undefined {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * @internal Whether a failed attempt may be tried again. The caller decides whether the request
 * itself is safe to repeat (GET/MERGE/PUT/DELETE always; a POST create only with its own key).
 * 4xx other than 408/429 never are: the same request would fail the same way.
 */
export function isRetryableError(error: CdmsError): boolean {
  if (isDuplicateKeyError(error)) return false;
  switch (error.code) {
    case 'CDMS_TIMEOUT':
      return true;
    case 'CDMS_NETWORK_ERROR': {
      const code = networkCode(error);
      return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
    }
    case 'CDMS_TOO_MANY_REQUESTS':
    case 'CDMS_SERVER_ERROR':
      return error.status !== undefined && isTransientStatus(error.status);
    default:
      return false;
  }
}

/**
 * @internal A duplicate-key failure: a 4xx/5xx whose OData message says the record already exists.
 * CRM reports it as a 500 fault ("Cannot insert duplicate key") or a 400, depending on version.
 */
export function isDuplicateKeyError(error: CdmsError): boolean {
  return (
    error.status !== undefined &&
    error.status >= 400 &&
    error.odataMessage !== undefined &&
    /duplicate|already exists/i.test(error.odataMessage)
  );
}

/**
 * @internal The delay before retry number `retry` (1-based): the server's `Retry-After` when it sent
 * one, else exponential backoff from `minTimeoutMs`; both capped at `maxTimeoutMs`.
 */
export function retryDelayMs(retry: number, error: CdmsError, options: ResolvedRetryOptions): number {
  const wanted =
    error.retryAfterMs !== undefined
      ? error.retryAfterMs
      : options.minTimeoutMs * 2 ** Math.max(0, retry - 1);
  return Math.min(Math.max(0, wanted), options.maxTimeoutMs);
}

/**
 * @internal `Retry-After` in milliseconds: delta-seconds (`120`) or an HTTP date. `undefined` when
 * absent or unparsable.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
