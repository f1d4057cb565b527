import { isLoginForm, isTokenForm, parseHtmlForms } from './html-form';

/**
 * How CRM said that the session expired:
 *
 * - `status-401`: a 401 (Windows authentication, and claims deployments behind some proxies);
 * - `sign-in-redirect`: a redirect (301/302/303/307/308) to the identity provider or its sign-in
 *   page (what CRM 2011 IFD answers once `MSISAuth` expired: `302 Location:
 *   https://adfs…/adfs/ls/?wa=wsignin1.0&wtrealm=…`);
 * - `sign-in-page`: an HTML sign-in page (a form with user name and password inputs, or an
 *   auto-posting WS-Federation token form) where JSON or XML was expected: the same redirect,
 *   followed by a proxy or an axios instance.
 */
export type CdmsSessionExpiry = 'status-401' | 'sign-in-redirect' | 'sign-in-page';

/** What {@link detectSessionExpiry} reads of an answer. @internal */
export interface ExpiryCandidate {
  readonly status: number;
  /** The `Location` header, when there is one. */
  readonly location?: string | undefined;
  /** The `Content-Type` header, when there is one. */
  readonly contentType?: string | undefined;
  readonly body: string;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The marks of a sign-in URL: the WS-Federation sign-in parameters (`wa=wsignin1.0`, `wtrealm`,
 * `whr`), the ADFS paths (`/adfs/ls`, `/adfs/services/trust`) and the usual sign-in page names.
 */
const SIGN_IN_LOCATION =
  /[?&](?:wa=wsignin|wtrealm=|whr=)|\/adfs\/|\/(?:log[io]n|log-?on|sign-?in|signin)(?:[/.?]|$)|formssignin|\/_login\/|\/_forms\//i;

/**
 * Whether an answer says "sign in again", and in which shape (see {@link CdmsSessionExpiry}).
 * A redirect elsewhere (e.g. http -> https) or an HTML page that is not a sign-in page (an IIS
 * error page) is not an expiry: the caller reports it as an unexpected answer.
 *
 * @example
 * ```ts
 * detectSessionExpiry({ status: 302, location: 'https://adfs.example.org/adfs/ls/?wa=wsignin1.0&wtrealm=…', body: '' });
 * // 'sign-in-redirect'
 * ```
 *
 * @internal
 */
export function detectSessionExpiry(answer: ExpiryCandidate): CdmsSessionExpiry | undefined {
  if (answer.status === 401) return 'status-401';
  if (REDIRECT_STATUSES.has(answer.status)) {
    return answer.location !== undefined && SIGN_IN_LOCATION.test(answer.location)
      ? 'sign-in-redirect'
      : undefined;
  }
  if (answer.status >= 200 && answer.status < 300 && looksLikeHtml(answer)) {
    const forms = parseHtmlForms(answer.body);
    if (forms.some((form) => isLoginForm(form) || isTokenForm(form))) return 'sign-in-page';
    if (/<input\b[^>]*type\s*=\s*["']?password/i.test(answer.body)) return 'sign-in-page';
  }
  return undefined;
}

function looksLikeHtml(answer: ExpiryCandidate): boolean {
  if (answer.contentType !== undefined && /html/i.test(answer.contentType)) return true;
  return /^\s*(?:<!doctype html|<html\b)/i.test(answer.body);
}
