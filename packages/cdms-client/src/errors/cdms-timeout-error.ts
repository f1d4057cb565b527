import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** No response arrived within `timeoutMs` on every attempt. Code `CDMS_TIMEOUT`. */
export class CdmsTimeoutError extends CdmsError {
  override readonly name = 'CdmsTimeoutError' as const;
  declare readonly code: 'CDMS_TIMEOUT';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_TIMEOUT' });
  }
}

/** True for a `CdmsTimeoutError` from any copy of the package (checks `code === 'CDMS_TIMEOUT'`). */
export function isCdmsTimeoutError(error: unknown): error is CdmsTimeoutError {
  return hasCode(error, 'CDMS_TIMEOUT');
}
