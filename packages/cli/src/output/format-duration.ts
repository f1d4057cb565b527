import ms from 'ms';

/**
 * A short human duration: `850ms`, `12s`, `3m`, `2h`, `4d`.
 *
 * @example
 * formatDuration(190_000); // '3m'
 */
export function formatDuration(milliseconds: number): string {
  return ms(Math.max(0, Math.round(milliseconds)));
}

/**
 * Parses `30s`, `5m`, `1h`, `500ms` or a bare number of milliseconds; `undefined` when it is not a
 * positive duration.
 *
 * @example
 * parseDuration('30s'); // 30000
 */
export function parseDuration(text: string): number | undefined {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : ms(text.trim() as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
