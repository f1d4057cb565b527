import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';

/** What every ADFS login needs: where ADFS is and whom to sign in. @internal */
export interface AdfsCredentials {
  adfsUrl: string;
  username: string;
  password: string;
}

/**
 * Checks the ADFS URL and the credentials before anything is sent, naming the strategy in the
 * error (e.g. `AdfsFormAuth: username must be a non-empty string`). Never quotes a value.
 *
 * @throws {CdmsInvalidArgumentError} when `adfsUrl` is not an absolute http(s) URL, `username`
 *   is not a non-empty string or `password` is not a string.
 * @internal
 */
export function assertAdfsCredentials(strategy: string, options: AdfsCredentials): void {
  if (typeof options.adfsUrl !== 'string' || !/^https?:\/\//i.test(options.adfsUrl)) {
    throw new CdmsInvalidArgumentError(`${strategy}: adfsUrl must be an absolute http(s) URL`);
  }
  if (typeof options.username !== 'string' || options.username.length === 0) {
    throw new CdmsInvalidArgumentError(`${strategy}: username must be a non-empty string`);
  }
  if (typeof options.password !== 'string') {
    throw new CdmsInvalidArgumentError(`${strategy}: password must be a string`);
  }
}
