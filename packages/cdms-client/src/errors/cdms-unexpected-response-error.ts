import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered with a status the operation does not expect, a body that is not JSON, or JSON of the wrong shape. Code `CDMS_UNEXPECTED_RESPONSE`. */
export class CdmsUnexpectedResponseError extends CdmsError {
  override readonly name = 'CdmsUnexpectedResponseError' as const;
  declare readonly code: 'CDMS_UNEXPECTED_RESPONSE';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_UNEXPECTED_RESPONSE' });
  }
}

/** True for a `CdmsUnexpectedResponseError` from any copy of the package (checks `code === 'CDMS_UNEXPECTED_RESPONSE'`). */
export function isCdmsUnexpectedResponseError(error: unknown): error is CdmsUnexpectedResponseError {
  return hasCode(error, 'CDMS_UNEXPECTED_RESPONSE');
}
