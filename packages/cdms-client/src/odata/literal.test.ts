import { describe, expect, it } from 'vitest';
import { formatLiteral, literal, parseDateTimeText } from './literal';
import { InvalidLiteralError, isInvalidLiteralError } from './odata-syntax-error';

describe('formatLiteral', () => {
  it('quotes strings and doubles inner quotes', () => {
    expect(formatLiteral(literal.string("O'Neil"))).toBe("'O''Neil'");
    expect(formatLiteral(literal.string(''))).toBe("''");
    expect(formatLiteral(literal.string("''"))).toBe("''''''");
    expect(formatLiteral(literal.string('Zürich 😀'))).toBe("'Zürich 😀'");
  });

  it('writes lower-cased guids', () => {
    expect(formatLiteral(literal.guid('7A4814F9-B0B8-EA11-A812-000D3A122B89'))).toBe(
      "guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'",
    );
  });

  it('writes UTC date-times without milliseconds', () => {
    expect(formatLiteral(literal.datetime(new Date('2016-02-28T00:00:00Z')))).toBe(
      "datetime'2016-02-28T00:00:00'",
    );
    expect(formatLiteral(literal.datetime(new Date('2016-02-28T23:59:59.999Z')))).toBe(
      "datetime'2016-02-28T23:59:59'",
    );
    expect(formatLiteral(literal.datetime(new Date('0099-01-02T03:04:05Z')))).toBe(
      "datetime'0099-01-02T03:04:05'",
    );
  });

  it('truncates pre-epoch milliseconds down to the second', () => {
    expect(formatLiteral(literal.datetime(new Date('1969-12-31T23:59:59.500Z')))).toBe(
      "datetime'1969-12-31T23:59:59'",
    );
  });

  it('writes integers, with L outside Int32', () => {
    expect(formatLiteral(literal.integer(42))).toBe('42');
    expect(formatLiteral(literal.integer(-7))).toBe('-7');
    expect(formatLiteral(literal.integer(2147483647))).toBe('2147483647');
    expect(formatLiteral(literal.integer(2147483648))).toBe('2147483648L');
    expect(formatLiteral(literal.integer(-2147483649))).toBe('-2147483649L');
    expect(formatLiteral(literal.integer(-0))).toBe('0');
  });

  it('writes decimals as text with M', () => {
    expect(formatLiteral(literal.decimal('12.50'))).toBe('12.50M');
    expect(formatLiteral(literal.decimal('-3'))).toBe('-3M');
    expect(formatLiteral(literal.decimal(0.25))).toBe('0.25M');
  });

  it('writes doubles with d, exponent upper-cased', () => {
    expect(formatLiteral(literal.double(1.5))).toBe('1.5d');
    expect(formatLiteral(literal.double(2))).toBe('2d');
    expect(formatLiteral(literal.double(1e21))).toBe('1E+21d');
    expect(formatLiteral(literal.double(-1.5e-7))).toBe('-1.5E-7d');
    expect(formatLiteral(literal.double(-0))).toBe('0d');
  });

  it('writes booleans and null', () => {
    expect(formatLiteral(literal.boolean(true))).toBe('true');
    expect(formatLiteral(literal.boolean(false))).toBe('false');
    expect(formatLiteral(literal.null())).toBe('null');
  });

  it('returns frozen literals and copies dates', () => {
    const date = new Date('2016-02-28T00:00:00Z');
    const built = literal.datetime(date);
    date.setUTCFullYear(2000);
    expect(Object.isFrozen(built)).toBe(true);
    expect(formatLiteral(built)).toBe("datetime'2016-02-28T00:00:00'");
  });
});

describe('literal validation', () => {
  const rejects = (build: () => unknown, kind: string) => {
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidLiteralError);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(isInvalidLiteralError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'INVALID_LITERAL', kind, name: 'InvalidLiteralError' });
  };

  it('rejects malformed guids', () => {
    rejects(() => literal.guid('7a4814f9-b0b8-ea11-a812-000d3a122b8'), 'guid');
    rejects(() => literal.guid('{7a4814f9-b0b8-ea11-a812-000d3a122b89}'), 'guid');
    rejects(() => literal.guid("7a4814f9-b0b8-ea11-a812-000d3a122b89' or 1 eq 1"), 'guid');
    rejects(() => literal.guid('7a4814f9b0b8ea11a812000d3a122b89'), 'guid');
    rejects(() => literal.guid('za4814f9-b0b8-ea11-a812-000d3a122b89'), 'guid');
  });

  it('rejects invalid dates and years outside 1 to 9999', () => {
    rejects(() => literal.datetime(new Date('nope')), 'datetime');
    rejects(() => literal.datetime(new Date('+010000-01-01T00:00:00Z')), 'datetime');
    rejects(() => literal.datetime('2016-02-28' as unknown as Date), 'datetime');
  });

  it('rejects unsafe or fractional integers', () => {
    rejects(() => literal.integer(1.5), 'integer');
    rejects(() => literal.integer(2 ** 53), 'integer');
    rejects(() => literal.integer(Number.NaN), 'integer');
  });

  it('rejects non-decimal text', () => {
    for (const text of ['', '1e5', '12.', '.5', '1,5', '12.50M', ' 1', '0x10', "1' or '"]) {
      rejects(() => literal.decimal(text), 'decimal');
    }
    rejects(() => literal.decimal(1e21), 'decimal');
    rejects(() => literal.decimal(Number.POSITIVE_INFINITY), 'decimal');
  });

  it('rejects non-finite doubles and non-booleans', () => {
    rejects(() => literal.double(Number.NaN), 'double');
    rejects(() => literal.double(Number.NEGATIVE_INFINITY), 'double');
    rejects(() => literal.boolean('true' as unknown as boolean), 'boolean');
  });

  it('rejects strings with a lone surrogate (they cannot be URL-encoded)', () => {
    rejects(() => literal.string('a\uD800b'), 'string');
    rejects(() => literal.string('\uDC00'), 'string');
    expect(literal.string('\uD83D\uDE00').kind).toBe('string');
  });
});

describe('parseDateTimeText', () => {
  it('reads minutes-only, seconds and fractions (truncated later) as UTC', () => {
    expect(parseDateTimeText('2016-02-28T10:20').toISOString()).toBe('2016-02-28T10:20:00.000Z');
    expect(parseDateTimeText('2016-02-28T10:20:30').toISOString()).toBe('2016-02-28T10:20:30.000Z');
    expect(parseDateTimeText('2016-02-28T10:20:30.1234567Z').toISOString()).toBe('2016-02-28T10:20:30.000Z');
  });

  it('rejects impossible fields', () => {
    for (const text of [
      '2016-02-30T00:00:00',
      '2016-13-01T00:00:00',
      '2016-01-01T24:00:00',
      '0000-01-01T00:00:00',
    ]) {
      expect(() => parseDateTimeText(text)).toThrow(InvalidLiteralError);
    }
    expect(() => parseDateTimeText('2016-02-28 00:00:00')).toThrow(InvalidLiteralError);
    expect(() => parseDateTimeText('2016-02-28T00:00:00+01:00')).toThrow(InvalidLiteralError);
  });
});
