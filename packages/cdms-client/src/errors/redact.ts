/** Query parameter names whose values are credentials (compared case-insensitively). */
const SECRET_PARAMETERS: ReadonlySet<string> = new Set([
  'wresult',
  'wctx',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'code',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'apikey',
  'api_key',
  'key',
  'sig',
  'signature',
  'assertion',
  'samlresponse',
  'samlrequest',
  'session',
  'sessionid',
  'auth',
  'authorization',
]);

/** Names that look secret even when not listed (`userPassword`, `x-api-secret` …). */
const SECRET_PATTERN = /pass(word|wd)|secret|credential/i;

/** What a redacted value is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * A URL safe to put in errors, logs and events: userinfo removed and the values of
 * credential-like query parameters (`wresult`, `token`, `password`, `code` …) replaced by
 * `REDACTED`. Everything else (notably `$filter` and `$skiptoken`) is kept byte for byte.
 *
 * @example
 * ```ts
 * redactUrl('https://bob:pw@crm.example.org/ORG/?wresult=abc&$top=5');
 * // 'https://crm.example.org/ORG/?wresult=REDACTED&$top=5'
 * ```
 */
export function redactUrl(url: string): string {
  const hashIndex = url.indexOf('#');
  const withoutFragment = hashIndex === -1 ? url : url.slice(0, hashIndex);
  const queryIndex = withoutFragment.indexOf('?');
  const base = queryIndex === -1 ? withoutFragment : withoutFragment.slice(0, queryIndex);
  const query = queryIndex === -1 ? undefined : withoutFragment.slice(queryIndex + 1);
  const redactedBase = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
  // A fragment never reaches the server but may carry tokens (implicit flows): drop it.
  return query === undefined ? redactedBase : `${redactedBase}?${redactQuery(query)}`;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equalsIndex = pair.indexOf('=');
      if (equalsIndex === -1) return pair;
      const name = safeDecode(pair.slice(0, equalsIndex)).toLowerCase();
      return isSecretParameter(name) ? `${pair.slice(0, equalsIndex)}=${REDACTED}` : pair;
    })
    .join('&');
}

function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name) || SECRET_PATTERN.test(name);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
