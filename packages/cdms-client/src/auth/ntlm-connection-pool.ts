import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * One kept-alive connection: an agent pair with `keepAlive` and `maxSockets: 1`, so that every
 * request sent through it (the NTLM type 1 and type 3 messages above all) goes over the same
 * socket, one at a time. NTLM authenticates the connection, not the request. @internal
 */
export interface NtlmConnection {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  /** The handshake succeeded on this connection (and no 401 came since). */
  authenticated: boolean;
}

/**
 * At most `size` {@link NtlmConnection}s, each lent to one request at a time: an idle
 * authenticated one first, else an idle one, else a new one while there are fewer than `size`,
 * else the request waits for the first one given back.
 *
 * @internal
 */
export class NtlmConnectionPool {
  readonly #size: number;
  readonly #all: NtlmConnection[] = [];
  readonly #idle: NtlmConnection[] = [];
  readonly #waiting: Array<(connection: NtlmConnection) => void> = [];

  constructor(size: number) {
    this.#size = size;
  }

  acquire(): Promise<NtlmConnection> {
    const authenticated = this.#idle.findIndex((connection) => connection.authenticated);
    const index = authenticated !== -1 ? authenticated : this.#idle.length - 1;
    if (index >= 0) return Promise.resolve(this.#idle.splice(index, 1)[0]!);
    if (this.#all.length < this.#size) {
      const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
      const connection: NtlmConnection = {
        httpAgent: new HttpAgent(options),
        httpsAgent: new HttpsAgent(options),
        authenticated: false,
      };
      this.#all.push(connection);
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(connection: NtlmConnection): void {
    if (!this.#all.includes(connection)) return;
    const next = this.#waiting.shift();
    if (next !== undefined) next(connection);
    else this.#idle.push(connection);
  }

  /** Closes every connection and forgets that any was authenticated. */
  destroy(): void {
    for (const connection of this.#all) {
      connection.authenticated = false;
      connection.httpAgent.destroy();
      connection.httpsAgent.destroy();
    }
  }

  /** Forgets that any connection was authenticated (the next request on each shakes hands again). */
  forget(): void {
    for (const connection of this.#all) connection.authenticated = false;
  }
}
