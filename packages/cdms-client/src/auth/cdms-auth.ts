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
 * How the client proves who it is. The client asks for headers before every request and calls
 * `invalidate` once after a 401, then asks again and replays the request once.
 *
 * Implementations must never put credentials, cookies or tokens into error messages or logs.
 */
export interface CdmsAuth {
  /** Headers to add to a request (`Cookie`, `Authorization`, …); logs in first when needed. */
  headers(context: CdmsAuthContext): Promise<Record<string, string>>;
  /** Forget the current session (it expired: the server said 401). */
  invalidate(): Promise<void>;
}
