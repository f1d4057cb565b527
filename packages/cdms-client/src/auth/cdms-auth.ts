import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AxiosInstance } from 'axios';

/** What an authentication strategy is given when it needs to talk to the network. */
export interface CdmsAuthContext {
  /** The organisation root, e.g. `https://crm.example.org/ORG` (no service path). */
  readonly baseUrl: string;
  /** The client's axios instance, for login round trips (follow redirects yourself to keep cookies). */
  readonly http: AxiosInstance;
  /** Aborts the login when the caller gives up. */
  readonly signal?: AbortSignal;
}

/**
 * The session a request was sent with, handed back to {@link CdmsAuth.invalidate} when CDMS said
 * it had expired. A strategy compares it with its current session: when it has signed in again
 * since that request was sent, the newer session is kept (ten staggered 401s, one sign-in).
 */
export interface CdmsRejectedSession {
  /** The headers `headers()` returned for the rejected request. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What an exchange of a connection-based scheme may add to one HTTP attempt. */
export interface CdmsAuthAttempt {
  /** Headers to send with this attempt (e.g. `Authorization: NTLM …`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The agent (one kept-alive connection) for an `http:` URL. */
  readonly httpAgent?: HttpAgent;
  /** The agent (one kept-alive connection) for an `https:` URL. */
  readonly httpsAgent?: HttpsAgent;
}

/** The part of an answer a connection-based scheme reads. */
export interface CdmsAuthAnswer {
  readonly status: number;
  /** Lower-case response headers. */
  readonly headers: Readonly<Record<string, unknown>>;
}

/**
 * How the client proves who it is. The client asks for headers before every request. When CDMS
 * says the session expired (a 401, a redirect to the sign-in page, or a sign-in page where JSON
 * was expected) it calls `invalidate` once with the session that was rejected, then asks again
 * and replays the request once.
 *
 * Implementations must never put credentials, cookies or tokens into error messages or logs.
 */
export interface CdmsAuth {
  /** Headers to add to a request (`Cookie`, `Authorization`, …); logs in first when needed. */
  headers(context: CdmsAuthContext): Promise<Record<string, string>>;
  /**
   * Forget the session `rejected` was sent with (it expired). Without `rejected`, forget the
   * current session whatever it is.
   */
  invalidate(rejected?: CdmsRejectedSession): Promise<void>;
  /**
   * For connection-based schemes (NTLM, Negotiate): runs one attempt itself. `send` sends the
   * request with what the scheme adds (headers, a kept-alive agent) and resolves with the answer
   * for every status; it may be called several times (the handshake). Returns the final answer.
   */
  exchange?<T extends CdmsAuthAnswer>(
    context: CdmsAuthContext,
    send: (attempt: CdmsAuthAttempt) => Promise<T>,
  ): Promise<T>;
}
