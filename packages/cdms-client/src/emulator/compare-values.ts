/** A scalar the evaluator compares: text, a number (also dates as epoch ms) or a boolean. @internal */
export type ComparableValue = string | number | boolean | null;

/**
 * Folds case the way the emulator's collation does: CRM runs on SQL Server with a
 * case-insensitive collation, so `'ACME' eq 'acme'` holds and ordering ignores case. Accents
 * still matter (the collation is accent-sensitive). Beyond case the order is by UTF-16 code unit,
 * which is simpler than SQL Server's linguistic order (punctuation, accents) but deterministic.
 *
 * @internal
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/**
 * Orders two non-null values of the same kind: strings case-insensitively, booleans false first.
 * Returns a negative number, zero or a positive number. @internal
 */
export function compareNonNull(left: string | number | boolean, right: string | number | boolean): number {
  if (typeof left === 'string' && typeof right === 'string') {
    const a = foldCase(left);
    const b = foldCase(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = Number(left);
  const b = Number(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Like `compareNonNull`, with `null` before every value (SQL Server's ascending order). @internal */
export function compareWithNulls(left: ComparableValue, right: ComparableValue): number {
  if (left === null) return right === null ? 0 : -1;
  if (right === null) return 1;
  return compareNonNull(left, right);
}
