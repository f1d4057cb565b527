import { redactUrl } from './redact';

const CDMS_ERROR_CODES = [
  'CDMS_BAD_REQUEST',
  'CDMS_UNAUTHORIZED',
  'CDMS_FORBIDDEN',
  'CDMS_NOT_FOUND',
  'CDMS_CONFLICT',
  'CDMS_TOO_MANY_REQUESTS',
  'CDMS_SERVER_ERROR',
  'CDMS_TIMEOUT',
  'CDMS_NETWORK_ERROR',
  'CDMS_LOGIN_FAILED',
  'CDMS_UNEXPECTED_RESPONSE',
  'CDMS_INVALID_ARGUMENT',
] as const;

/** Stable machine-readable codes of every error `@cdms-sync/cdms-client` throws. */
export type CdmsErrorCode = (typeof CDMS_ERROR_CODES)[number];

/** What a `CdmsError` may say about the request that failed. Never put headers here. */
export interface CdmsErrorOptions {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The method as the caller thinks of it (`GET`, `POST`, `MERGE`, `DELETE` …). */
  method?: string;
  /** The request URL; redacted by the constructor (userinfo and token-like parameters removed). */
  url?: string;
  /** The message CDMS put in its error body. */
  odataMessage?: string;
  /** The delay the server asked for in `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  /** The underlying error. Pass a sanitised error: never one that carries request headers. */
  cause?: unknown;
}

const CODES: ReadonlySet<string> = new Set(CDMS_ERROR_CODES);

/**
 * The base of every error `@cdms-sync/cdms-client` throws. `code` is stable across versions: test
 * it (or use the `isCdmsXxxError` guards) rather than `instanceof`, which fails across package copies.
 *
 * Messages name the request: `GET https://crm.example.org/ORG/…/AccountSet(guid'…') failed with 404: …`.
 * Headers (cookies, tokens) are never part of an error.
 *
 * @example
 * ```ts
 * try {
 *   await client.get('Account', id);
 * } catch (error) {
 *   if (isCdmsNotFoundError(error)) return undefined;
 *   throw error;
 * }
 * ```
 */
export class CdmsError extends Error {
  override readonly name: string = 'CdmsError';
  readonly code: CdmsErrorCode;
  readonly status?: number;
  readonly method?: string;
  /** The request URL, redacted. */
  readonly url?: string;
  readonly odataMessage?: string;
  /** The delay the server asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: CdmsErrorOptions & { code: CdmsErrorCode }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    if (options.status !== undefined) this.status = options.status;
    if (options.method !== undefined) this.method = options.method;
    if (options.url !== undefined) this.url = redactUrl(options.url);
    if (options.odataMessage !== undefined) this.odataMessage = options.odataMessage;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** A log-friendly form; the cause is reduced to its name, code and message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      method: this.method,
      url: this.url,
      odataMessage: this.odataMessage,
      cause: summariseCause(this.cause),
    };
  }
}

function summariseCause(cause: unknown): Record<string, unknown> | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof CdmsError) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(cause) };
}

/** True for any error thrown by `@cdms-sync/cdms-client`, from any copy of the package. */
export function isCdmsError(error: unknown): error is CdmsError {
  return hasCode(error, undefined);
}

/** @internal Guard helper: an `Error` whose `code` is one of ours (and equals `code` when given). */
export function hasCode(error: unknown, code: CdmsErrorCode | undefined): boolean {
  if (!(error instanceof Error)) return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined ? CODES.has(actual) : actual === code);
}
