import type { IncomingHttpHeaders } from 'node:http';
import { ADFS_PASSWORD_FIELD } from './adfs-login';
import type { EmulatorRequestFilter, EmulatorRequestLog } from './types';

/** Headers that carry credentials and are never logged. */
const SECRET_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization']);
/** Form fields that carry credentials or tokens and are logged as `[redacted]`. */
const SECRET_FIELDS = new Set([ADFS_PASSWORD_FIELD, 'wresult']);

/** Lower-case headers without cookies and credentials. @internal */
export function loggableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(name)) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** Decoded query parameters (leniently: a malformed escape stays as sent). @internal */
export function loggableQuery(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    query[name] = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1));
  }
  return query;
}

/** The body as logged: parsed JSON, a form with its secrets redacted, or text. @internal */
export function loggableBody(body: string, contentType: string | undefined): unknown {
  if (body === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const form: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body)) {
      form[name] = SECRET_FIELDS.has(name) ? '[redacted]' : value;
    }
    return form;
  }
  // A SOAP token request carries the password in its UsernameToken.
  if (contentType?.includes('soap'))
    return body.replace(/(<(?:\w+:)?Password\b[^>]*>)[^<]*/g, '$1[redacted]');
  return body;
}

/** True when a logged request passes a `requestCount` filter. @internal */
export function matchesRequestFilter(
  request: EmulatorRequestLog,
  filter: EmulatorRequestFilter | undefined,
): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(request);
  const path = filter.path;
  return (
    (filter.method === undefined || filter.method.toUpperCase() === request.method) &&
    (filter.operation === undefined || filter.operation === request.operation) &&
    (filter.service === undefined || filter.service === request.service) &&
    (filter.status === undefined || filter.status === request.status) &&
    (path === undefined ||
      (typeof path === 'string'
        ? request.path === path || request.path.endsWith(`/${path}`)
        : path.test(request.path)))
  );
}
