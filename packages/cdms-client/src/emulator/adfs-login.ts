import { randomBytes, randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { type EmulatorResponse, errorResponse, escapeXml, htmlResponse } from './emulator-response';
import type { EmulatorAuthOptions } from './types';

/** The path of the identity-provider STS (the ADFS login form posts here). */
export const ADFS_LOGIN_PATH = '/adfs/ls/';
/** The path of the second STS hop (the CRM's own resource STS). */
export const RESOURCE_STS_PATH = '/resource-sts/adfs/ls/';
/** The ADFS WS-Trust 1.3 endpoint for user name and password (`WsTrustAuth` posts here). */
export const WS_TRUST_PATH = '/adfs/services/trust/13/usernamemixed';
/** The user name input of the ADFS 2.0 forms sign-in page (`FormsSignIn.aspx`). */
export const ADFS_USERNAME_FIELD = 'ctl00$ContentPlaceHolder1$UsernameTextBox';
/** The password input of the ADFS 2.0 forms sign-in page. */
export const ADFS_PASSWORD_FIELD = 'ctl00$ContentPlaceHolder1$PasswordTextBox';
/** The submit button of the ADFS 2.0 forms sign-in page. */
export const ADFS_SUBMIT_FIELD = 'ctl00$ContentPlaceHolder1$SubmitButton';
/** The id of the element carrying the error text of a failed login. */
export const ADFS_ERROR_LABEL_ID = 'ctl00_ContentPlaceHolder1_ErrorTextLabel';
/** ADFS 2.0's text for a wrong user name or password. */
export const ADFS_INCORRECT_CREDENTIALS =
  'Incorrect user ID or password. Type the correct user ID and password, and try again.';
/** The cookie that proves the session (CRM IFD sets `MSISAuth`). */
export const AUTH_COOKIE = 'MSISAuth';
/** The client-id cookie CRM sets next to the session cookie (not checked by the emulator). */
export const CLIENT_ID_COOKIE = 'ReqClientId';

/** How long a token (`wresult`) stays valid between two hops. */
const TOKEN_TTL_MS = 5 * 60_000;
const DEFAULT_COOKIE_TTL_MS = 60 * 60_000;

interface IssuedToken {
  readonly stage: 'identity' | 'resource';
  readonly expiresAt: number;
}

/** Where the login flow runs. @internal */
export interface AdfsLoginContext {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** `/ORG` */
  readonly organisationPath: string;
}

/** A request the login flow reads. @internal */
export interface LoginRequest {
  readonly method: string;
  readonly pathname: string;
  /** The raw query string without `?`. */
  readonly rawQuery: string;
  readonly body: string;
  readonly cookieHeader: string | undefined;
}

/** Reads `a=1; b=2` into a map. @internal */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    cookies.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  return cookies;
}

/**
 * The ADFS 2.0 passive WS-Federation login that CRM 2011 IFD deployments use (documented for
 * users on `EmulatorAuthOptions`), as three hops:
 *
 * 1. `GET {org}/?whr={adfs}` (or `GET /adfs/ls/?wa=wsignin1.0…`) answers 200 with the login form
 *    `<form id="aspnetForm" method="post" action="http://HOST/adfs/ls/?wa=wsignin1.0&wtrealm=…&wctx=…">`
 *    holding hidden `__VIEWSTATE`, `__EVENTVALIDATION`, `__db`, the text input
 *    `ctl00$ContentPlaceHolder1$UsernameTextBox`, the password input
 *    `ctl00$ContentPlaceHolder1$PasswordTextBox` and the submit `ctl00$ContentPlaceHolder1$SubmitButton`.
 * 2. `POST` that form (`application/x-www-form-urlencoded`):
 *    - wrong credentials: 200, the same form again plus
 *      `<span id="ctl00_ContentPlaceHolder1_ErrorTextLabel">Incorrect user ID or password. …</span>`;
 *    - right credentials: 200, an auto-posting form `<form method="POST" name="hiddenform"
 *      action="http://HOST/resource-sts/adfs/ls/">` with hidden `wa=wsignin1.0`, `wresult` (a
 *      `RequestSecurityTokenResponse` carrying a one-time token) and `wctx`.
 * 3. `POST /resource-sts/adfs/ls/` with those fields: 200, another auto-posting form (new `wresult`)
 *    whose action is the organisation root `http://HOST/ORG/`.
 * 4. `POST {org}/` with those fields: 302 to `{org}/` with `Set-Cookie: MSISAuth=…; path=/; HttpOnly`
 *    and `Set-Cookie: ReqClientId=…; path=/; HttpOnly`.
 *
 * OData requests then need the `MSISAuth` cookie; without it, or after `cookieTtlMs`, they get 401.
 * A token is single use and expires after five minutes; a bad one gets a 400 HTML page.
 *
 * @internal
 */
export class AdfsLogin {
  readonly #options: EmulatorAuthOptions;
  readonly #now: () => number;
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #sessions = new Map<string, number>();
  /** Sign-in pages still to be served without their form (`flakySignInPages`). */
  #flakyPagesLeft: number;

  constructor(options: EmulatorAuthOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
    this.#flakyPagesLeft = options.flakySignInPages ?? 0;
  }

  /** Forgets every session and token; the flaky sign-in pages start over. */
  clear(): void {
    this.#tokens.clear();
    this.#sessions.clear();
    this.#flakyPagesLeft = this.#options.flakySignInPages ?? 0;
  }

  /** Ends every session now: the next data request gets the `expiredSession` answer. */
  expireSessions(): void {
    this.#sessions.clear();
  }

  /**
   * What a data-service request without a live session gets, by `expiredSession`: a 401 with
   * CRM's error body, a 302 to the ADFS sign-in page (what CRM 2011 IFD does), or that sign-in
   * page itself with 200 (the redirect followed).
   */
  unauthenticatedAnswer(context: AdfsLoginContext, wantsJson: boolean): EmulatorResponse {
    const shape = this.#options.expiredSession ?? 'status-401';
    if (shape === 'sign-in-redirect') {
      return htmlResponse(
        302,
        '<html><head><title>Object moved</title></head><body>Object moved.</body></html>',
        {
          Location: this.#signInAction(context, defaultContext(context)),
        },
      );
    }
    if (shape === 'sign-in-page') return this.#loginForm(context, defaultContext(context), undefined, '');
    return errorResponse(401, 'The user is not authenticated: sign in again.', wantsJson);
  }

  /** True when the request carries a live `MSISAuth` session cookie. */
  isAuthenticated(cookieHeader: string | undefined): boolean {
    const session = parseCookieHeader(cookieHeader).get(AUTH_COOKIE);
    if (session === undefined) return false;
    const expiresAt = this.#sessions.get(session);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.#now()) {
      this.#sessions.delete(session);
      return false;
    }
    return true;
  }

  /** True for the paths the login flow answers. */
  handles(pathname: string, context: AdfsLoginContext): boolean {
    return (
      pathname === ADFS_LOGIN_PATH ||
      pathname === RESOURCE_STS_PATH ||
      pathname === WS_TRUST_PATH ||
      pathname === context.organisationPath ||
      pathname === `${context.organisationPath}/`
    );
  }

  handle(request: LoginRequest, context: AdfsLoginContext): EmulatorResponse {
    const organisationUrl = `${context.origin}${context.organisationPath}/`;
    const form = new URLSearchParams(request.method === 'POST' ? request.body : '');
    if (request.pathname === ADFS_LOGIN_PATH) {
      const query = new URLSearchParams(request.rawQuery);
      const wctx = query.get('wctx') ?? defaultContext(context);
      if (request.method !== 'POST') return this.#signInPage(context, wctx);
      const username = form.get(ADFS_USERNAME_FIELD) ?? '';
      const password = form.get(ADFS_PASSWORD_FIELD) ?? '';
      if (username !== this.#options.username || password !== this.#options.password) {
        return this.#loginForm(context, wctx, ADFS_INCORRECT_CREDENTIALS, username);
      }
      return this.#tokenForm(`${context.origin}${RESOURCE_STS_PATH}`, this.#issue('identity'), wctx, context);
    }
    if (request.pathname === WS_TRUST_PATH) return this.#wsTrust(request, context);
    if (request.pathname === RESOURCE_STS_PATH) {
      if (request.method !== 'POST' || !this.#redeem(form.get('wresult'), 'identity'))
        return invalidTokenPage();
      return this.#tokenForm(organisationUrl, this.#issue('resource'), form.get('wctx') ?? '', context);
    }
    // The organisation root.
    if (request.method === 'POST') {
      if (!this.#redeem(form.get('wresult'), 'resource')) return invalidTokenPage();
      const session = randomBytes(24).toString('base64url');
      this.#sessions.set(session, this.#now() + (this.#options.cookieTtlMs ?? DEFAULT_COOKIE_TTL_MS));
      return htmlResponse(302, '<html><body>Object moved.</body></html>', {
        Location: organisationUrl,
        'Set-Cookie': [
          `${AUTH_COOKIE}=${session}; path=/; HttpOnly`,
          `${CLIENT_ID_COOKIE}=${randomUUID()}; path=/; HttpOnly`,
        ],
      });
    }
    if (this.isAuthenticated(request.cookieHeader)) {
      return htmlResponse(
        200,
        '<html><head><title>Microsoft Dynamics CRM</title></head><body>CRM</body></html>',
      );
    }
    return this.#signInPage(context, defaultContext(context));
  }

  /** The sign-in page a browser asks for: without its form while `flakySignInPages` lasts. */
  #signInPage(context: AdfsLoginContext, wctx: string): EmulatorResponse {
    if (this.#flakyPagesLeft > 0) {
      this.#flakyPagesLeft -= 1;
      return htmlResponse(
        200,
        '<html><head><title>Sign In</title></head><body><p>An error occurred. Contact your administrator for more information.</p></body></html>',
      );
    }
    return this.#loginForm(context, wctx, undefined, '');
  }

  #signInAction(context: AdfsLoginContext, wctx: string): string {
    const realm = `${context.origin}${context.organisationPath}/`;
    return `${context.origin}${ADFS_LOGIN_PATH}?wa=wsignin1.0&wtrealm=${encodeURIComponent(realm)}&wctx=${encodeURIComponent(wctx)}`;
  }

  /**
   * WS-Trust 1.3 `Issue` with a UsernameToken: a SOAP 1.2 fault (HTTP 500, as ADFS answers) for
   * wrong credentials, else a `RequestSecurityTokenResponseCollection` whose token the organisation
   * root accepts as a WS-Federation sign-in post (`wa=wsignin1.0`, `wresult`).
   */
  #wsTrust(request: LoginRequest, context: AdfsLoginContext): EmulatorResponse {
    const soap = 'application/soap+xml; charset=utf-8';
    const { username, password } = readUsernameToken(request.body);
    if (
      request.method !== 'POST' ||
      username !== this.#options.username ||
      password !== this.#options.password
    ) {
      return {
        status: 500,
        headers: { 'Content-Type': soap },
        body:
          '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault>' +
          '<s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value xmlns:a="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">a:FailedAuthentication</s:Value></s:Subcode></s:Code>' +
          '<s:Reason><s:Text xml:lang="en-US">ID3242: The security token could not be authenticated or authorized.</s:Text></s:Reason>' +
          '</s:Fault></s:Body></s:Envelope>',
      };
    }
    const now = this.#now();
    const utility = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
    return {
      status: 200,
      headers: { 'Content-Type': soap },
      body:
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' +
        '<trust:RequestSecurityTokenResponseCollection xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512">' +
        '<trust:RequestSecurityTokenResponse>' +
        `<trust:Lifetime><wsu:Created xmlns:wsu="${utility}">${new Date(now).toISOString()}</wsu:Created>` +
        `<wsu:Expires xmlns:wsu="${utility}">${new Date(now + TOKEN_TTL_MS).toISOString()}</wsu:Expires></trust:Lifetime>` +
        '<trust:RequestedSecurityToken>' +
        `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="_${this.#issue('resource')}" Issuer="${escapeXml(`${context.origin}/adfs/services/trust`)}" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"></saml:Assertion>` +
        '</trust:RequestedSecurityToken>' +
        '<trust:TokenType>urn:oasis:names:tc:SAML:1.0:assertion</trust:TokenType>' +
        '</trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>',
    };
  }

  #issue(stage: IssuedToken['stage']): string {
    const token = randomBytes(16).toString('hex');
    this.#tokens.set(token, { stage, expiresAt: this.#now() + TOKEN_TTL_MS });
    return token;
  }

  #redeem(wresult: string | null, stage: IssuedToken['stage']): boolean {
    const token = /AssertionID="_([0-9a-f]+)"/.exec(wresult ?? '')?.[1];
    if (token === undefined) return false;
    const issued = this.#tokens.get(token);
    this.#tokens.delete(token);
    return issued !== undefined && issued.stage === stage && issued.expiresAt > this.#now();
  }

  #loginForm(
    context: AdfsLoginContext,
    wctx: string,
    error: string | undefined,
    username: string,
  ): EmulatorResponse {
    const action = this.#signInAction(context, wctx);
    const errorHtml =
      error === undefined
        ? ''
        : `<tr><td colspan="2"><span id="${ADFS_ERROR_LABEL_ID}" class="TextColorError">${escapeXml(error)}</span></td></tr>`;
    return htmlResponse(
      200,
      `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sign In</title></head>
<body>
<form name="aspnetForm" method="post" action="${escapeXml(action)}" id="aspnetForm">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="${randomBytes(12).toString('base64')}" /></div>
<div><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="${randomBytes(12).toString('base64')}" /></div>
<input type="hidden" name="__db" value="15" />
<table>
<tr><td><span id="ctl00_ContentPlaceHolder1_UsernameLabel">User name:</span></td>
<td><input name="${ADFS_USERNAME_FIELD}" type="text" value="${escapeXml(username)}" id="ctl00_ContentPlaceHolder1_UsernameTextBox" /></td></tr>
<tr><td><span id="ctl00_ContentPlaceHolder1_PasswordLabel">Password:</span></td>
<td><input name="${ADFS_PASSWORD_FIELD}" type="password" id="ctl00_ContentPlaceHolder1_PasswordTextBox" /></td></tr>
<tr><td></td><td><input type="submit" name="${ADFS_SUBMIT_FIELD}" value="Sign In" id="ctl00_ContentPlaceHolder1_SubmitButton" /></td></tr>
${errorHtml}
</table>
</form>
</body></html>`,
    );
  }

  #tokenForm(action: string, token: string, wctx: string, context: AdfsLoginContext): EmulatorResponse {
    const issued = new Date(this.#now()).toISOString();
    const wresult =
      '<t:RequestSecurityTokenResponse xmlns:t="http://schemas.xmlsoap.org/ws/2005/02/trust">' +
      `<t:Lifetime><wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${issued}</wsu:Created></t:Lifetime>` +
      '<t:RequestedSecurityToken>' +
      `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="_${token}" Issuer="${escapeXml(`${context.origin}/adfs/services/trust`)}" ` +
      'xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"></saml:Assertion>' +
      '</t:RequestedSecurityToken></t:RequestSecurityTokenResponse>';
    return htmlResponse(
      200,
      `<html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="${escapeXml(action)}">
<input type="hidden" name="wa" value="wsignin1.0" />
<input type="hidden" name="wresult" value="${escapeXml(wresult)}" />
<input type="hidden" name="wctx" value="${escapeXml(wctx)}" />
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>
</form>
<script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script>
</body></html>`,
    );
  }
}

const soapParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

/** The UsernameToken of a WS-Trust request (`''` for what is missing). */
function readUsernameToken(body: string): { username: string; password: string } {
  try {
    const token = soapParser.parse(body)?.Envelope?.Header?.Security?.UsernameToken;
    return { username: String(token?.Username ?? ''), password: String(token?.Password ?? '') };
  } catch {
    return { username: '', password: '' };
  }
}

function defaultContext(context: AdfsLoginContext): string {
  return `rm=0&id=passive&ru=${encodeURIComponent(`${context.organisationPath}/`)}`;
}

function invalidTokenPage(): EmulatorResponse {
  return htmlResponse(
    400,
    '<html><head><title>Error</title></head><body><p>There was a problem accessing the site. The security token is missing, invalid or expired.</p></body></html>',
  );
}
