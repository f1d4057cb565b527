import type { CdmsLogger } from '../client/types';
import type { CdmsAuthContext, CdmsRejectedSession } from './cdms-auth';
import { type CookieStore, isSessionUsable, type StoredCookies, toCookieHeader } from './cookie-store';
import { type ResolvedLoginRetries, signInWithRetries } from './login-retries';

/** Options of {@link CookieSessionCache}. @internal */
export interface CookieSessionCacheOptions {
  /** Logs in and returns the session cookies. */
  readonly login: (context: CdmsAuthContext) => Promise<StoredCookies>;
  readonly cookieStore?: CookieStore;
  /** A cookie expiring within this many milliseconds counts as expired. */
  readonly expirySkewMs: number;
  /** How often a transient sign-in failure is tried again. */
  readonly loginRetries: ResolvedLoginRetries;
  readonly logger?: CdmsLogger;
}

/**
 * The session bookkeeping shared by the cookie-based strategies: the session is kept in memory,
 * else loaded from the cookie store, else obtained by one login that every concurrent caller
 * shares (a transient login failure is tried again, see `loginRetries`); it is saved after a
 * login and forgotten on `invalidate()`.
 *
 * The session's `Cookie` header is its identity: `invalidate({ headers })` forgets the session
 * only when it is the one those headers carried, so an expiry answer to a request sent with an
 * older session never throws away a session signed in since.
 *
 * @internal
 */
export class CookieSessionCache {
  readonly #options: CookieSessionCacheOptions;
  #session: StoredCookies | undefined;
  #pending: Promise<StoredCookies> | undefined;

  constructor(options: CookieSessionCacheOptions) {
    this.#options = options;
  }

  /** `{ Cookie }` of a usable session, logging in first when there is none. */
  async headers(context: CdmsAuthContext): Promise<Record<string, string>> {
    const session = this.#session;
    if (session !== undefined && isSessionUsable(session, Date.now(), this.#options.expirySkewMs)) {
      return { Cookie: toCookieHeader(session.cookies) };
    }
    this.#session = undefined;
    // One login for every caller that arrives while it runs.
    this.#pending ??= this.#obtain(context).finally(() => {
      this.#pending = undefined;
    });
    const fresh = await this.#pending;
    return { Cookie: toCookieHeader(fresh.cookies) };
  }

  /**
   * Forgets the session in memory and in the store: the one `rejected` was sent with, or
   * whatever session there is when `rejected` is absent.
   */
  async invalidate(rejected?: CdmsRejectedSession): Promise<void> {
    const rejectedCookie = rejected === undefined ? undefined : cookieHeaderOf(rejected.headers);
    const current = this.#session;
    if (rejectedCookie !== undefined) {
      // Signed in again since (or signing in now): that session is not the rejected one.
      if (this.#pending !== undefined) return;
      if (current !== undefined && toCookieHeader(current.cookies) !== rejectedCookie) return;
    }
    this.#session = undefined;
    await this.#clearStore(rejectedCookie);
  }

  async #clearStore(rejectedCookie: string | undefined): Promise<void> {
    const { cookieStore, logger } = this.#options;
    if (cookieStore === undefined) return;
    try {
      if (rejectedCookie !== undefined) {
        // Another process sharing the store may have saved a newer session: keep that one.
        const stored = await cookieStore.load();
        if (stored !== undefined && toCookieHeader(stored.cookies) !== rejectedCookie) return;
      }
      await cookieStore.clear();
    } catch (error) {
      logger?.warn('CDMS login: could not clear the stored session', { reason: describeFailure(error) });
    }
  }

  async #obtain(context: CdmsAuthContext): Promise<StoredCookies> {
    const { cookieStore, logger, expirySkewMs } = this.#options;
    const stored = await this.#loadStored();
    if (stored !== undefined && isSessionUsable(stored, Date.now(), expirySkewMs)) {
      logger?.debug('CDMS login: reusing the stored session');
      this.#session = stored;
      return stored;
    }
    const session = await signInWithRetries(() => this.#options.login(context), {
      retries: this.#options.loginRetries,
      ...(logger === undefined ? {} : { logger }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
    this.#session = session;
    if (cookieStore !== undefined) {
      try {
        await cookieStore.save(session);
      } catch (error) {
        // The session works; failing to persist it only costs a login on the next run.
        logger?.warn('CDMS login: could not save the session', { reason: describeFailure(error) });
      }
    }
    return session;
  }

  async #loadStored(): Promise<StoredCookies | undefined> {
    const { cookieStore, logger } = this.#options;
    if (cookieStore === undefined) return undefined;
    try {
      return await cookieStore.load();
    } catch (error) {
      logger?.warn('CDMS login: could not load the stored session', { reason: describeFailure(error) });
      return undefined;
    }
  }
}

function cookieHeaderOf(headers: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === 'cookie') return value;
  return undefined;
}

/** The name and code of a failure, never its message (which might quote a secret). */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}
