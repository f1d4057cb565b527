import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** CDMS answered 409 or 412: the record changed or already exists. Code `CDMS_CONFLICT`. */
export class CdmsConflictError extends CdmsError {
  override readonly name = 'CdmsConflictError' as const;
  declare readonly code: 'CDMS_CONFLICT';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_CONFLICT' });
  }
}

/** True for a `CdmsConflictError` from any copy of the package (checks `code === 'CDMS_CONFLICT'`). */
export function isCdmsConflictError(error: unknown): error is CdmsConflictError {
  return hasCode(error, 'CDMS_CONFLICT');
}
