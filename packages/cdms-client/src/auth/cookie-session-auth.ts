import type { CdmsLogger, CdmsRetryOptions } from '../client/types';
import type { CdmsAuth, CdmsAuthContext, CdmsRejectedSession } from './cdms-auth';
import { CookieSessionCache } from './cookie-session-cache';
import type { CookieStore, StoredCookies } from './cookie-store';
import { resolveLoginRetries } from './login-retries';

/** Options every cookie-session strategy takes. */
export interface CookieSessionAuthOptions {
  /** Where to keep the session cookies between runs. @default none (log in once per process) */
  cookieStore?: CookieStore;
  /** A cookie expiring within this many milliseconds counts as expired. @default 30000 */
  expirySkewMs?: number;
  /**
   * How often a sign-in that failed for a passing reason (a sign-in page without its form, a 5xx,
   * a connection reset) is tried again, with exponential backoff. Rejected credentials are never
   * tried again. Same shape as the client's `retries`; `false` disables.
   * @default { limit: 3, minTimeoutMs: 500, maxTimeoutMs: 5000 }
   */
  loginRetries?: CdmsRetryOptions | false;
  /** Receives the session's debug and warning lines (never cookies or credentials). */
  logger?: CdmsLogger;
}

/**
 * The base of the strategies whose session is a set of cookies obtained by a login
 * ({@link AdfsFormAuth}, {@link WsTrustAuth}): `headers()` returns the session as `Cookie`,
 * reusing it (from memory, else from `cookieStore`) until a cookie expires, and sharing one
 * login between concurrent callers; a transient login failure is tried again (`loginRetries`);
 * `invalidate()` forgets it (only if it is the rejected one). A subclass only says how to log in.
 *
 * @example
 * class MyAuth extends CookieSessionAuth {
 *   protected async login(context: CdmsAuthContext): Promise<StoredCookies> {
 *     return { cookies: await signInSomehow(context), savedAt: Date.now() };
 *   }
 * }
 */
export abstract class CookieSessionAuth implements CdmsAuth {
  readonly #sessions: CookieSessionCache;

  constructor(options: CookieSessionAuthOptions, strategy = 'CookieSessionAuth') {
    this.#sessions = new CookieSessionCache({
      loginRetries: resolveLoginRetries(strategy, options.loginRetries),
      login: (context) => this.login(context),
      expirySkewMs: options.expirySkewMs ?? 30_000,
      ...(options.cookieStore === undefined ? {} : { cookieStore: options.cookieStore }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  /** `{ Cookie }` of the current session; logs in first when there is no usable one. */
  headers(context: CdmsAuthContext): Promise<Record<string, string>> {
    return this.#sessions.headers(context);
  }

  /**
   * Forgets the session, in memory and in `cookieStore`: the next `headers()` logs in. With
   * `rejected` (what the client passes), only when the current session is the rejected one.
   */
  invalidate(rejected?: CdmsRejectedSession): Promise<void> {
    return this.#sessions.invalidate(rejected);
  }

  /** Logs in and returns the session cookies; called by `headers()` when there is no usable session. */
  protected abstract login(context: CdmsAuthContext): Promise<StoredCookies>;
}
