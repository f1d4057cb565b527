import { InvalidLiteralError } from '../odata/odata-syntax-error';

/**
 * The Microsoft JSON date form CRM 2011 sends and reads: `/Date(1663715691000)/`, milliseconds
 * since the Unix epoch in UTC. An offset (`/Date(1663715691000+0100)/`) is only a hint about the
 * writer's zone: the milliseconds are already UTC, so it is accepted and ignored.
 */
const CDMS_DATE = /^\/Date\((-?\d{1,16})([+-]\d{4})?\)\/$/;
const SLASH = 0x2f;
/** The largest distance from the epoch a JavaScript `Date` can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * True when `text` is a `/Date(ms)/` value that `parseCdmsDate` accepts.
 *
 * @example
 * ```ts
 * isCdmsDate('/Date(1663715691000)/'); // true
 * isCdmsDate('2022-09-20');            // false
 * ```
 */
export function isCdmsDate(text: unknown): text is string {
  return cdmsDateMilliseconds(text) !== undefined;
}

/** @internal The milliseconds of a `/Date(ms)/` value a `Date` can hold, else `undefined`. */
export function cdmsDateMilliseconds(text: unknown): number | undefined {
  // Most strings are not dates: a first character other than `/` rules them out without the regex.
  if (typeof text !== 'string' || text.charCodeAt(0) !== SLASH) return undefined;
  const match = CDMS_DATE.exec(text);
  const milliseconds = Number(match?.[1]);
  return match !== null && Math.abs(milliseconds) <= MAX_DATE_MS ? milliseconds : undefined;
}

/**
 * Reads `/Date(ms)/` (also `/Date(ms+hhmm)/` and negative `ms`) into a `Date`.
 *
 * @throws InvalidLiteralError when `text` is not in that form.
 * @example
 * ```ts
 * parseCdmsDate('/Date(1663715691000)/').toISOString(); // '2022-09-20T23:14:51.000Z'
 * ```
 */
export function parseCdmsDate(text: string): Date {
  const milliseconds = cdmsDateMilliseconds(text);
  if (milliseconds === undefined) {
    throw new InvalidLiteralError(
      'date',
      `${JSON.stringify(String(text).slice(0, 60))} is not like /Date(1663715691000)/`,
    );
  }
  return new Date(milliseconds);
}

/**
 * Writes a `Date` as `/Date(ms)/`. CRM keeps whole seconds; the milliseconds are sent as they are.
 *
 * @throws InvalidLiteralError for an invalid `Date`.
 * @example
 * ```ts
 * formatCdmsDate(new Date(Date.UTC(2016, 1, 28))); // '/Date(1456617600000)/'
 * ```
 */
export function formatCdmsDate(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new InvalidLiteralError('date', 'expected a valid Date');
  }
  return `/Date(${date.getTime()})/`;
}
