import type { CdmsLogger, CdmsRetryOptions } from '../client/types';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { CdmsLoginError } from '../errors/cdms-login-error';
import { redactUrl } from '../errors/redact';
import { assertAdfsCredentials, normaliseAdfsUrl } from './adfs-credentials';
import type { CdmsAuthContext } from './cdms-auth';
import { CookieJar } from './cookie-jar';
import { CookieSessionAuth } from './cookie-session-auth';
import type { CookieStore, StoredCookie, StoredCookies } from './cookie-store';
import { formFields, isTokenForm, parseHtmlForms, resolveFormAction } from './html-form';
import { isTransientStatus, LoginBrowser } from './login-browser';
import { redactSecrets } from './redact-secrets';
import { buildWsTrustIssueEnvelope, WS_TRUST_ISSUE_ACTION } from './ws-trust-envelope';
import { parseWsTrustResponse, type WsTrustToken } from './ws-trust-response';

/** Options of {@link WsTrustAuth}. */
export interface WsTrustAuthOptions {
  /**
   * Where ADFS is: its trust identifier `https://adfs.example.org/adfs/services/trust` or its root
   * `https://adfs.example.org` (both mean the same, as for `AdfsFormAuth`); `endpointPath` is
   * appended to the root.
   */
  adfsUrl: string;
  username: string;
  password: string;
  /** The STS endpoint path under the ADFS root. @default '/adfs/services/trust/13/usernamemixed' */
  endpointPath?: string;
  /**
   * The relying party identifier the token is requested for (`wsp:AppliesTo`): the CRM's
   * identifier in ADFS. @default the organisation root with a trailing slash, `{baseUrl}/`
   */
  appliesTo?: string;
  /** Where to keep the session cookies between runs. @default none */
  cookieStore?: CookieStore;
  /** Most extra token forms (`wresult`) to follow after the sign-in post. @default 5 */
  maxHops?: number;
  /**
   * How often a sign-in that failed for a passing reason (a sign-in page without its form, a 5xx,
   * a connection reset) is tried again, with backoff; wrong credentials never are. `false` disables.
   * @default { limit: 3, minTimeoutMs: 500, maxTimeoutMs: 5000 }
   */
  loginRetries?: CdmsRetryOptions | false;
  /** A cookie (or token) expiring within this many milliseconds counts as expired. @default 30000 */
  expirySkewMs?: number;
  /** Receives one debug line per request (URLs redacted, never bodies, tokens or cookies). */
  logger?: CdmsLogger;
}

/**
 * Active login through ADFS with WS-Trust 1.3 (SOAP 1.2), for hosts where the browser-style
 * {@link AdfsFormAuth} is not possible (no forms-based sign-in page, e.g. Windows-integrated
 * ADFS pages):
 *
 * What it does:
 * 1. **Token request** ({@link WsTrustAuth.requestToken}): POSTs a WS-Trust 1.3 `Issue` request
 *    with a WS-Security UsernameToken to `{ADFS root}/adfs/services/trust/13/usernamemixed`, for
 *    a *bearer* token that applies to `appliesTo`, and reads the `RequestSecurityTokenResponse`
 *    and its lifetime. A SOAP fault (HTTP 500) becomes a `CdmsLoginError` with the fault's
 *    `Reason/Text`, e.g. `ID3242: The security token could not be authenticated or authorized.`
 * 2. **Sign-in for OData** (`headers()`): the OData endpoint only accepts the claims session
 *    cookie, not a SOAP token. So the response is posted to `{baseUrl}/` as an unsolicited
 *    WS-Federation sign-in (`wa=wsignin1.0`, `wresult=<the response>`), exactly what the
 *    browser flow's last hop posts; the cookies the organisation sets are the session, kept and
 *    reused like {@link AdfsFormAuth}'s (session cookies expire with the token's lifetime).
 *
 * What it does not do: the second leg of the CRM SOAP flow (a token from the resource STS with
 * a symmetric proof key) and the HMAC-SHA1 signed timestamp the SOAP Organization service
 * wants. They are not needed for OData. Step 2 relies on the CRM accepting a sign-in response
 * it did not ask for, which WIF-based relying parties do; it has been tested against recorded
 * exchanges, not a live CRM, so treat it as an assumption to verify on your deployment
 * (`requestToken` alone is the standard part).
 *
 * Credentials, tokens and cookies never appear in errors or logs.
 *
 * @example
 * ```ts
 * const auth = new WsTrustAuth({ adfsUrl: 'https://adfs.example.org/adfs/services/trust', username, password });
 * // POST https://adfs.example.org/adfs/services/trust/13/usernamemixed (the root https://adfs.example.org works too)
 * const client = new CdmsClient({ baseUrl: 'https://crm.example.org/ORG', auth });
 * ```
 */
export class WsTrustAuth extends CookieSessionAuth {
  readonly #endpoint: string;
  readonly #appliesTo: string | undefined;
  readonly #username: string;
  readonly #password: string;
  readonly #maxHops: number;
  readonly #logger: CdmsLogger | undefined;

  constructor(options: WsTrustAuthOptions) {
    assertAdfsCredentials('WsTrustAuth', options);
    const maxHops = options.maxHops ?? 5;
    if (!Number.isInteger(maxHops) || maxHops < 0) {
      throw new CdmsInvalidArgumentError('WsTrustAuth: maxHops must be a non-negative integer');
    }
    super(options, 'WsTrustAuth');
    const endpointPath = options.endpointPath ?? '/adfs/services/trust/13/usernamemixed';
    this.#endpoint = `${normaliseAdfsUrl(options.adfsUrl).root}/${endpointPath.replace(/^\/+/, '')}`;
    this.#appliesTo = options.appliesTo;
    this.#username = options.username;
    this.#password = options.password;
    this.#maxHops = maxHops;
    this.#logger = options.logger;
  }

  /**
   * Step 1 alone: asks ADFS for a bearer token for `appliesTo` (default `{baseUrl}/`). Useful to
   * hosts that call SOAP services themselves. The returned XML is a secret.
   *
   * @throws {CdmsLoginError} with the SOAP fault's reason, or when the answer is not a token.
   */
  async requestToken(context: CdmsAuthContext): Promise<WsTrustToken> {
    const browser = this.#browser(context, new CookieJar());
    const envelope = buildWsTrustIssueEnvelope({
      endpoint: this.#endpoint,
      appliesTo: this.#appliesTo ?? `${context.baseUrl.replace(/\/+$/, '')}/`,
      username: this.#username,
      password: this.#password,
    });
    const answer = await browser.postRaw(
      this.#endpoint,
      envelope,
      `application/soap+xml; charset=utf-8; action="${WS_TRUST_ISSUE_ACTION}"`,
      'application/soap+xml, text/xml',
    );
    const outcome = parseWsTrustResponse(answer.body);
    const where = `WS-Trust token request to ${redactUrl(this.#endpoint)}`;
    if (outcome.kind === 'fault') {
      const code = outcome.code === undefined ? '' : ` (${this.#redact(outcome.code)})`;
      throw new CdmsLoginError(
        `${where} failed with ${answer.status}${code}: ${this.#redact(outcome.reason)}`,
        {
          method: 'POST',
          url: this.#endpoint,
          status: answer.status,
        },
      );
    }
    if (outcome.kind === 'unexpected' || answer.status !== 200) {
      const detail = outcome.kind === 'unexpected' ? outcome.detail : 'a token came with an error status';
      throw new CdmsLoginError(`${where} answered ${answer.status}: ${detail}`, {
        method: 'POST',
        url: this.#endpoint,
        status: answer.status,
        // Not a SOAP fault (which judges the credentials): a busy or failing server.
        transient: isTransientStatus(answer.status),
      });
    }
    this.#logger?.debug('CDMS login: WS-Trust token issued', {
      expires: outcome.token.expires?.toISOString(),
    });
    return outcome.token;
  }

  /** Step 2: the token posted to the organisation as a WS-Federation sign-in; its cookies. */
  protected override async login(context: CdmsAuthContext): Promise<StoredCookies> {
    const token = await this.requestToken(context);
    const organisationRoot = `${context.baseUrl.replace(/\/+$/, '')}/`;
    const organisationOrigin = new URL(organisationRoot).origin;
    const jar = new CookieJar();
    const browser = this.#browser(context, jar);
    const sessionEstablished = (location: string) =>
      new URL(location).origin === organisationOrigin && jar.cookiesFor(organisationRoot).length > 0;

    let page = await browser.postForm(
      organisationRoot,
      [
        ['wa', 'wsignin1.0'],
        ['wresult', token.responseXml],
      ],
      sessionEstablished,
    );
    for (let hops = 0; ; hops += 1) {
      if (page.status >= 400) {
        throw new CdmsLoginError(
          `WS-Trust sign-in failed: ${redactUrl(page.url)} answered ${page.status} to the token post`,
          { method: 'POST', url: page.url, status: page.status, transient: isTransientStatus(page.status) },
        );
      }
      const tokenForm = parseHtmlForms(page.body).find(isTokenForm);
      if (tokenForm === undefined) break;
      if (hops >= this.#maxHops) {
        throw new CdmsLoginError(
          `WS-Trust sign-in failed: still receiving token forms after ${this.#maxHops} hops`,
          {
            url: page.url,
          },
        );
      }
      page = await browser.postForm(
        resolveFormAction(tokenForm, page.url),
        formFields(tokenForm),
        sessionEstablished,
      );
    }

    const cookies = jar.cookiesFor(organisationRoot);
    if (cookies.length === 0) {
      throw new CdmsLoginError(
        `WS-Trust sign-in failed: ${organisationOrigin} set no cookies for the issued token (answered ${page.status}); this deployment may not accept WS-Federation sign-in posts, use AdfsFormAuth`,
        { method: 'POST', url: page.url, status: page.status },
      );
    }
    // Claims cookies are usually session cookies: they are worth what the token is worth.
    const expiresAt = token.expires?.getTime();
    const bounded = cookies.map(
      (cookie): StoredCookie =>
        cookie.expiresAt === undefined && expiresAt !== undefined ? { ...cookie, expiresAt } : cookie,
    );
    this.#logger?.info('CDMS login succeeded (WS-Trust)', { cookies: bounded.length });
    return { cookies: bounded, savedAt: Date.now() };
  }

  #browser(context: CdmsAuthContext, jar: CookieJar): LoginBrowser {
    return new LoginBrowser({
      http: context.http,
      jar,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(this.#logger === undefined ? {} : { logger: this.#logger }),
    });
  }

  #redact(text: string): string {
    return redactSecrets(text, [this.#password, this.#username]);
  }
}
