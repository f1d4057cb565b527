import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS rejected the request with 400: a bad `$filter`, an unknown attribute, an invalid value, or a duplicate key on a first create. Code `CDMS_BAD_REQUEST`. */
export class CdmsBadRequestError extends CdmsError {
  override readonly name = 'CdmsBadRequestError' as const;
  declare readonly code: 'CDMS_BAD_REQUEST';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_BAD_REQUEST' });
  }
}

/** True for a `CdmsBadRequestError` from any copy of the package (checks `code === 'CDMS_BAD_REQUEST'`). */
export function isCdmsBadRequestError(error: unknown): error is CdmsBadRequestError {
  return hasCode(error, 'CDMS_BAD_REQUEST');
}
