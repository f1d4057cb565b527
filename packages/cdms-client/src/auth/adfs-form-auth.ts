import type { CdmsLogger, CdmsRetryOptions } from '../client/types';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { CdmsLoginError } from '../errors/cdms-login-error';
import { redactUrl } from '../errors/redact';
import { assertAdfsCredentials, normaliseAdfsUrl } from './adfs-credentials';
import type { CdmsAuthContext } from './cdms-auth';
import { CookieJar } from './cookie-jar';
import { CookieSessionAuth } from './cookie-session-auth';
import type { CookieStore, StoredCookies } from './cookie-store';
import {
  findTextByIdSuffix,
  formFields,
  type HtmlForm,
  isLoginForm,
  isTokenForm,
  parseHtmlForms,
  resolveFormAction,
} from './html-form';
import { isTransientStatus, LoginBrowser, type LoginPage } from './login-browser';
import { redactSecrets } from './redact-secrets';

/** Options of {@link AdfsFormAuth}. */
export interface AdfsFormAuthOptions {
  /**
   * Where ADFS is: its trust identifier `https://adfs.example.org/adfs/services/trust` or its root
   * `https://adfs.example.org` (both mean the same; see `normaliseAdfsUrl`). Sent as `whr` (home
   * realm) in its identifier form.
   */
  adfsUrl: string;
  username: string;
  password: string;
  /** Where to keep the session cookies between runs. @default none (log in once per process) */
  cookieStore?: CookieStore;
  /** Most token forms (`wresult`) to post through the STS chain before giving up. @default 5 */
  maxHops?: number;
  /**
   * How often a sign-in that failed for a passing reason (a sign-in page without its form, a 5xx,
   * a connection reset) is tried again, with backoff; wrong credentials never are. `false` disables.
   * @default { limit: 3, minTimeoutMs: 500, maxTimeoutMs: 5000 }
   */
  loginRetries?: CdmsRetryOptions | false;
  /** A cookie expiring within this many milliseconds counts as expired. @default 30000 */
  expirySkewMs?: number;
  /** Receives one debug line per login request (URLs redacted, never bodies or cookies). */
  logger?: CdmsLogger;
}

/**
 * Claims-based (IFD) login through ADFS 2.0, the way a browser does it (passive WS-Federation):
 *
 * 1. `GET {baseUrl}/?whr={adfsUrl}`; redirects are followed one by one so that the cookies of
 *    every host are kept;
 * 2. the page's form with inputs whose names contain `Username` and `Password` is filled and
 *    posted (with its hidden inputs and its first submit button);
 * 3. while the answer is a form carrying `wresult` (a signed token that a browser would
 *    auto-post), it is posted to its action: one hop per STS of the chain, at most `maxHops`;
 * 4. the cookies the organisation host set are the session: `headers()` returns them as
 *    `Cookie`, and saves them to `cookieStore`.
 *
 * The session is reused (from memory, else from `cookieStore`) until one of its cookies
 * expires (`Expires`/`Max-Age`) or the client calls `invalidate()` after an expiry answer (a
 * 401, a redirect to the sign-in page, or a sign-in page instead of data). A sign-in page
 * without its form, a 5xx or a reset during sign-in is tried again (`loginRetries`); rejected
 * credentials are not. Concurrent
 * `headers()` calls share one login (and so the `signal` of the call that started it). Credentials, cookies and tokens never appear in errors or
 * logs.
 *
 * @throws {CdmsLoginError} (code `CDMS_LOGIN_FAILED`) when ADFS shows the form again with its
 *   `…ErrorTextLabel` text (e.g. `Incorrect user ID or password`), when a page is not what the
 *   flow expects, or when a login request fails.
 *
 * @example
 * ```ts
 * const auth = new AdfsFormAuth({
 *   adfsUrl: 'https://adfs.example.org/adfs/services/trust',
 *   username: process.env.CDMS_USERNAME!,
 *   password: process.env.CDMS_PASSWORD!,
 *   cookieStore: new EncryptedFileCookieStore({ path: '.cdms-session', key: process.env.CDMS_COOKIE_KEY! }),
 * });
 * const client = new CdmsClient({ baseUrl: 'https://crm.example.org/ORG', auth });
 * ```
 */
export class AdfsFormAuth extends CookieSessionAuth {
  readonly #adfsUrl: string;
  readonly #username: string;
  readonly #password: string;
  readonly #maxHops: number;
  readonly #logger: CdmsLogger | undefined;

  constructor(options: AdfsFormAuthOptions) {
    assertAdfsCredentials('AdfsFormAuth', options);
    const maxHops = options.maxHops ?? 5;
    if (!Number.isInteger(maxHops) || maxHops < 1) {
      throw new CdmsInvalidArgumentError('AdfsFormAuth: maxHops must be a positive integer');
    }
    super(options, 'AdfsFormAuth');
    this.#adfsUrl = normaliseAdfsUrl(options.adfsUrl).identifier;
    this.#username = options.username;
    this.#password = options.password;
    this.#maxHops = maxHops;
    this.#logger = options.logger;
  }

  /** Hides the credentials in a text that came from a server. */
  #redact(text: string): string {
    return redactSecrets(text, [this.#password, this.#username]);
  }

  /** The browser flow above; its organisation cookies are the session. */
  protected override async login(context: CdmsAuthContext): Promise<StoredCookies> {
    const baseUrl = context.baseUrl.replace(/\/+$/, '');
    const organisationRoot = `${baseUrl}/`;
    const jar = new CookieJar();
    const browser = new LoginBrowser({
      http: context.http,
      jar,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(this.#logger === undefined ? {} : { logger: this.#logger }),
    });
    const organisationOrigin = new URL(organisationRoot).origin;
    // After the last token post the organisation redirects to its home page: not needed.
    const sessionEstablished = (location: string) =>
      new URL(location).origin === organisationOrigin && jar.cookiesFor(organisationRoot).length > 0;

    let page = await browser.get(`${organisationRoot}?whr=${encodeURIComponent(this.#adfsUrl)}`);
    let credentialsPosted = false;
    let hops = 0;
    for (;;) {
      this.#assertSuccessStatus(page);
      const forms = parseHtmlForms(page.body);
      const loginForm = forms.find(isLoginForm);
      if (loginForm !== undefined) {
        if (credentialsPosted) throw this.#rejectedCredentialsError(page);
        credentialsPosted = true;
        page = await browser.postForm(resolveFormAction(loginForm, page.url), this.#fillLoginForm(loginForm));
        continue;
      }
      const tokenForm = forms.find(isTokenForm);
      if (tokenForm !== undefined) {
        hops += 1;
        if (hops > this.#maxHops) {
          throw new CdmsLoginError(
            `ADFS login failed: still receiving token forms after ${this.#maxHops} hops (at ${redactUrl(page.url)}); raise maxHops if the STS chain is longer`,
            { url: page.url },
          );
        }
        page = await browser.postForm(
          resolveFormAction(tokenForm, page.url),
          formFields(tokenForm),
          sessionEstablished,
        );
        continue;
      }
      break;
    }

    if (!credentialsPosted && hops === 0) {
      throw new CdmsLoginError(
        `ADFS login failed: ${redactUrl(page.url)} answered ${page.status} without a login form (no inputs named …Username/…Password) or token form; check baseUrl and adfsUrl`,
        // The sign-in page sometimes comes back without its form: worth another try.
        { url: page.url, status: page.status, transient: true },
      );
    }
    if (hops === 0) {
      throw new CdmsLoginError(
        `ADFS login failed: after the credentials were posted, ${redactUrl(page.url)} answered ${page.status} without a token form (wresult)`,
        { url: page.url, status: page.status, transient: true },
      );
    }
    const cookies = jar.cookiesFor(organisationRoot);
    if (cookies.length === 0) {
      throw new CdmsLoginError(
        `ADFS login failed: the token was posted through ${hops} hop(s) but ${organisationOrigin} set no cookies`,
        { url: page.url, status: page.status },
      );
    }
    this.#logger?.info('CDMS login succeeded', { hops, cookies: cookies.length });
    return { cookies, savedAt: Date.now() };
  }

  #fillLoginForm(form: HtmlForm): Array<[string, string]> {
    return formFields(form).map(([name, value]): [string, string] => {
      const lowerName = name.toLowerCase();
      if (lowerName.includes('username')) return [name, this.#username];
      if (lowerName.includes('password')) return [name, this.#password];
      return [name, value];
    });
  }

  #rejectedCredentialsError(page: LoginPage): CdmsLoginError {
    const label = findTextByIdSuffix(page.body, 'ErrorTextLabel');
    const reason =
      label === undefined ? 'the login form came back without an error text' : this.#redact(label);
    return new CdmsLoginError(`ADFS login failed at ${redactUrl(page.url)}: ${reason}`, {
      url: page.url,
      status: page.status,
    });
  }

  #assertSuccessStatus(page: LoginPage): void {
    if (page.status >= 200 && page.status < 400) return;
    throw new CdmsLoginError(`ADFS login failed: ${redactUrl(page.url)} answered ${page.status}`, {
      url: page.url,
      status: page.status,
      transient: isTransientStatus(page.status),
    });
  }
}
