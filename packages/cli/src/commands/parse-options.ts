import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../output/format-duration';

/** Commander parser of a positive integer option (`--concurrency 8`). */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer');
  return value;
}

/** Commander parser of a duration option (`--interval 30s`, `5m`, `1500ms`); milliseconds. */
export function duration(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 1500ms');
  return value;
}
