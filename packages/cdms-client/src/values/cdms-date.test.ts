import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidLiteralError } from '../odata/odata-syntax-error';
import { formatCdmsDate, isCdmsDate, parseCdmsDate } from './cdms-date';

describe('CDMS dates', () => {
  it('parses /Date(ms)/, with an offset and before the epoch', () => {
    expect(parseCdmsDate('/Date(1663715691000)/').toISOString()).toBe('2022-09-20T23:14:51.000Z');
    // The offset is a hint about the writer's zone; the milliseconds are UTC already.
    expect(parseCdmsDate('/Date(1663715691000+0100)/').getTime()).toBe(1663715691000);
    expect(parseCdmsDate('/Date(123-0500)/').getTime()).toBe(123);
    expect(parseCdmsDate('/Date(-86400000)/').toISOString()).toBe('1969-12-31T00:00:00.000Z');
    expect(parseCdmsDate('/Date(0)/').getTime()).toBe(0);
  });

  it('formats a Date as /Date(ms)/', () => {
    expect(formatCdmsDate(new Date(Date.UTC(2016, 1, 28)))).toBe('/Date(1456617600000)/');
    expect(formatCdmsDate(new Date(-1000))).toBe('/Date(-1000)/');
  });

  it('recognises only the exact form', () => {
    for (const text of ['/Date(1)/', '/Date(-1)/', '/Date(1+0000)/'])
      expect(isCdmsDate(text), text).toBe(true);
    for (const text of [
      'Date(1)',
      '/Date(1)',
      '/Date()/',
      '/Date(1.5)/',
      '/Date(1+00)/',
      ' /Date(1)/',
      '/Date(99999999999999999)/',
      1,
    ]) {
      expect(isCdmsDate(text), String(text)).toBe(false);
    }
  });

  it('rejects what it cannot read or write', () => {
    expect(() => parseCdmsDate('2016-02-28')).toThrow(InvalidLiteralError);
    expect(() => parseCdmsDate('/Date(9000000000000000)/')).toThrow(InvalidLiteralError);
    expect(() => formatCdmsDate(new Date('nope'))).toThrow(InvalidLiteralError);
  });

  it('round-trips every representable millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const text = formatCdmsDate(new Date(ms));
        expect(isCdmsDate(text)).toBe(true);
        expect(parseCdmsDate(text).getTime()).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });
});
