import type { StoredCookie } from './cookie-store';

/** One cookie held by a {@link CookieJar}. @internal */
interface JarCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case host (host-only cookie) or domain (from the `Domain` attribute, no leading dot). */
  readonly domain: string;
  readonly hostOnly: boolean;
  readonly secure: boolean;
  readonly expiresAt?: number;
}

/**
 * A minimal cookie jar for login round trips (ADFS and CRM hosts), written so that the cookies
 * of every redirect hop are captured (axios in Node keeps none).
 *
 * What it does, following RFC 6265 where it matters for a login:
 * - parses `Set-Cookie` (`name=value`, attributes `Expires`, `Max-Age` (wins over `Expires`),
 *   `Domain`, `Secure`); a cookie whose expiry is in the past is deleted;
 * - scopes cookies by host: host-only by default, or the `Domain` attribute's domain and its
 *   subdomains (a `Domain` that does not cover the setting host is ignored, as browsers do);
 * - sends `Secure` cookies over https only.
 *
 * What it does not do: `Path` is ignored (every cookie of a host is sent on every path, which
 * suits ADFS and CRM whose auth cookies use `/`); no public-suffix list; `SameSite` and
 * `HttpOnly` are irrelevant outside a browser.
 *
 * @internal
 */
export class CookieJar {
  readonly #cookies = new Map<string, JarCookie>();

  /**
   * Stores the cookies of one response.
   *
   * @param requestUrl the URL the response came from (gives the host for host-only cookies).
   * @param setCookie the `Set-Cookie` header(s), as axios gives them.
   */
  setFromResponse(
    requestUrl: string,
    setCookie: string | readonly string[] | undefined,
    now = Date.now(),
  ): void {
    if (setCookie === undefined) return;
    const host = new URL(requestUrl).hostname.toLowerCase();
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) {
      const cookie = parseSetCookie(line, host, now);
      if (cookie === undefined) continue;
      const key = `${cookie.domain}\u0000${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) {
        this.#cookies.delete(key);
      } else {
        this.#cookies.set(key, cookie);
      }
    }
  }

  /** The cookies to send to `url` at `now` (expired ones are dropped). */
  cookiesFor(url: string, now = Date.now()): StoredCookie[] {
    const target = new URL(url);
    const host = target.hostname.toLowerCase();
    const secureChannel = target.protocol === 'https:';
    const result: StoredCookie[] = [];
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) {
        this.#cookies.delete(key);
        continue;
      }
      if (cookie.secure && !secureChannel) continue;
      if (!domainMatches(host, cookie.domain, cookie.hostOnly)) continue;
      result.push(
        cookie.expiresAt === undefined
          ? { name: cookie.name, value: cookie.value }
          : { name: cookie.name, value: cookie.value, expiresAt: cookie.expiresAt },
      );
    }
    return result;
  }

  /** The `Cookie` header for `url`, or `undefined` when there is nothing to send. */
  headerFor(url: string, now = Date.now()): string | undefined {
    const cookies = this.cookiesFor(url, now);
    if (cookies.length === 0) return undefined;
    return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }
}

function domainMatches(host: string, domain: string, hostOnly: boolean): boolean {
  if (hostOnly) return host === domain;
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Parses one `Set-Cookie` line. Returns `undefined` for a line without `name=` or with a
 * `Domain` that does not cover the host that set it.
 *
 * @internal
 */
export function parseSetCookie(line: string, host: string, now: number): JarCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const separator = pair.indexOf('=');
  if (separator <= 0) return undefined;
  const name = pair.slice(0, separator).trim();
  const value = pair.slice(separator + 1).trim();
  if (name.length === 0) return undefined;

  let domain = host;
  let hostOnly = true;
  let secure = false;
  let expiresAt: number | undefined;
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const equals = attribute.indexOf('=');
    const key = (equals === -1 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
    const attributeValue = equals === -1 ? '' : attribute.slice(equals + 1).trim();
    switch (key) {
      case 'max-age': {
        // RFC 6265 5.2.2: digits with an optional leading '-'; anything else is ignored.
        if (!/^-?\d+$/.test(attributeValue)) break;
        const seconds = Number(attributeValue);
        expiresAt = seconds <= 0 ? Number.NEGATIVE_INFINITY : now + seconds * 1000;
        maxAgeSeen = true;
        break;
      }
      case 'expires': {
        if (maxAgeSeen) break;
        const time = Date.parse(attributeValue);
        if (!Number.isNaN(time)) expiresAt = time;
        break;
      }
      case 'domain': {
        const candidate = attributeValue.replace(/^\./, '').toLowerCase();
        if (candidate.length === 0) break;
        if (!domainMatches(host, candidate, false)) return undefined;
        domain = candidate;
        hostOnly = false;
        break;
      }
      case 'secure':
        secure = true;
        break;
      default:
        break;
    }
  }
  return expiresAt === undefined
    ? { name, value, domain, hostOnly, secure }
    : { name, value, domain, hostOnly, secure, expiresAt };
}
