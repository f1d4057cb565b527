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
  if (
    typeof options.adfsUrl !== 'string' ||
    !/^https?:\/\/[^/]/i.test(options.adfsUrl) ||
    !URL.canParse(options.adfsUrl)
  ) {
    throw new CdmsInvalidArgumentError(`${strategy}: adfsUrl must be an absolute http(s) URL`);
  }
  if (typeof options.username !== 'string' || options.username.length === 0) {
    throw new CdmsInvalidArgumentError(`${strategy}: username must be a non-empty string`);
  }
  if (typeof options.password !== 'string') {
    throw new CdmsInvalidArgumentError(`${strategy}: password must be a string`);
  }
}

/** An ADFS location in both of the forms the strategies need. @internal */
export interface NormalisedAdfsUrl {
  /** The ADFS root, without trailing slash: `https://adfs.example.org`. */
  readonly root: string;
  /** The trust identifier (`whr`): `https://adfs.example.org/adfs/services/trust`. */
  readonly identifier: string;
}

/** ADFS paths that may follow the root in a configured `adfsUrl`. */
const ADFS_SUFFIX =
  /\/adfs(?:\/services\/trust(?:\/13\/usernamemixed|\/2005\/usernamemixed|\/mex)?|\/ls)?\/*$/i;

/**
 * One meaning for `adfsUrl` in every ADFS strategy: the root (`https://adfs.example.org`), the
 * trust identifier (`…/adfs/services/trust`, the form the prototype configured), the passive
 * sign-in page (`…/adfs/ls/`) and the WS-Trust endpoint (`…/adfs/services/trust/13/usernamemixed`)
 * all name the same ADFS. Query and fragment are dropped.
 *
 * @example
 * ```ts
 * normaliseAdfsUrl('https://adfs.example.org/adfs/services/trust');
 * // { root: 'https://adfs.example.org', identifier: 'https://adfs.example.org/adfs/services/trust' }
 * normaliseAdfsUrl('https://adfs.example.org/'); // the same
 * ```
 *
 * @internal
 */
export function normaliseAdfsUrl(adfsUrl: string): NormalisedAdfsUrl {
  const url = new URL(adfsUrl);
  const path = url.pathname.replace(ADFS_SUFFIX, '').replace(/\/+$/, '');
  const root = `${url.origin}${path}`;
  return { root, identifier: `${root}/adfs/services/trust` };
}
