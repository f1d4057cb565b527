import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 5xx (a CRM fault, or 503 when overloaded) on every attempt. Code `CDMS_SERVER_ERROR`. */
export class CdmsServerError extends CdmsError {
  override readonly name = 'CdmsServerError' as const;
  declare readonly code: 'CDMS_SERVER_ERROR';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_SERVER_ERROR' });
  }
}

/** True for a `CdmsServerError` from any copy of the package (checks `code === 'CDMS_SERVER_ERROR'`). */
export function isCdmsServerError(error: unknown): error is CdmsServerError {
  return hasCode(error, 'CDMS_SERVER_ERROR');
}
