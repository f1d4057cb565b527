/**
 * A JSON-style object: not null, not an array, not a `Date` (CDMS values decode dates to `Date`).
 *
 * @internal
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
