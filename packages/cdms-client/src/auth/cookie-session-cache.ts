import type { CdmsLogger } from '../client/types';
import type { CdmsAuthContext } from './cdms-auth';
import { type CookieStore, isSessionUsable, type StoredCookies, toCookieHeader } from './cookie-store';

/** Options of {@link CookieSessionCache}. @internal */
export interface CookieSessionCacheOptions {
  /** Logs in and returns the session cookies. */
  readonly login: (context: CdmsAuthContext) => Promise<StoredCookies>;
  readonly cookieStore?: CookieStore;
  /** A cookie expiring within this many milliseconds counts as expired. */
  readonly expirySkewMs: number;
  readonly logger?: CdmsLogger;
}

/**
 * The session bookkeeping shared by the cookie-based strategies: the session is kept in memory,
 * else loaded from the cookie store, else obtained by one login that every concurrent caller
 * shares; it is saved after a login and forgotten on `invalidate()`.
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

  /** Forgets the session in memory and in the store. */
  async invalidate(): Promise<void> {
    this.#session = undefined;
    await this.#options.cookieStore?.clear();
  }

  async #obtain(context: CdmsAuthContext): Promise<StoredCookies> {
    const { cookieStore, logger, expirySkewMs } = this.#options;
    const stored = await this.#loadStored();
    if (stored !== undefined && isSessionUsable(stored, Date.now(), expirySkewMs)) {
      logger?.debug('CDMS login: reusing the stored session');
      this.#session = stored;
      return stored;
    }
    const session = await this.#options.login(context);
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

/** The name and code of a failure, never its message (which might quote a secret). */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}
