import { randomUUID } from 'node:crypto';
import { escapeXmlText } from './redact-secrets';

/** What goes into a WS-Trust 1.3 Issue request. @internal */
export interface WsTrustRequest {
  /** The STS endpoint, e.g. `https://adfs.example.org/adfs/services/trust/13/usernamemixed`. */
  readonly endpoint: string;
  /** The relying party the token is for (`wsp:AppliesTo`). */
  readonly appliesTo: string;
  readonly username: string;
  readonly password: string;
  /** When the request is made (the security header's timestamp). @default now */
  readonly now?: Date;
  /** The `a:MessageID`. @default a random `urn:uuid:` */
  readonly messageId?: string;
}

/** @internal */
export const WS_TRUST_ISSUE_ACTION = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue';

/**
 * A SOAP 1.2 envelope asking an STS for a bearer token with a WS-Security UsernameToken
 * (`PasswordText`, which `usernamemixed` accepts because TLS protects the message). Every value
 * is XML-escaped.
 *
 * @internal
 */
export function buildWsTrustIssueEnvelope(request: WsTrustRequest): string {
  const now = request.now ?? new Date();
  const expires = new Date(now.getTime() + 5 * 60_000);
  const messageId = request.messageId ?? `urn:uuid:${randomUUID()}`;
  const text = escapeXmlText;
  return [
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">',
    '<s:Header>',
    `<a:Action s:mustUnderstand="1">${WS_TRUST_ISSUE_ACTION}</a:Action>`,
    `<a:MessageID>${text(messageId)}</a:MessageID>`,
    '<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>',
    `<a:To s:mustUnderstand="1">${text(request.endpoint)}</a:To>`,
    '<o:Security s:mustUnderstand="1" xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">',
    `<u:Timestamp u:Id="_0"><u:Created>${isoSeconds(now)}</u:Created><u:Expires>${isoSeconds(expires)}</u:Expires></u:Timestamp>`,
    `<o:UsernameToken u:Id="uuid-${randomUUID()}">`,
    `<o:Username>${text(request.username)}</o:Username>`,
    `<o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${text(request.password)}</o:Password>`,
    '</o:UsernameToken>',
    '</o:Security>',
    '</s:Header>',
    '<s:Body>',
    '<trust:RequestSecurityToken xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512">',
    '<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy">',
    `<a:EndpointReference><a:Address>${text(request.appliesTo)}</a:Address></a:EndpointReference>`,
    '</wsp:AppliesTo>',
    '<trust:KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer</trust:KeyType>',
    '<trust:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</trust:RequestType>',
    '</trust:RequestSecurityToken>',
    '</s:Body>',
    '</s:Envelope>',
  ].join('');
}

/** `2024-01-02T03:04:05Z`: WS-Security timestamps without milliseconds. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
