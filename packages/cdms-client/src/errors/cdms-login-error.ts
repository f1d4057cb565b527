import { CdmsError, type CdmsErrorOptions, hasCode } from './cdms-error';

/** Options of {@link CdmsLoginError}. */
export interface CdmsLoginErrorOptions extends CdmsErrorOptions {
  /**
   * The sign-in may work when tried again: a sign-in page without its form, a 5xx or a reset
   * during sign-in. Never true for rejected credentials. @default false
   */
  transient?: boolean;
}

/** Logging in failed (wrong credentials, an unexpected login page, an STS fault). Thrown by the `CdmsAuth` implementations. Code `CDMS_LOGIN_FAILED`. */
export class CdmsLoginError extends CdmsError {
  override readonly name = 'CdmsLoginError' as const;
  declare readonly code: 'CDMS_LOGIN_FAILED';
  /** Whether signing in again may succeed (see {@link CdmsLoginErrorOptions.transient}). */
  readonly transient: boolean;

  constructor(message: string, options: CdmsLoginErrorOptions = {}) {
    const { transient = false, ...rest } = options;
    super(message, { ...rest, code: 'CDMS_LOGIN_FAILED' });
    this.transient = transient;
  }
}

/** True for a `CdmsLoginError` from any copy of the package (checks `code === 'CDMS_LOGIN_FAILED'`). */
export function isCdmsLoginError(error: unknown): error is CdmsLoginError {
  return hasCode(error, 'CDMS_LOGIN_FAILED');
}
