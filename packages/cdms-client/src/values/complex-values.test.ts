import { describe, expect, it } from 'vitest';
import { InvalidLiteralError } from '../odata/odata-syntax-error';
import {
  entityReference,
  money,
  optionSetValue,
  readEntityReferenceId,
  readMoney,
  readOptionSetValue,
} from './complex-values';

const ID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';

describe('complex value builders', () => {
  it('builds lookups with a normalised id', () => {
    expect(entityReference(ID.toUpperCase())).toEqual({ Id: ID });
    expect(entityReference(ID, 'account')).toEqual({ Id: ID, LogicalName: 'account' });
    expect(() => entityReference('not-a-guid')).toThrow(InvalidLiteralError);
  });

  it('builds option sets and money', () => {
    expect(optionSetValue(7)).toEqual({ Value: 7 });
    expect(() => optionSetValue(1.5)).toThrow(InvalidLiteralError);
    expect(money('12.50')).toEqual({ Value: '12.50' });
    expect(money(3)).toEqual({ Value: '3' });
    expect(() => money('12,50')).toThrow(InvalidLiteralError);
  });
});

describe('complex value readers', () => {
  it('read lookup ids, tolerating empty forms', () => {
    expect(readEntityReferenceId({ Id: ID.toUpperCase(), LogicalName: 'account', Name: 'Acme' })).toBe(ID);
    expect(readEntityReferenceId(ID)).toBe(ID);
    for (const empty of [null, undefined, '', { Id: null, LogicalName: null, Name: null }, {}]) {
      expect(readEntityReferenceId(empty)).toBeNull();
    }
    expect(() => readEntityReferenceId({ Id: 5 })).toThrow(InvalidLiteralError);
    expect(() => readEntityReferenceId({ Id: 'x' })).toThrow(InvalidLiteralError);
  });

  it('read option set values, tolerating empty forms', () => {
    expect(readOptionSetValue({ Value: 7 })).toBe(7);
    expect(readOptionSetValue(0)).toBe(0);
    for (const empty of [null, undefined, { Value: null }]) expect(readOptionSetValue(empty)).toBeNull();
    expect(() => readOptionSetValue({ Value: '7' })).toThrow(InvalidLiteralError);
  });

  it('read money as decimal text, tolerating empty forms', () => {
    expect(readMoney({ Value: '12.5000' })).toBe('12.5000');
    expect(readMoney({ Value: 12.5 })).toBe('12.5');
    for (const empty of [null, undefined, { Value: null }, { Value: '' }])
      expect(readMoney(empty)).toBeNull();
    expect(() => readMoney({ Value: true })).toThrow(InvalidLiteralError);
  });
});
