import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 429 on every attempt (see `retryAfterMs` for the delay it asked for). Code `CDMS_TOO_MANY_REQUESTS`. */
export class CdmsTooManyRequestsError extends CdmsError {
  override readonly name = 'CdmsTooManyRequestsError' as const;
  declare readonly code: 'CDMS_TOO_MANY_REQUESTS';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_TOO_MANY_REQUESTS' });
  }
}

/** True for a `CdmsTooManyRequestsError` from any copy of the package (checks `code === 'CDMS_TOO_MANY_REQUESTS'`). */
export function isCdmsTooManyRequestsError(error: unknown): error is CdmsTooManyRequestsError {
  return hasCode(error, 'CDMS_TOO_MANY_REQUESTS');
}
