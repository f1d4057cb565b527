import type { CdmsLogger, CdmsRetryOptions } from '../client/types';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { isCdmsLoginError } from '../errors/cdms-login-error';

/** The sign-in retry policy with every default filled in. @internal */
export interface ResolvedLoginRetries {
  readonly limit: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

/** Defaults of the `loginRetries` option: 3 more attempts, 500 ms, 1 s, 2 s apart. */
export const DEFAULT_LOGIN_RETRIES: ResolvedLoginRetries = {
  limit: 3,
  minTimeoutMs: 500,
  maxTimeoutMs: 5000,
};

/**
 * Checks and completes a `loginRetries` option (`false` = no retry). Same shape and meaning as
 * the client's `retries`.
 *
 * @throws {CdmsInvalidArgumentError} when a number is negative or not finite.
 * @internal
 */
export function resolveLoginRetries(
  strategy: string,
  options: CdmsRetryOptions | false | undefined,
): ResolvedLoginRetries {
  if (options === false) return { ...DEFAULT_LOGIN_RETRIES, limit: 0 };
  const limit = options?.limit ?? DEFAULT_LOGIN_RETRIES.limit;
  const minTimeoutMs = options?.minTimeoutMs ?? DEFAULT_LOGIN_RETRIES.minTimeoutMs;
  const maxTimeoutMs = options?.maxTimeoutMs ?? Math.max(minTimeoutMs, DEFAULT_LOGIN_RETRIES.maxTimeoutMs);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new CdmsInvalidArgumentError(`${strategy}: loginRetries.limit must be a non-negative integer`);
  }
  for (const [name, value] of [
    ['minTimeoutMs', minTimeoutMs],
    ['maxTimeoutMs', maxTimeoutMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new CdmsInvalidArgumentError(`${strategy}: loginRetries.${name} must be a non-negative number`);
    }
  }
  return { limit, minTimeoutMs, maxTimeoutMs: Math.max(minTimeoutMs, maxTimeoutMs) };
}

/** Options of {@link signInWithRetries}. @internal */
export interface SignInWithRetriesOptions {
  readonly retries: ResolvedLoginRetries;
  readonly logger?: CdmsLogger;
  readonly signal?: AbortSignal;
}

/**
 * Runs `signIn`, trying again (with exponential backoff from `minTimeoutMs`, capped at
 * `maxTimeoutMs`) while it fails with a transient `CdmsLoginError` (a sign-in page without its
 * form, a 5xx, a reset), at most `limit` more times. Rejected credentials are never tried again.
 * Each retry is logged at `warn` with the error's message, which never holds a credential.
 *
 * @internal
 */
export async function signInWithRetries<T>(
  signIn: () => Promise<T>,
  options: SignInWithRetriesOptions,
): Promise<T> {
  const { retries, logger, signal } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await signIn();
    } catch (error) {
      const retriesLeft = retries.limit - (attempt - 1);
      if (!isCdmsLoginError(error) || !error.transient || retriesLeft <= 0 || signal?.aborted) throw error;
      const delayMs = Math.min(retries.minTimeoutMs * 2 ** (attempt - 1), retries.maxTimeoutMs);
      logger?.warn('CDMS login failed; retrying', {
        attempt,
        retriesLeft,
        delayMs,
        status: error.status,
        reason: error.message,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
