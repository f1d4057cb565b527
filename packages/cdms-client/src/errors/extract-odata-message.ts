import { XMLParser } from 'fast-xml-parser';

/** Longest message kept from a plain-text or HTML body, so a huge fault page stays readable. */
const MAX_PLAIN_TEXT_LENGTH = 500;

/**
 * The human-readable message of a CDMS error body, in any of the forms the endpoint uses:
 * - JSON: `{"error":{"code":"","message":{"lang":"en-US","value":"…"}}}`
 * - XML: `<error xmlns="…/dataservices/metadata"><code/><message xml:lang="en-US">…</message></error>`
 * - plain text (or an IIS HTML page: its `<title>`), truncated to 500 characters.
 *
 * Returns `undefined` for an empty body.
 *
 * @example
 * ```ts
 * extractODataMessage('{"error":{"code":"","message":{"lang":"en-US","value":"Not found"}}}'); // 'Not found'
 * ```
 */
export function extractODataMessage(body: string | undefined): string | undefined {
  const text = body?.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) return fromJson(text) ?? truncate(text);
  if (text.startsWith('<')) return fromXml(text) ?? fromHtmlTitle(text);
  return truncate(text);
}

function fromJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = asRecord(parsed);
  // OData v2 uses `error`; v4-style and some proxies use `odata.error`.
  const error = asRecord(root?.error) ?? asRecord(root?.['odata.error']);
  return messageText(error?.message);
}

function fromXml(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false }).parse(
      text,
    );
  } catch {
    return undefined;
  }
  const error = asRecord(asRecord(parsed)?.error);
  return messageText(error?.message);
}

function fromHtmlTitle(text: string): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  return title ? truncate(title) : undefined;
}

/** The message is a string, `{ value }` (JSON) or `{ '#text' }` (XML with attributes). */
function messageText(message: unknown): string | undefined {
  if (typeof message === 'string') return message.trim() || undefined;
  const record = asRecord(message);
  const value = record?.value ?? record?.['#text'];
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function truncate(text: string): string {
  return text.length > MAX_PLAIN_TEXT_LENGTH ? `${text.slice(0, MAX_PLAIN_TEXT_LENGTH)}…` : text;
}
