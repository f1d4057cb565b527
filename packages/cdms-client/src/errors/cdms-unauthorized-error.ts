import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 401 even after the client invalidated the session and replayed the request once with fresh credentials. Code `CDMS_UNAUTHORIZED`. */
export class CdmsUnauthorizedError extends CdmsError {
  override readonly name = 'CdmsUnauthorizedError' as const;
  declare readonly code: 'CDMS_UNAUTHORIZED';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_UNAUTHORIZED' });
  }
}

/** True for a `CdmsUnauthorizedError` from any copy of the package (checks `code === 'CDMS_UNAUTHORIZED'`). */
export function isCdmsUnauthorizedError(error: unknown): error is CdmsUnauthorizedError {
  return hasCode(error, 'CDMS_UNAUTHORIZED');
}
