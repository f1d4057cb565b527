/// <reference path="./httpntlm.d.ts" />
import httpntlm, { type NtlmType2Message } from 'httpntlm';
import { CdmsLoginError } from '../errors/cdms-login-error';

/**
 * The NTLM messages, from `httpntlm` (the most used NTLM implementation on npm, MIT): type 1
 * (negotiate), type 2 (challenge) decoding and type 3 (authenticate, NTLMv2 when the server
 * negotiates extended security with target info, as every Windows server since 2008 does). Its
 * MD4 comes from `js-md4`, so it works on Node 17+ where OpenSSL 3 disabled MD4.
 *
 * @internal
 */
export const ntlmMessages = httpntlm.ntlm;

/** Which `WWW-Authenticate`/`Authorization` scheme carries the NTLM messages. */
export type NtlmScheme = 'NTLM' | 'Negotiate';

/** The NT hash of a password (MD4 of its UTF-16LE form): all NTLMv2 needs of it. @internal */
export function ntHash(password: string): Buffer {
  return ntlmMessages.create_NT_hashed_password(password);
}

/** `'NTLM <base64>'` for `scheme`. @internal */
export function type1Header(scheme: NtlmScheme, workstation: string, domain: string): string {
  return withScheme(scheme, ntlmMessages.createType1Message({ workstation, domain }));
}

/** `'NTLM <base64>'` for `scheme`. @internal */
export function type3Header(
  scheme: NtlmScheme,
  challenge: NtlmType2Message,
  identity: { username: string; domain: string; workstation: string; ntHash: Buffer },
): string {
  const message = ntlmMessages.createType3Message(challenge, {
    username: identity.username,
    domain: identity.domain,
    workstation: identity.workstation,
    nt_password: identity.ntHash,
  });
  return withScheme(scheme, message);
}

/**
 * The type 2 message in a `WWW-Authenticate` header (`NTLM <b64>` or `Negotiate <b64>`; several
 * headers or comma-joined values), or `undefined` when the server sent none.
 *
 * @throws {CdmsLoginError} when the token is not a type 2 message.
 * @internal
 */
export function readChallenge(wwwAuthenticate: unknown): NtlmType2Message | undefined {
  const token = challengeToken(wwwAuthenticate);
  if (token === undefined) return undefined;
  let failure: Error | undefined;
  const message = ntlmMessages.parseType2Message(`NTLM ${token}`, (error) => {
    failure = error;
  });
  if (message === null || failure !== undefined) {
    throw new CdmsLoginError(
      'NTLM sign-in failed: the server sent a challenge that is not an NTLM type 2 message',
    );
  }
  return message;
}

/** The schemes a `WWW-Authenticate` offers (`['Negotiate', 'NTLM']`), upper-cased first letter kept. @internal */
export function offeredSchemes(wwwAuthenticate: unknown): string[] {
  return headerValues(wwwAuthenticate)
    .map((value) => /^\s*([A-Za-z][\w-]*)/.exec(value)?.[1])
    .filter((scheme): scheme is string => scheme !== undefined);
}

function challengeToken(wwwAuthenticate: unknown): string | undefined {
  for (const value of headerValues(wwwAuthenticate)) {
    const match = /^\s*(?:NTLM|Negotiate)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
    // A Negotiate token that is not NTLMSSP (Kerberos/SPNEGO) is not ours.
    if (
      match?.[1] !== undefined &&
      Buffer.from(match[1], 'base64').subarray(0, 8).toString('latin1') === 'NTLMSSP\0'
    ) {
      return match[1];
    }
  }
  return undefined;
}

function headerValues(header: unknown): string[] {
  const values = Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
  return values.flatMap((value) =>
    typeof value === 'string' ? value.split(/,(?=\s*[A-Za-z][\w-]*(?:\s|$))/) : [],
  );
}

function withScheme(scheme: NtlmScheme, message: string): string {
  return scheme === 'NTLM' ? message : message.replace(/^NTLM /, `${scheme} `);
}
