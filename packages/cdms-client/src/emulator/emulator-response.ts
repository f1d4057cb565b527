/** An answer the emulator is about to write. @internal */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
}

const DATA_SERVICE_VERSION = { DataServiceVersion: '1.0;' };

/** Escapes text for XML and HTML content and attribute values. @internal */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** True when the client accepts JSON (`Accept: application/json`); otherwise CRM answers XML. @internal */
export function acceptsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/json/i.test(accept);
}

/** A JSON answer with the OData headers. @internal */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json;charset=utf-8', ...DATA_SERVICE_VERSION, ...headers },
    body: JSON.stringify(body),
  };
}

/** An XML (Atom or EDMX) answer. @internal */
export function xmlResponse(
  status: number,
  body: string,
  contentType = 'application/xml;charset=utf-8',
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { 'Content-Type': contentType, ...DATA_SERVICE_VERSION, ...headers }, body };
}

/** An answer without a body (204 after an update or delete). @internal */
export function emptyResponse(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { ...DATA_SERVICE_VERSION, ...headers } };
}

/** An HTML page (the login flow). @internal */
export function htmlResponse(
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): EmulatorResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: html };
}

/**
 * The OData error body CRM answers with: JSON
 * `{"error":{"code":"","message":{"lang":"en-US","value":"…"}}}` when JSON was accepted, the
 * same in XML otherwise.
 *
 * @internal
 */
export function errorResponse(
  status: number,
  message: string,
  wantsJson: boolean,
  headers: Record<string, string> = {},
): EmulatorResponse {
  if (wantsJson)
    return jsonResponse(status, { error: { code: '', message: { lang: 'en-US', value: message } } }, headers);
  return xmlResponse(
    status,
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>' +
      '<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      `<code></code><message xml:lang="en-US">${escapeXml(message)}</message></error>`,
    'application/xml;charset=utf-8',
    headers,
  );
}
