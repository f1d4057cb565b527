import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** The caller passed something that cannot be sent (a malformed GUID, an invalid entity name …). Nothing was sent. Code `CDMS_INVALID_ARGUMENT`. */
export class CdmsInvalidArgumentError extends CdmsError {
  override readonly name = 'CdmsInvalidArgumentError' as const;
  declare readonly code: 'CDMS_INVALID_ARGUMENT';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_INVALID_ARGUMENT' });
  }
}

/** True for a `CdmsInvalidArgumentError` from any copy of the package (checks `code === 'CDMS_INVALID_ARGUMENT'`). */
export function isCdmsInvalidArgumentError(error: unknown): error is CdmsInvalidArgumentError {
  return hasCode(error, 'CDMS_INVALID_ARGUMENT');
}
