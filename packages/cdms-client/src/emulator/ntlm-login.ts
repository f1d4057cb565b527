import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { ntHash } from '../auth/ntlm-messages';
import { parseWindowsUser } from '../auth/windows-user';
import { type EmulatorResponse, errorResponse } from './emulator-response';
import type { EmulatorNtlmOptions } from './types';

const SIGNATURE = 'NTLMSSP\0';
const FLAG_UNICODE = 0x00000001;
/** Unicode, request target, NTLM, always sign, target type domain, extended security, target info, version, 128, 56. */
const CHALLENGE_FLAGS =
  (0x00000001 | 0x4 | 0x200 | 0x8000 | 0x10000 | 0x80000 | 0x800000 | 0x2000000 | 0x20000000 | 0x80000000) >>>
  0;

interface ConnectionState {
  /** The challenge sent on this connection, waiting for the type 3 message. */
  challenge?: Buffer;
  authenticated?: boolean;
}

/** The outcome of {@link NtlmLogin.authorize}. @internal */
export type NtlmVerdict = (
  | { readonly authorized: true }
  | { readonly authorized: false; readonly answer: EmulatorResponse }
) & {
  /** The NTLM message the request carried. */
  readonly message?: 1 | 3;
};

/**
 * The server side of Windows authentication, as IIS does it (documented on `EmulatorNtlmOptions`):
 * per-connection state, a fresh challenge per handshake, the NTLMv2 response checked with the
 * configured user's NT hash (the same `httpntlm` MD4 the client uses) and `node:crypto` HMAC-MD5.
 *
 * @internal
 */
export class NtlmLogin {
  readonly #user: string;
  readonly #domain: string;
  readonly #ntHash: Buffer;
  readonly #schemes: readonly string[];
  #connections = new WeakMap<Socket, ConnectionState>();

  constructor(options: EmulatorNtlmOptions) {
    const user = parseWindowsUser(options.username, options.domain);
    const at = user.username.indexOf('@');
    this.#user = at === -1 ? user.username : user.username.slice(0, at);
    this.#domain = (
      user.domain ||
      (at === -1 ? '' : user.username.slice(at + 1).split('.')[0]) ||
      'CORP'
    ).toUpperCase();
    this.#ntHash = ntHash(options.password);
    this.#schemes = options.schemes ?? ['Negotiate', 'NTLM'];
  }

  /** Forgets every authenticated connection. */
  clear(): void {
    this.#connections = new WeakMap();
  }

  /** Whether a data request on `socket` may go on; else the 401 to answer. */
  authorize(socket: Socket, authorization: string | undefined, wantsJson: boolean): NtlmVerdict {
    const state = this.#connections.get(socket) ?? {};
    this.#connections.set(socket, state);
    const match = /^\s*(NTLM|Negotiate)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (match === null) {
      if (state.authenticated === true && authorization === undefined) return { authorized: true };
      return { authorized: false, answer: this.#unauthorized(wantsJson, this.#schemes) };
    }
    const scheme = match[1]!.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate';
    const message = Buffer.from(match[2]!, 'base64');
    const type =
      message.length >= 12 && message.toString('latin1', 0, 8) === SIGNATURE ? message.readUInt32LE(8) : 0;
    state.authenticated = false;
    if (type === 1) {
      state.challenge = randomBytes(8);
      return {
        authorized: false,
        message: 1,
        answer: this.#unauthorized(wantsJson, [
          `${scheme} ${this.#challengeMessage(state.challenge).toString('base64')}`,
        ]),
      };
    }
    const challenge = state.challenge;
    state.challenge = undefined;
    const carried = type === 3 ? { message: 3 as const } : {};
    if (type === 3 && challenge !== undefined && this.#verify(message, challenge)) {
      state.authenticated = true;
      return { authorized: true, ...carried };
    }
    return { authorized: false, answer: this.#unauthorized(wantsJson, this.#schemes), ...carried };
  }

  #unauthorized(wantsJson: boolean, wwwAuthenticate: readonly string[]): EmulatorResponse {
    const answer = errorResponse(401, 'Access is denied due to invalid credentials.', wantsJson);
    return { ...answer, headers: { ...answer.headers, 'WWW-Authenticate': [...wwwAuthenticate] } };
  }

  /** A type 2 message: flags, the challenge, the domain as target name and the target info. */
  #challengeMessage(challenge: Buffer): Buffer {
    const targetName = Buffer.from(this.#domain, 'utf16le');
    const targetInfo = Buffer.concat([
      avPair(2, Buffer.from(this.#domain, 'utf16le')),
      avPair(1, Buffer.from('CRM', 'utf16le')),
      avPair(4, Buffer.from(`${this.#domain.toLowerCase()}.example.org`, 'utf16le')),
      avPair(3, Buffer.from(`crm.${this.#domain.toLowerCase()}.example.org`, 'utf16le')),
      avPair(7, fileTime(Date.now())),
      avPair(0, Buffer.alloc(0)),
    ]);
    const header = Buffer.alloc(56);
    header.write(SIGNATURE, 0, 'latin1');
    header.writeUInt32LE(2, 8);
    writeSecurityBuffer(header, 12, targetName.length, 56);
    header.writeUInt32LE(CHALLENGE_FLAGS, 20);
    challenge.copy(header, 24);
    writeSecurityBuffer(header, 40, targetInfo.length, 56 + targetName.length);
    // Version: Windows Server 2008 R2 (6.1.7601), NTLM revision 15.
    header.writeUInt8(6, 48);
    header.writeUInt8(1, 49);
    header.writeUInt16LE(7601, 50);
    header.writeUInt8(15, 55);
    return Buffer.concat([header, targetName, targetInfo]);
  }

  /** Checks a type 3 message: the configured user, and an NTLMv2 response to `challenge`. */
  #verify(message: Buffer, challenge: Buffer): boolean {
    try {
      const flags = message.length >= 64 ? message.readUInt32LE(60) : 0;
      const encoding = (flags & FLAG_UNICODE) !== 0 ? 'utf16le' : 'latin1';
      const ntResponse = readSecurityBuffer(message, 20);
      const domain = readSecurityBuffer(message, 28).toString(encoding);
      const user = readSecurityBuffer(message, 36).toString(encoding);
      if (!this.#isConfiguredUser(user, domain)) return false;
      // NTLMv2: a 16-byte proof, then the client's blob (NTLMv1 answers are 24 bytes: refused).
      if (ntResponse.length <= 24) return false;
      const key = hmacMd5(this.#ntHash, Buffer.from(user.toUpperCase() + domain, 'utf16le'));
      const blob = ntResponse.subarray(16);
      const expected = hmacMd5(key, Buffer.concat([challenge, blob]));
      return timingSafeEqual(expected, ntResponse.subarray(0, 16));
    } catch {
      return false;
    }
  }

  #isConfiguredUser(user: string, domain: string): boolean {
    const at = user.indexOf('@');
    const name = at === -1 ? user : user.slice(0, at);
    const userDomain = at === -1 ? domain : (user.slice(at + 1).split('.')[0] ?? '');
    return (
      name.toLowerCase() === this.#user.toLowerCase() &&
      (userDomain === '' || userDomain.toUpperCase() === this.#domain)
    );
  }
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Windows FILETIME: 100 ns ticks since 1601-01-01, little-endian. */
function fileTime(ms: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE((BigInt(ms) + 11_644_473_600_000n) * 10_000n);
  return buffer;
}

function writeSecurityBuffer(buffer: Buffer, at: number, length: number, offset: number): void {
  buffer.writeUInt16LE(length, at);
  buffer.writeUInt16LE(length, at + 2);
  buffer.writeUInt32LE(offset, at + 4);
}

function readSecurityBuffer(message: Buffer, at: number): Buffer {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (offset + length > message.length) throw new RangeError('security buffer out of range');
  return message.subarray(offset, offset + length);
}

function hmacMd5(key: Buffer, data: Buffer): Buffer {
  return createHmac('md5', key).update(data).digest();
}
