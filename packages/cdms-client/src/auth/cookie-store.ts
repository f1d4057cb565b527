/** One cookie of a saved session, as a {@link CookieStore} keeps it. */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /**
   * When the cookie stops being valid, in milliseconds since the Unix epoch (from `Expires` or
   * `Max-Age`). Absent for a session cookie: it is then kept until the server answers 401.
   */
  readonly expiresAt?: number;
}

/** The authentication cookies of one CDMS session, as saved between process runs. */
export interface StoredCookies {
  /** The cookies to send as the `Cookie` header, in the order the server set them. */
  readonly cookies: readonly StoredCookie[];
  /** When the session was saved, in milliseconds since the Unix epoch. */
  readonly savedAt: number;
}

/**
 * Where a cookie-based authentication strategy keeps its session between runs, so a restarted
 * process does not log in again while the cookies are still valid.
 *
 * Implementations must treat the cookies as secrets: never log them, and return `undefined`
 * rather than anything they cannot trust.
 *
 * @example
 * ```ts
 * const auth = new AdfsFormAuth({
 *   adfsUrl: 'https://adfs.example.org',
 *   username,
 *   password,
 *   cookieStore: new EncryptedFileCookieStore({ path: '/var/lib/app/cdms-cookies', key }),
 * });
 * ```
 */
export interface CookieStore {
  /** The saved session, or `undefined` when there is none (or none that can be trusted). */
  load(): Promise<StoredCookies | undefined>;
  /** Replaces the saved session. */
  save(cookies: StoredCookies): Promise<void>;
  /** Forgets the saved session (it expired or was rejected). */
  clear(): Promise<void>;
}

/**
 * Whether a value read back from storage has the shape of {@link StoredCookies}. Stores use it so
 * that a file written by something else is discarded, never trusted.
 *
 * @internal
 */
export function isStoredCookies(value: unknown): value is StoredCookies {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { cookies?: unknown; savedAt?: unknown };
  if (typeof candidate.savedAt !== 'number' || !Number.isFinite(candidate.savedAt)) return false;
  if (!Array.isArray(candidate.cookies)) return false;
  return candidate.cookies.every((cookie: unknown) => {
    if (typeof cookie !== 'object' || cookie === null) return false;
    const { name, value: cookieValue, expiresAt } = cookie as Record<string, unknown>;
    return (
      typeof name === 'string' &&
      name.length > 0 &&
      typeof cookieValue === 'string' &&
      (expiresAt === undefined || (typeof expiresAt === 'number' && Number.isFinite(expiresAt)))
    );
  });
}

/**
 * The earliest expiry of a session's cookies, or `undefined` when all are session cookies.
 *
 * @internal
 */
export function earliestExpiry(cookies: readonly StoredCookie[]): number | undefined {
  let earliest: number | undefined;
  for (const cookie of cookies) {
    if (cookie.expiresAt !== undefined && (earliest === undefined || cookie.expiresAt < earliest)) {
      earliest = cookie.expiresAt;
    }
  }
  return earliest;
}

/**
 * Whether a saved session can still be used at `now`: it has cookies and none of them expires
 * within `skewMs` (one expired cookie of a session is enough for the server to answer 401).
 *
 * @internal
 */
export function isSessionUsable(stored: StoredCookies, now: number, skewMs: number): boolean {
  if (stored.cookies.length === 0) return false;
  const expiry = earliestExpiry(stored.cookies);
  return expiry === undefined || expiry - skewMs > now;
}

/**
 * The `Cookie` request header value for a saved session: `name=value; name2=value2`.
 *
 * @internal
 */
export function toCookieHeader(cookies: readonly StoredCookie[]): string {
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}
