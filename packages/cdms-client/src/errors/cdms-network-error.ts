import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** The connection failed without an HTTP response (`ECONNRESET`, `ECONNREFUSED`, DNS …). The `cause` carries the system error code. Code `CDMS_NETWORK_ERROR`. */
export class CdmsNetworkError extends CdmsError {
  override readonly name = 'CdmsNetworkError' as const;
  declare readonly code: 'CDMS_NETWORK_ERROR';

  constructor(message: string, options: CdmsErrorOptions = {}) {
    super(message, { ...options, code: 'CDMS_NETWORK_ERROR' });
  }
}

/** True for a `CdmsNetworkError` from any copy of the package (checks `code === 'CDMS_NETWORK_ERROR'`). */
export function isCdmsNetworkError(error: unknown): error is CdmsNetworkError {
  return hasCode(error, 'CDMS_NETWORK_ERROR');
}
