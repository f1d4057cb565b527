import type { ODataFilter } from '@cdms-sync/cdms-client';

/**
 * What a where node compiles to on the CDMS side. `exact: false` means the filter is a superset of the
 * local answer (an over-approximation): the sync layer must then answer from the local store.
 *
 * - `filter`: a `$filter` expression;
 * - `all`: no restriction (a condition CDMS cannot see, e.g. on a local-only field);
 * - `none`: no CDMS record can match (e.g. an empty `in`); always exact.
 */
export type ODataCondition =
  | { readonly kind: 'filter'; readonly filter: ODataFilter; readonly exact: boolean }
  | { readonly kind: 'all'; readonly exact: boolean }
  | { readonly kind: 'none'; readonly exact: true };

/** A condition every record meets (`exact`), or an over-approximation of an unknown one. */
export function allRecords(exact: boolean): ODataCondition {
  return exact ? ALL_EXACT : ALL_INEXACT;
}

/** A condition no CDMS record meets. */
export const NO_RECORDS: ODataCondition = Object.freeze({ kind: 'none', exact: true });

/** A `$filter` condition. */
export function filterCondition(filter: ODataFilter, exact = true): ODataCondition {
  return Object.freeze({ kind: 'filter', filter, exact });
}

const ALL_EXACT: ODataCondition = Object.freeze({ kind: 'all', exact: true });
const ALL_INEXACT: ODataCondition = Object.freeze({ kind: 'all', exact: false });
