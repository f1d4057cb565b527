import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 404: no record with that id (or an unknown entity set). Code `CDMS_NOT_FOUND`. */
export class CdmsNotFoundError extends CdmsError {
  override readonly name = 'CdmsNotFoundError' as const;
  declare readonly code: 'CDMS_NOT_FOUND';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_NOT_FOUND' });
  }
}

/** True for a `CdmsNotFoundError` from any copy of the package (checks `code === 'CDMS_NOT_FOUND'`). */
export function isCdmsNotFoundError(error: unknown): error is CdmsNotFoundError {
  return hasCode(error, 'CDMS_NOT_FOUND');
}
