import { isGuid } from '../values/guid';
import type { ODataLiteral } from './filter-tree';
import { InvalidLiteralError } from './odata-syntax-error';

/**
 * Builders of typed OData literals, and `formatLiteral`, the one place that turns a value into
 * `$filter` text. Every builder validates its input, so an `ODataLiteral` is always printable and
 * a user-typed value can only ever become one quoted, escaped literal.
 */

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;
/** Edm.DateTime text: `yyyy-mm-ddThh:mm[:ss[.fffffff]]`, with an optional `Z` (always UTC here). */
/** `2016-02-28T00:00:00[.fff][Z]`, or the date alone (`2010-07-15`, midnight UTC), as CRM 2011 accepts. */
const DATETIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?Z?)?$/;
/** A UTF-16 half of a surrogate pair standing alone: it cannot be UTF-8 encoded into a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** `+ 0` turns `-0` into `0`: `-0` has no distinct OData text, and trees must round-trip. */
const withoutNegativeZero = (value: number): number => value + 0;

const freeze = <T extends ODataLiteral>(node: T): T => Object.freeze(node);

const describe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return String(value);
};

/**
 * Builders of OData literals. Pass the result to `value()` to use it in a filter.
 *
 * @example
 * ```ts
 * formatLiteral(literal.string("O'Neil"));                        // 'O''Neil'
 * formatLiteral(literal.guid('7A4814F9-B0B8-EA11-A812-000D3A122B89')); // guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'
 * formatLiteral(literal.datetime(new Date('2016-02-28T00:00:00.750Z'))); // datetime'2016-02-28T00:00:00'
 * formatLiteral(literal.integer(42));                             // 42
 * formatLiteral(literal.decimal('12.50'));                        // 12.50M
 * formatLiteral(literal.double(1.5));                             // 1.5d
 * formatLiteral(literal.boolean(true));                           // true
 * formatLiteral(literal.null());                                  // null
 * ```
 */
export const literal = {
  /** A string literal. Any text is allowed except a lone UTF-16 surrogate (it cannot travel in a URL). */
  string(value: string): ODataLiteral {
    if (typeof value !== 'string')
      throw new InvalidLiteralError('string', `expected a string, got ${describe(value)}`);
    if (LONE_SURROGATE.test(value)) {
      throw new InvalidLiteralError('string', 'the text contains a lone UTF-16 surrogate');
    }
    return freeze({ kind: 'string', value });
  },

  /** A GUID in 8-4-4-4-12 hex form (braces not allowed); stored lower-cased. */
  guid(value: string): ODataLiteral {
    if (!isGuid(value)) {
      throw new InvalidLiteralError(
        'guid',
        `${describe(value)} is not a GUID like 7a4814f9-b0b8-ea11-a812-000d3a122b89`,
      );
    }
    return freeze({ kind: 'guid', value: value.toLowerCase() });
  },

  /** A UTC date-time, truncated to the second (CRM stores no milliseconds). Years 1 to 9999. */
  datetime(value: Date): ODataLiteral {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new InvalidLiteralError('datetime', `expected a valid Date, got ${describe(value)}`);
    }
    const year = value.getUTCFullYear();
    if (year < 1 || year > 9999) {
      throw new InvalidLiteralError('datetime', `${describe(value)} is outside the years 0001 to 9999`);
    }
    // A copy, so later changes to the caller's Date cannot change the tree.
    const seconds = new Date(Math.floor(value.getTime() / 1000) * 1000);
    return freeze({ kind: 'datetime', value: seconds });
  },

  /** A whole number within `Number.MAX_SAFE_INTEGER`; outside Int32 it prints with the `L` suffix. */
  integer(value: number): ODataLiteral {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidLiteralError('integer', `${describe(value)} is not a safe integer`);
    }
    return freeze({ kind: 'integer', value: withoutNegativeZero(value) });
  },

  /**
   * An exact decimal (`Edm.Decimal`, money). Prefer text (`'12.50'`): it is kept as written. A
   * number is accepted when its JavaScript text is plain decimal (no exponent).
   */
  decimal(value: string | number): ODataLiteral {
    const text =
      typeof value === 'number' && Number.isFinite(value) ? String(withoutNegativeZero(value)) : value;
    if (typeof text !== 'string' || !DECIMAL_PATTERN.test(text)) {
      throw new InvalidLiteralError('decimal', `${describe(value)} is not decimal text like 12.50 or -3`);
    }
    return freeze({ kind: 'decimal', value: text });
  },

  /** A finite floating point number (`Edm.Double`). */
  double(value: number): ODataLiteral {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidLiteralError('double', `${describe(value)} is not a finite number`);
    }
    return freeze({ kind: 'double', value: withoutNegativeZero(value) });
  },

  /** `true` or `false`. */
  boolean(value: boolean): ODataLiteral {
    if (typeof value !== 'boolean')
      throw new InvalidLiteralError('boolean', `expected a boolean, got ${describe(value)}`);
    return freeze({ kind: 'boolean', value });
  },

  /** `null`, as in `ParentCustomerId/Id eq null`. */
  null(): ODataLiteral {
    return freeze({ kind: 'null' });
  },
};

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** `2016-02-28T00:00:00`: the Edm.DateTime text CRM 2011 reads (UTC, no milliseconds). */
function formatDateTimeText(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`
  );
}

/**
 * Parses the text inside `datetime'…'` as UTC and validates every field (no Feb 30th).
 * Fractions of a second are accepted and truncated, like `literal.datetime`; a date alone
 * (`datetime'2010-07-15'`, valid in CRM 2011 filters) is midnight UTC.
 * @internal used by the `$filter` parser.
 */
export function parseDateTimeText(text: string): Date {
  const match = DATETIME_PATTERN.exec(text);
  if (!match) throw new InvalidLiteralError('datetime', `${describe(text)} is not like 2016-02-28T00:00:00`);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0)) as [number, number, number, number?, number?, number?];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years below 100 literal.
  date.setUTCHours(hour, minute, second, 0);
  const fieldsKept =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!fieldsKept || year < 1)
    throw new InvalidLiteralError('datetime', `${describe(text)} is not a real date-time`);
  return date;
}

/**
 * The `$filter` text of a literal, in the exact form CRM 2011 (WCF Data Services, OData v2) reads.
 * Strings are single-quoted with inner quotes doubled, so user text can never end the literal.
 *
 * | kind | example |
 * | --- | --- |
 * | string | `'O''Neil'` |
 * | guid | `guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'` |
 * | datetime | `datetime'2016-02-28T00:00:00'` |
 * | integer | `42`, `-7`; `4294967296L` outside Int32 (WCF reads unsuffixed numbers as Int32) |
 * | decimal | `12.50M` |
 * | double | `1.5d`, `1E+21d` (JavaScript's shortest exact text, so it reads back to the same number) |
 * | boolean | `true`, `false` |
 * | null | `null` |
 */
export function formatLiteral(value: ODataLiteral): string {
  switch (value.kind) {
    case 'string':
      return `'${value.value.replaceAll("'", "''")}'`;
    case 'guid':
      return `guid'${value.value}'`;
    case 'datetime':
      return `datetime'${formatDateTimeText(value.value)}'`;
    case 'integer':
      return value.value < INT32_MIN || value.value > INT32_MAX ? `${value.value}L` : String(value.value);
    case 'decimal':
      return `${value.value}M`;
    case 'double':
      return `${String(value.value).toUpperCase()}d`;
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}
