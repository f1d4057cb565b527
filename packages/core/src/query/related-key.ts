const RELATED_KEY = Symbol.for('@cdms-sync/core.RelatedKey');

/**
 * A related model instance used as a filter value (`{ organisation: acme }`), reduced to its keys:
 * the sync layer compares `id` in SQL and `cdmsPk` in `$filter` (`ParentCustomerId/Id eq guid'…'`).
 */
export interface RelatedKey {
  /** The local primary key of the related row. */
  readonly id: unknown;
  /** Its CDMS GUID, `null` when it was never synced (then no CDMS record can point at it). */
  readonly cdmsPk: string | null;
}

/** Makes a frozen `RelatedKey`. */
export function relatedKey(id: unknown, cdmsPk: string | null): RelatedKey {
  const key = { id, cdmsPk };
  Object.defineProperty(key, RELATED_KEY, { value: true });
  return Object.freeze(key);
}

/** True for values made by `relatedKey` (from any copy of the package). */
export function isRelatedKey(value: unknown): value is RelatedKey {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RELATED_KEY] === true
  );
}
