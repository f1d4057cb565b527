import { hostname } from 'node:os';
import type { CdmsLogger } from '../client/types';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { CdmsLoginError } from '../errors/cdms-login-error';
import type { CdmsAuth, CdmsAuthAnswer, CdmsAuthAttempt, CdmsAuthContext } from './cdms-auth';
import { type NtlmConnection, NtlmConnectionPool } from './ntlm-connection-pool';
import {
  type NtlmScheme,
  ntHash,
  offeredSchemes,
  readChallenge,
  type1Header,
  type3Header,
} from './ntlm-messages';
import { parseWindowsUser } from './windows-user';

/** Options of {@link NtlmAuth}. */
export interface NtlmAuthOptions {
  /** The Windows account: `CORP\\alice`, `alice@corp.example.org`, or `alice` with `domain`. */
  username: string;
  password: string;
  /** The NetBIOS domain, when `username` does not carry it. @default the one in `CORP\\alice`, else '' */
  domain?: string;
  /** The workstation name sent in the messages. @default the host name, upper-cased */
  workstation?: string;
  /**
   * The `Authorization` scheme the NTLM messages travel in: `'NTLM'`, or `'Negotiate'` (SPNEGO
   * servers accept an NTLM token there: Negotiate falling back to NTLM). When the server's 401
   * offers only the other one, the client switches once. Kerberos is not supported.
   * @default 'NTLM'
   */
  scheme?: NtlmScheme;
  /**
   * Kept-alive connections to CRM, each authenticated once by a handshake and then reused; also
   * the most requests in flight through this auth. @default 6
   */
  maxConnections?: number;
  /** Receives the handshake's debug lines and its failures (never credentials or messages). */
  logger?: CdmsLogger;
}

/**
 * Windows authentication for on-premises CRM 2011 (IIS with NTLM or Negotiate): the NTLMv2
 * handshake, over a kept-alive connection.
 *
 * NTLM authenticates a connection, not a request, so this auth sends each request itself
 * (`exchange`), through a small pool of connections (`maxConnections`; each an agent with
 * `keepAlive` and `maxSockets: 1`, so all of one handshake goes over one socket):
 *
 * 1. on a connection not yet authenticated, the request goes with `Authorization: NTLM <type 1>`;
 * 2. IIS answers `401 WWW-Authenticate: NTLM <type 2>` (its challenge, for this connection);
 * 3. the same request goes again, on the same socket, with `Authorization: NTLM <type 3>` (the
 *    NTLMv2 response: HMAC-MD5 over the challenge with a key derived from the password); the
 *    answer is the request's own answer;
 * 4. later requests on that connection go without `Authorization`; a 401 there (the server
 *    closed the connection, a new one was opened) starts one new handshake.
 *
 * A 401 to the type 3 message means the credentials were rejected: a `CdmsLoginError` (never
 * retried, no credential in it). The messages come from the `httpntlm` package; only the NT hash
 * of the password is kept in memory. A 401 means CRM did not process the request, so the
 * handshake repeats any request safely (POST included).
 *
 * @throws {CdmsInvalidArgumentError} when `username` is empty, `password` is not a string or
 *   `maxConnections` is not a positive integer.
 *
 * @example
 * ```ts
 * const auth = new NtlmAuth({ username: 'CORP\\alice', password: process.env.CDMS_PASSWORD! });
 * const client = new CdmsClient({ baseUrl: 'https://crm.corp.example.org/ORG', auth });
 * await client.list('Account', { top: 1 });
 * // GET …/AccountSet?$top=1  Authorization: NTLM TlRMTVNTUAABAAAA…  -> 401 WWW-Authenticate: NTLM TlRMTVNTUAACAAAA…
 * // GET …/AccountSet?$top=1  Authorization: NTLM TlRMTVNTUAADAAAA…  -> 200 (same socket)
 * ```
 */
export class NtlmAuth implements CdmsAuth {
  readonly #username: string;
  readonly #domain: string;
  readonly #workstation: string;
  readonly #ntHash: Buffer;
  readonly #pool: NtlmConnectionPool;
  readonly #logger: CdmsLogger | undefined;
  #scheme: NtlmScheme;

  constructor(options: NtlmAuthOptions) {
    if (typeof options?.username !== 'string' || options.username.length === 0) {
      throw new CdmsInvalidArgumentError('NtlmAuth: username must be a non-empty string');
    }
    if (typeof options.password !== 'string') {
      throw new CdmsInvalidArgumentError('NtlmAuth: password must be a string');
    }
    const maxConnections = options.maxConnections ?? 6;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new CdmsInvalidArgumentError('NtlmAuth: maxConnections must be a positive integer');
    }
    if (options.scheme !== undefined && options.scheme !== 'NTLM' && options.scheme !== 'Negotiate') {
      throw new CdmsInvalidArgumentError("NtlmAuth: scheme must be 'NTLM' or 'Negotiate'");
    }
    const user = parseWindowsUser(options.username, options.domain);
    this.#username = user.username;
    this.#domain = user.domain;
    this.#workstation = (options.workstation ?? hostname()).toUpperCase();
    this.#ntHash = ntHash(options.password);
    this.#scheme = options.scheme ?? 'NTLM';
    this.#pool = new NtlmConnectionPool(maxConnections);
    this.#logger = options.logger;
  }

  /** No headers: NTLM authenticates the connection, in `exchange`. */
  async headers(): Promise<Record<string, string>> {
    return {};
  }

  /** Forgets that any connection is authenticated: the next request on each shakes hands again. */
  async invalidate(): Promise<void> {
    this.#pool.forget();
  }

  /** Closes the kept-alive connections (a later request opens new ones). */
  close(): void {
    this.#pool.destroy();
  }

  /** Sends one attempt over a pooled connection, shaking hands first when it is not authenticated. */
  async exchange<T extends CdmsAuthAnswer>(
    _context: CdmsAuthContext,
    send: (attempt: CdmsAuthAttempt) => Promise<T>,
  ): Promise<T> {
    const connection = await this.#pool.acquire();
    try {
      if (connection.authenticated) {
        const answer = await send(agentsOf(connection));
        if (answer.status !== 401) return answer;
        connection.authenticated = false;
        this.#logger?.debug('CDMS NTLM: the connection is no longer authenticated; shaking hands again');
      }
      return await this.#handshake(connection, send);
    } catch (error) {
      connection.authenticated = false;
      throw error;
    } finally {
      this.#pool.release(connection);
    }
  }

  async #handshake<T extends CdmsAuthAnswer>(
    connection: NtlmConnection,
    send: (attempt: CdmsAuthAttempt) => Promise<T>,
  ): Promise<T> {
    let negotiate = await this.#sendType1(connection, send);
    if (negotiate.status !== 401) return negotiate;
    let challenge = readChallenge(negotiate.headers['www-authenticate']);
    const offered = offeredSchemes(negotiate.headers['www-authenticate']);
    const other: NtlmScheme = this.#scheme === 'NTLM' ? 'Negotiate' : 'NTLM';
    if (challenge === undefined && offered.some((scheme) => scheme.toLowerCase() === other.toLowerCase())) {
      this.#logger?.debug(`CDMS NTLM: the server offers ${offered.join(', ')}; switching to ${other}`);
      this.#scheme = other;
      negotiate = await this.#sendType1(connection, send);
      if (negotiate.status !== 401) return negotiate;
      challenge = readChallenge(negotiate.headers['www-authenticate']);
    }
    if (challenge === undefined) {
      throw new CdmsLoginError(
        `NTLM sign-in failed: CDMS answered 401 without an NTLM challenge (it offers ${offered.length === 0 ? 'no scheme' : offered.join(', ')}); check that Windows authentication (NTLM or Negotiate) is enabled`,
        { status: 401 },
      );
    }
    const authenticate = await send({
      ...agentsOf(connection),
      headers: {
        Authorization: type3Header(this.#scheme, challenge, {
          username: this.#username,
          domain: this.#domain,
          workstation: this.#workstation,
          ntHash: this.#ntHash,
        }),
      },
    });
    if (authenticate.status === 401) {
      this.#logger?.warn('CDMS NTLM sign-in rejected (wrong user name, domain or password)');
      throw new CdmsLoginError(
        'NTLM sign-in failed: CDMS rejected the credentials (401 to the NTLM authenticate message); check the user name, domain and password',
        { status: 401 },
      );
    }
    connection.authenticated = true;
    this.#logger?.debug('CDMS NTLM sign-in succeeded', { scheme: this.#scheme, status: authenticate.status });
    return authenticate;
  }

  #sendType1<T extends CdmsAuthAnswer>(
    connection: NtlmConnection,
    send: (attempt: CdmsAuthAttempt) => Promise<T>,
  ): Promise<T> {
    return send({
      ...agentsOf(connection),
      headers: { Authorization: type1Header(this.#scheme, this.#workstation, this.#domain) },
    });
  }
}

function agentsOf(connection: NtlmConnection): CdmsAuthAttempt {
  return { httpAgent: connection.httpAgent, httpsAgent: connection.httpsAgent };
}
