import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshot } from './history-recorder';

/** What `snapshot` replaced: a JSON round trip with bigints as decimal text. */
function jsonRoundTrip(row: Record<string, unknown>): unknown {
  return JSON.parse(
    JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  );
}

const value = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.double(),
  fc.bigInt(),
  fc.date(),
  fc.date({ noInvalidDate: false }),
  fc.jsonValue(),
  fc.dictionary(fc.string(), fc.oneof(fc.bigInt(), fc.date(), fc.string(), fc.constant(undefined))),
  fc.array(fc.oneof(fc.bigInt(), fc.constant(undefined), fc.double())),
);

describe('snapshot', () => {
  it('copies a row as a JSON round trip does (dates as ISO text, bigints as text, undefined left out)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (row) => {
        expect(snapshot(row)).toEqual(jsonRoundTrip(row));
      }),
      { numRuns: 500 },
    );
  });

  it('turns a synced row into JSON-safe values', () => {
    const row = {
      id: 1,
      cdmsPk: '7a4814f9-b0b8-ea11-a812-000d3a122b89',
      modified: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      cdmsVersion: 12345678901234567890n,
      notes: null,
      skipped: undefined,
      ratio: Number.NaN,
      invalid: new Date(Number.NaN),
      tags: { list: [1n, undefined], at: new Date(0) },
      negativeZero: -0,
    };
    expect(snapshot(row)).toStrictEqual({
      id: 1,
      cdmsPk: '7a4814f9-b0b8-ea11-a812-000d3a122b89',
      modified: '2026-01-02T03:04:05.000Z',
      cdmsVersion: '12345678901234567890',
      notes: null,
      ratio: null,
      invalid: null,
      tags: { list: ['1', null], at: '1970-01-01T00:00:00.000Z' },
      negativeZero: 0,
    });
  });

  it('keeps a field named __proto__ as data, as JSON.parse does', () => {
    const copy = snapshot(JSON.parse('{"__proto__": {"polluted": true}, "id": 1}'));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'id']);
    expect(copy).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "id": 1}'));
  });
});
