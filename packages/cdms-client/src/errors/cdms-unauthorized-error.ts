import type { CdmsSessionExpiry } from '../auth/session-expiry';
import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** Options of {@link CdmsUnauthorizedError}. */
export interface CdmsUnauthorizedErrorOptions extends CdmsErrorOptions {
  /** How CDMS said so: a 401, a redirect to the sign-in page, or a sign-in page instead of data. */
  sessionExpiry?: CdmsSessionExpiry;
}

/**
 * CDMS said the session is not authenticated (a 401, a redirect to the identity provider's
 * sign-in page, or that sign-in page where JSON was expected) even after the client dropped the
 * session, signed in again and replayed the request once; or it said so and there is no `auth`
 * to sign in with. Code `CDMS_UNAUTHORIZED`.
 */
export class CdmsUnauthorizedError extends CdmsError {
  override readonly name = 'CdmsUnauthorizedError' as const;
  declare readonly code: 'CDMS_UNAUTHORIZED';
  /** The shape of the last "sign in again" answer. */
  readonly sessionExpiry?: CdmsSessionExpiry;

  constructor(message: string, options: CdmsUnauthorizedErrorOptions = {}) {
    const { sessionExpiry, ...rest } = options;
    super(message, { ...rest, code: 'CDMS_UNAUTHORIZED' });
    if (sessionExpiry !== undefined) this.sessionExpiry = sessionExpiry;
  }
}

/** True for a `CdmsUnauthorizedError` from any copy of the package (checks `code === 'CDMS_UNAUTHORIZED'`). */
export function isCdmsUnauthorizedError(error: unknown): error is CdmsUnauthorizedError {
  return hasCode(error, 'CDMS_UNAUTHORIZED');
}
