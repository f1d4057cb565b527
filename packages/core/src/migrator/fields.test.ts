import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors';
import { fields } from './fields';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const secondPrecisionDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 })
  .map((seconds) => new Date(seconds * 1000));

describe('fields', () => {
  it('round-trips every kind: decode(encode(x)) equals x', () => {
    const cases = [
      [fields.string('Name'), fc.string()],
      [fields.integer('NumberOfEmployees'), fc.integer()],
      [fields.decimal('Rate'), fc.stringMatching(/^-?\d{1,8}(\.\d{1,4})?$/)],
      [fields.boolean('optevia_ukorganisation'), fc.boolean()],
      [fields.datetime('optevia_LastContacted'), secondPrecisionDate],
      [fields.date('BirthDate'), secondPrecisionDate.map((date) => date.toISOString().slice(0, 10))],
      [fields.guid('AccountId'), fc.uuid()],
      [fields.idRef('OwnerId', { logicalName: 'systemuser' }), fc.uuid()],
      [fields.optionSet('StateCode'), fc.integer({ min: 0, max: 1_000_000 })],
      [fields.money('Revenue'), fc.stringMatching(/^\d{1,10}\.\d{2}$/)],
      [fields.foreignKey('ParentCustomerId', () => class {}), fc.uuid()],
    ] as const;
    for (const [codec, arbitrary] of cases) {
      fc.assert(
        fc.property(arbitrary as fc.Arbitrary<unknown>, (value) => {
          expect(codec.decode(codec.encode(value as never))).toEqual(value);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('round-trips null on nullable fields, including the CDMS empty forms', () => {
    const nullable = { nullable: true };
    for (const codec of [
      fields.string('A', nullable),
      fields.integer('A', nullable),
      fields.decimal('A', nullable),
      fields.boolean('A', nullable),
      fields.datetime('A', nullable),
      fields.date('A', nullable),
      fields.idRef('A', nullable),
      fields.optionSet('A', nullable),
      fields.money('A', nullable),
      fields.foreignKey('A', () => class {}),
    ]) {
      expect(codec.decode(codec.encode(null))).toBeNull();
      expect(codec.decode(undefined)).toBeNull();
    }
    expect(fields.idRef('OwnerId').decode({ Id: null, LogicalName: null, Name: null })).toBeNull();
    expect(fields.optionSet('StateCode').decode({ Value: null })).toBeNull();
    expect(fields.money('Revenue').decode({ Value: null })).toBeNull();
    expect(fields.money('Revenue').decode({ Value: '' } as never)).toBeNull();
  });

  it('decodes CDMS null as empty text or false unless nullable', () => {
    expect(fields.string('Name').decode(null)).toBe('');
    expect(fields.string('Name', { nullable: true }).decode(null)).toBeNull();
    expect(fields.boolean('Flag').decode(null)).toBe(false);
  });

  it('encodes the CDMS shapes', () => {
    expect(fields.idRef('OwnerId', { logicalName: 'systemuser' }).encode(GUID.toUpperCase())).toEqual({
      Id: GUID,
      LogicalName: 'systemuser',
    });
    expect(fields.idRef('OwnerId', { nullable: true }).encode(null)).toEqual({ Id: null, LogicalName: null });
    expect(fields.optionSet('StateCode').encode(1)).toEqual({ Value: 1 });
    expect(fields.money('Revenue').encode('12.50')).toEqual({ Value: '12.50' });
    expect(fields.datetime('ModifiedOn').encode(new Date('2016-02-28T10:11:12.999Z'))).toEqual(
      new Date('2016-02-28T10:11:12.000Z'),
    );
    expect(fields.date('BirthDate').encode('1980-05-01')).toEqual(new Date('1980-05-01T00:00:00.000Z'));
  });

  it('decodes the wire forms and truncates date-times to the second', () => {
    expect(fields.datetime('ModifiedOn').decode('/Date(1663715691123)/')).toEqual(new Date(1663715691000));
    expect(fields.datetime('ModifiedOn').decode(new Date(1663715691999))).toEqual(new Date(1663715691000));
    expect(fields.integer('VersionNumber').decode('9007199254740')).toBe(9007199254740);
    expect(fields.money('Revenue').decode({ Value: 12.5 })).toBe('12.5');
    expect(
      fields.idRef('OwnerId').decode({ Id: GUID.toUpperCase(), LogicalName: 'systemuser', Name: 'Sam' }),
    ).toBe(GUID);
  });

  it('describes each attribute for the $filter', () => {
    expect(fields.string('Name').filterPath).toEqual(['Name']);
    expect(fields.foreignKey('ParentCustomerId', () => class {}).filterPath).toEqual([
      'ParentCustomerId',
      'Id',
    ]);
    expect(fields.optionSet('StateCode').filterPath).toEqual(['StateCode', 'Value']);
    expect(fields.money('Revenue').filterPath).toEqual(['Revenue', 'Value']);
    expect(fields.optionSet('StateCode').toLiteral(1)).toEqual({ kind: 'integer', value: 1 });
    expect(fields.money('Revenue').toLiteral('12.50')).toEqual({ kind: 'decimal', value: '12.50' });
    expect(fields.idRef('OwnerId').toLiteral(null)).toEqual({ kind: 'null' });
  });

  it.each([
    [
      () => fields.string('Name').encode(42 as never),
      "Cannot send 42 to CDMS attribute 'Name': expected a string.",
    ],
    [
      () => fields.integer('N').encode(1.5),
      "Cannot send 1.5 to CDMS attribute 'N': expected a whole number.",
    ],
    [() => fields.decimal('R').encode('1e5'), 'expected a decimal string'],
    [() => fields.idRef('OwnerId').encode("x' or 1 eq 1"), 'expected a GUID'],
    [() => fields.datetime('D').encode(new Date('nope')), 'expected a valid Date'],
    [() => fields.date('D').encode('2016-02-30'), "expected a date 'YYYY-MM-DD'"],
    [() => fields.integer('N').encode(null), "CDMS attribute 'N' is not nullable; got null."],
    [
      () => fields.idRef('OwnerId').decode({ Id: 'nope' }),
      "CDMS attribute 'OwnerId' should hold an entity reference",
    ],
    [() => fields.boolean('Flag').decode('yes'), 'CDMS attribute \'Flag\' should hold a boolean; got "yes".'],
  ])('rejects a bad value with ValidationError (%#)', (run, message) => {
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(message);
  });
});
