/** A GUID as CDMS writes it: 32 hex digits in 8-4-4-4-12 groups, optionally wrapped in braces. */
const GUID_PATTERN = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
/** A GUID already in canonical form (what CDMS sends and the store keeps): returned as is. */
const CANONICAL_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * True when `value` is a GUID string (`7a4814f9-b0b8-ea11-a812-000d3a122b89`, any case, braces allowed).
 *
 * @example
 * isGuid('7A4814F9-B0B8-EA11-A812-000D3A122B89'); // true
 * isGuid("x' or 1 eq 1"); // false
 */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_PATTERN.test(value);
}

/**
 * The canonical form of a GUID: lower-case, without braces, so that local comparisons and `guid'…'`
 * literals agree. Returns `undefined` when `value` is not a GUID.
 *
 * @example
 * normaliseGuid('{7A4814F9-B0B8-EA11-A812-000D3A122B89}'); // '7a4814f9-b0b8-ea11-a812-000d3a122b89'
 */
export function normaliseGuid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (CANONICAL_GUID.test(value)) return value;
  const match = GUID_PATTERN.exec(value);
  return match?.[1]?.toLowerCase();
}
