import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 403: the user is authenticated but lacks the privilege. Code `CDMS_FORBIDDEN`. */
export class CdmsForbiddenError extends CdmsError {
  override readonly name = 'CdmsForbiddenError' as const;
  declare readonly code: 'CDMS_FORBIDDEN';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_FORBIDDEN' });
  }
}

/** True for a `CdmsForbiddenError` from any copy of the package (checks `code === 'CDMS_FORBIDDEN'`). */
export function isCdmsForbiddenError(error: unknown): error is CdmsForbiddenError {
  return hasCode(error, 'CDMS_FORBIDDEN');
}
