import type { CdmsLogger } from '../client/types';
import type { CdmsAuth, CdmsAuthContext } from './cdms-auth';
import { CookieSessionCache } from './cookie-session-cache';
import type { CookieStore, StoredCookies } from './cookie-store';

/** Options every cookie-session strategy takes. */
export interface CookieSessionAuthOptions {
  /** Where to keep the session cookies between runs. @default none (log in once per process) */
  cookieStore?: CookieStore;
  /** A cookie expiring within this many milliseconds counts as expired. @default 30000 */
  expirySkewMs?: number;
  /** Receives the session's debug and warning lines (never cookies). */
  logger?: CdmsLogger;
}

/**
 * The base of the strategies whose session is a set of cookies obtained by a login
 * ({@link AdfsFormAuth}, {@link WsTrustAuth}): `headers()` returns the session as `Cookie`,
 * reusing it (from memory, else from `cookieStore`) until a cookie expires, and sharing one
 * login between concurrent callers; `invalidate()` forgets it. A subclass only says how to log in.
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

  constructor(options: CookieSessionAuthOptions) {
    this.#sessions = new CookieSessionCache({
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

  /** Forgets the session, in memory and in `cookieStore`: the next `headers()` logs in. */
  invalidate(): Promise<void> {
    return this.#sessions.invalidate();
  }

  /** Logs in and returns the session cookies; called by `headers()` when there is no usable session. */
  protected abstract login(context: CdmsAuthContext): Promise<StoredCookies>;
}
