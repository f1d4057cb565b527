import type { CookieStore, StoredCookies } from './cookie-store';

/**
 * A {@link CookieStore} that keeps the session in this process only (a copy, so later changes to
 * the saved object do not leak in). Useful in tests, or to share one session between several
 * auth instances of one process.
 *
 * @example
 * ```ts
 * const cookieStore = new MemoryCookieStore();
 * const auth = new AdfsFormAuth({ adfsUrl, username, password, cookieStore });
 * ```
 */
export class MemoryCookieStore implements CookieStore {
  #stored: StoredCookies | undefined;

  /** @param initial a session to start with, e.g. one a test prepared. */
  constructor(initial?: StoredCookies) {
    this.#stored = initial === undefined ? undefined : structuredClone(initial);
  }

  /** A copy of the saved session, if any. */
  async load(): Promise<StoredCookies | undefined> {
    return this.#stored === undefined ? undefined : structuredClone(this.#stored);
  }

  /** Keeps a copy of `cookies`. */
  async save(cookies: StoredCookies): Promise<void> {
    this.#stored = structuredClone(cookies);
  }

  /** Forgets the session. */
  async clear(): Promise<void> {
    this.#stored = undefined;
  }
}
