import { XMLParser } from 'fast-xml-parser';

/** A token an STS issued, as {@link parseWsTrustResponse} reads it. */
export interface WsTrustToken {
  /**
   * The `RequestSecurityTokenResponse` element exactly as the STS sent it (the signed assertion
   * inside is untouched), with the namespace declarations it inherited copied onto it so that it
   * stands alone, e.g. as a WS-Federation `wresult`. A secret: never log it.
   */
  readonly responseXml: string;
  /** `trust:TokenType`, e.g. `urn:oasis:names:tc:SAML:1.0:assertion`, when given. */
  readonly tokenType?: string;
  /** `trust:Lifetime/u:Created`, when given. */
  readonly created?: Date;
  /** `trust:Lifetime/u:Expires`, when given. */
  readonly expires?: Date;
}

/** What an STS answered: a token, a SOAP fault, or something else. @internal */
export type WsTrustOutcome =
  | { readonly kind: 'token'; readonly token: WsTrustToken }
  | { readonly kind: 'fault'; readonly reason: string; readonly code?: string }
  | { readonly kind: 'unexpected'; readonly detail: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/**
 * Reads a WS-Trust 1.3 answer: the (first) `RequestSecurityTokenResponse` with its lifetime, or
 * the SOAP 1.2 (or 1.1) fault reason.
 *
 * @internal
 */
export function parseWsTrustResponse(xml: string): WsTrustOutcome {
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch {
    return { kind: 'unexpected', detail: 'the answer is not XML' };
  }
  const body = child(child(document, 'Envelope'), 'Body');
  if (body === undefined) return { kind: 'unexpected', detail: 'the answer is not a SOAP envelope' };

  const fault = child(body, 'Fault');
  if (fault !== undefined) {
    // SOAP 1.2: Reason/Text and Code/Subcode/Value; SOAP 1.1: faultstring and faultcode.
    const reason =
      textOf(child(child(fault, 'Reason'), 'Text')) ??
      textOf(child(fault, 'faultstring')) ??
      'no reason given';
    const code =
      textOf(child(child(child(fault, 'Code'), 'Subcode'), 'Value')) ?? textOf(child(fault, 'faultcode'));
    return code === undefined ? { kind: 'fault', reason } : { kind: 'fault', reason, code };
  }

  const response =
    child(child(body, 'RequestSecurityTokenResponseCollection'), 'RequestSecurityTokenResponse') ??
    child(body, 'RequestSecurityTokenResponse');
  if (response === undefined || child(response, 'RequestedSecurityToken') === undefined) {
    return { kind: 'unexpected', detail: 'the answer has no RequestedSecurityToken' };
  }
  const responseXml = extractStandaloneElement(xml, 'RequestSecurityTokenResponse');
  if (responseXml === undefined)
    return { kind: 'unexpected', detail: 'the token response could not be extracted' };

  const lifetime = child(response, 'Lifetime');
  const created = parseDate(textOf(child(lifetime, 'Created')));
  const expires = parseDate(textOf(child(lifetime, 'Expires')));
  const tokenType = textOf(child(response, 'TokenType'));
  return {
    kind: 'token',
    token: {
      responseXml,
      ...(tokenType === undefined ? {} : { tokenType }),
      ...(created === undefined ? {} : { created }),
      ...(expires === undefined ? {} : { expires }),
    },
  };
}

function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? value[0] : value;
}

function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node.length === 0 ? undefined : node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && node !== null) return textOf((node as Record<string, unknown>)['#text']);
  return undefined;
}

function parseDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * The first element named `localName` (any prefix) as raw text, with the `xmlns` declarations
 * of the start tags before it added where the element does not declare them itself. Those
 * earlier tags are a superset of its ancestors; in a SOAP answer that is close enough, and a
 * declaration too many is harmless.
 *
 * @internal
 */
export function extractStandaloneElement(xml: string, localName: string): string | undefined {
  const start = new RegExp(`<((?:[A-Za-z_][\\w.-]*:)?)${localName}(?=[\\s/>])`).exec(xml);
  if (start === null) return undefined;
  const prefix = start[1] ?? '';
  const closeTag = `</${prefix}${localName}>`;
  const closeIndex = xml.indexOf(closeTag, start.index);
  if (closeIndex === -1) return undefined;
  const element = xml.slice(start.index, closeIndex + closeTag.length);

  const inherited = new Map<string, string>();
  const declaration = /\sxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*("[^"]*"|'[^']*')/g;
  for (const match of xml.slice(0, start.index).matchAll(declaration)) {
    inherited.set(match[1] ?? '', match[2] ?? '""');
  }
  const startTagEnd = element.indexOf('>');
  const ownStartTag = element.slice(0, startTagEnd);
  const own = new Set([...ownStartTag.matchAll(declaration)].map((match) => match[1] ?? ''));
  const missing = [...inherited]
    .filter(([name]) => !own.has(name))
    .map(([name, value]) => (name === '' ? ` xmlns=${value}` : ` xmlns:${name}=${value}`))
    .join('');
  const nameEnd = 1 + prefix.length + localName.length;
  return `${element.slice(0, nameEnd)}${missing}${element.slice(nameEnd)}`;
}
