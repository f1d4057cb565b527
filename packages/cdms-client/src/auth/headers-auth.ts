import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import type { CdmsAuth } from './cdms-auth';

/** Options of {@link HeadersAuth}. */
export interface HeadersAuthOptions {
  /** Headers sent with every request, e.g. `{ Authorization: 'Bearer …' }` or `{ Cookie: '…' }`. */
  headers: Readonly<Record<string, string>>;
}

/** Options of {@link CookieAuth}. */
export interface CookieAuthOptions {
  /** The session cookies, as `{ MSISAuth: '…' }` or as a `Cookie` header value `MSISAuth=…; MSISAuth1=…`. */
  cookies: Readonly<Record<string, string>> | string;
}

// A header name is an RFC 7230 token; a value must not be able to start another header.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LINE_BREAK = /[\r\n\0]/;
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const COOKIE_VALUE_FORBIDDEN = /[;,\s"\\\0]/;

/**
 * Static headers for hosts that already hold a session (a reverse proxy that authenticates, a
 * token obtained elsewhere). The same headers go with every request.
 *
 * `invalidate()` does nothing: there is nothing to renew. When CDMS says the session expired (a
 * 401, a redirect to the sign-in page, or that page), the client calls `invalidate()`, replays the
 * request once with the same headers, and that second expiry
 * surfaces as `CdmsUnauthorizedError`: the host must obtain new headers and build a new auth.
 *
 * @throws {CdmsInvalidArgumentError} when a header name is invalid or a value contains a line break.
 *
 * @example
 * ```ts
 * const client = new CdmsClient({ baseUrl, auth: new HeadersAuth({ headers: { Authorization: `Bearer ${token}` } }) });
 * ```
 */
export class HeadersAuth implements CdmsAuth {
  readonly #headers: Readonly<Record<string, string>>;

  constructor(options: HeadersAuthOptions) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!HEADER_NAME.test(name)) {
        throw new CdmsInvalidArgumentError(`HeadersAuth: ${JSON.stringify(name)} is not a valid header name`);
      }
      // The value is a secret: the message names the header only.
      if (typeof value !== 'string' || LINE_BREAK.test(value)) {
        throw new CdmsInvalidArgumentError(
          `HeadersAuth: the value of header ${name} must be a string without line breaks`,
        );
      }
      headers[name] = value;
    }
    this.#headers = Object.freeze(headers);
  }

  /** A copy of the configured headers. */
  async headers(): Promise<Record<string, string>> {
    return { ...this.#headers };
  }

  /** Does nothing (static headers cannot be renewed); see the class documentation. */
  async invalidate(): Promise<void> {}
}

/**
 * The session cookies of a host that logged in elsewhere (a browser, another process), sent as
 * the `Cookie` header. Like {@link HeadersAuth}, `invalidate()` does nothing: once the cookies
 * expire, the client's replay after an expiry answer fails with `CdmsUnauthorizedError`.
 *
 * @throws {CdmsInvalidArgumentError} when a cookie name or value could not be sent as is.
 *
 * @example
 * ```ts
 * const auth = new CookieAuth({ cookies: { MSISAuth: '77u/PD94…', MSISAuth1: 'PC9TZWN…' } });
 * // sends `Cookie: MSISAuth=77u/PD94…; MSISAuth1=PC9TZWN…`
 * ```
 */
export class CookieAuth implements CdmsAuth {
  readonly #cookieHeader: string;

  constructor(options: CookieAuthOptions) {
    const pairs =
      typeof options.cookies === 'string'
        ? parseCookieHeader(options.cookies)
        : Object.entries(options.cookies ?? {});
    if (pairs.length === 0) throw new CdmsInvalidArgumentError('CookieAuth: at least one cookie is required');
    for (const [name, value] of pairs) {
      if (!COOKIE_NAME.test(name)) {
        throw new CdmsInvalidArgumentError(`CookieAuth: ${JSON.stringify(name)} is not a valid cookie name`);
      }
      if (typeof value !== 'string' || COOKIE_VALUE_FORBIDDEN.test(value)) {
        throw new CdmsInvalidArgumentError(
          `CookieAuth: the value of cookie ${name} must be a string without ';', ',', spaces, quotes or backslashes`,
        );
      }
    }
    this.#cookieHeader = pairs.map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** `{ Cookie: 'name=value; …' }`. */
  async headers(): Promise<Record<string, string>> {
    return { Cookie: this.#cookieHeader };
  }

  /** Does nothing (the cookies cannot be renewed); see the class documentation. */
  async invalidate(): Promise<void> {}
}

function parseCookieHeader(header: string): Array<[string, string]> {
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part): [string, string] => {
      const equals = part.indexOf('=');
      return equals === -1 ? [part, ''] : [part.slice(0, equals).trim(), part.slice(equals + 1).trim()];
    });
}
