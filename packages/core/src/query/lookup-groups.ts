import type { LookupName } from './where-node';

/**
 * Lookup groups shared by the local filter builder (`buildWhere`: what a field type accepts) and
 * the field codecs (`fields.*`: what CDMS can evaluate on an attribute).
 * @internal
 */

/** Equality: `exact`, `in`, `isnull`. @internal */
export const EQUALITY_LOOKUPS: readonly LookupName[] = Object.freeze(['exact', 'in', 'isnull']);

/** Equality plus the comparisons and `range`. @internal */
export const ORDERED_LOOKUPS: readonly LookupName[] = Object.freeze([
  ...EQUALITY_LOOKUPS,
  'gt',
  'gte',
  'lt',
  'lte',
  'range',
]);

/** Text matching that CDMS can express (`iexact`, `contains` … `iendswith`); no regular expressions. @internal */
export const TEXT_MATCH_LOOKUPS: readonly LookupName[] = Object.freeze([
  'iexact',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
]);
