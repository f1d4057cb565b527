import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** Logging in failed (wrong credentials, an unexpected login page, an STS fault). Thrown by the `CdmsAuth` implementations. Code `CDMS_LOGIN_FAILED`. */
export class CdmsLoginError extends CdmsError {
  override readonly name = 'CdmsLoginError' as const;
  declare readonly code: 'CDMS_LOGIN_FAILED';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_LOGIN_FAILED' });
  }
}

/** True for a `CdmsLoginError` from any copy of the package (checks `code === 'CDMS_LOGIN_FAILED'`). */
export function isCdmsLoginError(error: unknown): error is CdmsLoginError {
  return hasCode(error, 'CDMS_LOGIN_FAILED');
}
