import type { AxiosInstance, AxiosResponse } from 'axios';
import type { CdmsLogger } from '../client/types';
import { CdmsLoginError } from '../errors/cdms-login-error';
import { redactUrl } from '../errors/redact';
import type { CookieJar } from './cookie-jar';

/** A page a {@link LoginBrowser} arrived at. @internal */
export interface LoginPage {
  /** The URL the page came from (after the redirects that were followed). */
  readonly url: string;
  readonly status: number;
  /** The body as text (`''` when there was none). */
  readonly body: string;
  /** The `Location` of a redirect that was deliberately not followed. */
  readonly location?: string;
}

/** Options of {@link LoginBrowser}. @internal */
export interface LoginBrowserOptions {
  readonly http: AxiosInstance;
  readonly jar: CookieJar;
  readonly signal?: AbortSignal;
  readonly logger?: CdmsLogger;
  /** Redirects followed per request. @default 10 */
  readonly maxRedirects?: number;
}

/**
 * Whether a status during sign-in says "try again later" (408, 429, 5xx). @internal
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status < 600);
}

const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The browser-like part of an interactive login: sends requests through the given axios
 * instance with `maxRedirects: 0`, follows redirects itself and keeps the cookies of every hop
 * in a {@link CookieJar}. It never puts bodies, cookies or the original axios error into what
 * it throws or logs (axios errors carry the posted form, i.e. the password).
 *
 * @internal
 */
export class LoginBrowser {
  readonly #options: LoginBrowserOptions;

  constructor(options: LoginBrowserOptions) {
    this.#options = options;
  }

  /** GET `url`, following redirects. */
  get(url: string): Promise<LoginPage> {
    return this.#send('GET', url, undefined, undefined, () => false);
  }

  /**
   * POST an `application/x-www-form-urlencoded` form, following redirects (303/302/301 turn
   * into GET, as browsers do). `stopAtRedirect` may decline to follow a redirect, e.g. once the
   * authentication cookies are set and the next page would only be the application's home.
   */
  postForm(
    url: string,
    fields: ReadonlyArray<readonly [string, string]>,
    stopAtRedirect: (location: string) => boolean = () => false,
  ): Promise<LoginPage> {
    const body = new URLSearchParams(
      fields.map(([name, value]): [string, string] => [name, value]),
    ).toString();
    return this.#send('POST', url, body, 'application/x-www-form-urlencoded', stopAtRedirect);
  }

  /**
   * POST a raw body (a SOAP envelope) without following redirects.
   */
  postRaw(url: string, body: string, contentType: string, accept: string): Promise<LoginPage> {
    return this.#send('POST', url, body, contentType, () => true, accept);
  }

  async #send(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    contentType: string | undefined,
    stopAtRedirect: (location: string) => boolean,
    accept = HTML_ACCEPT,
  ): Promise<LoginPage> {
    const { jar, maxRedirects = 10 } = this.#options;
    let currentMethod = method;
    let currentUrl = url;
    let currentBody = body;
    let currentContentType = contentType;
    for (let redirects = 0; ; redirects += 1) {
      const response = await this.#request(
        currentMethod,
        currentUrl,
        currentBody,
        currentContentType,
        accept,
      );
      jar.setFromResponse(currentUrl, response.headers['set-cookie'] as string[] | undefined);
      const location = response.headers.location as unknown;
      const text = typeof response.data === 'string' ? response.data : '';
      if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string' || location.length === 0) {
        return { url: currentUrl, status: response.status, body: text };
      }
      const target = new URL(location, currentUrl).toString();
      if (stopAtRedirect(target)) {
        return { url: currentUrl, status: response.status, body: text, location: target };
      }
      if (redirects >= maxRedirects) {
        throw new CdmsLoginError(
          `Login failed: ${currentMethod} ${redactUrl(currentUrl)} redirected more than ${maxRedirects} times`,
          { method: currentMethod, url: currentUrl, status: response.status },
        );
      }
      if (response.status !== 307 && response.status !== 308) {
        currentMethod = 'GET';
        currentBody = undefined;
        currentContentType = undefined;
      }
      currentUrl = target;
    }
  }

  async #request(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    contentType: string | undefined,
    accept: string,
  ): Promise<AxiosResponse<unknown>> {
    const { http, jar, signal, logger } = this.#options;
    const headers: Record<string, string> = { Accept: accept };
    const cookie = jar.headerFor(url);
    if (cookie !== undefined) headers.Cookie = cookie;
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    const started = Date.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await http.request({
        method,
        url,
        data: body,
        headers,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: 'text',
        // Keep the body as text: a login page must not be JSON-parsed by axios.
        transformResponse: [(data: unknown) => data],
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // Only the code and the message travel on: the axios error holds the posted form.
      const code = (error as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : 'network error';
      logger?.warn('CDMS login request failed', { method, url: redactUrl(url), reason });
      throw new CdmsLoginError(
        `Login failed: ${method} ${redactUrl(url)} could not be completed (${reason})`,
        // No answer (a reset, a timeout): worth another try.
        { method, url, transient: true },
      );
    }
    logger?.debug('CDMS login request', {
      method,
      url: redactUrl(url),
      status: response.status,
      durationMs: Date.now() - started,
    });
    return response;
  }
}
