/** A GUID in its 36-character form: 32 hex digits in 8-4-4-4-12 groups, any case, no braces. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for `7a4814f9-b0b8-ea11-a812-000d3a122b89` (any case, no braces). */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}
