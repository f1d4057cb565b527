/** The median of a list of numbers (the mean of the two middle values for an even count); 0 when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[middle] ?? 0);
}

/** Milliseconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The smallest and largest request count seen over the measured iterations. */
export interface RequestCountRange {
  readonly min: number;
  readonly max: number;
}

/** `{min, max}` of the counts; `{0, 0}` when empty. */
export function countRange(counts: readonly number[]): RequestCountRange {
  return counts.length === 0 ? { min: 0, max: 0 } : { min: Math.min(...counts), max: Math.max(...counts) };
}

/** `3`, or `3-4` when the count varied between iterations. */
export function formatCountRange(range: RequestCountRange): string {
  return range.min === range.max ? String(range.min) : `${range.min}-${range.max}`;
}
