import { REDACTED } from '../errors/redact';

/**
 * Replaces every occurrence of the given secrets (raw, URL-encoded and XML-escaped forms) in a
 * text that came from a server, e.g. an ADFS error label or a SOAP fault that echoes the user
 * name. Secrets shorter than 3 characters are left alone: replacing them would mangle the text
 * without protecting anything.
 *
 * @example
 * ```ts
 * redactSecrets('User alice is locked out', ['alice']); // 'User REDACTED is locked out'
 * ```
 *
 * @internal
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    const forms = new Set([secret, encodeURIComponent(secret), escapeXmlText(secret)]);
    for (const form of forms) result = result.split(form).join(REDACTED);
  }
  return result;
}

/**
 * Escapes text for an XML element or a double- or single-quoted attribute.
 *
 * @internal
 */
export function escapeXmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
