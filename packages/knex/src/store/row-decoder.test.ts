import { describe, expect, it } from 'vitest';
import { camelCase } from './naming';
import { RowDecoder } from './row-decoder';
import type { StoreColumn } from './store-column';
import { TableInfo } from './table-info';

function column(name: string, type: StoreColumn['type'], jsonAsText = false): StoreColumn {
  return {
    field: camelCase(name),
    column: name,
    type,
    nullable: true,
    databaseType: type,
    withTimeZone: false,
    jsonAsText,
  };
}

const info = new TableInfo('organisation', [
  column('cdms_pk', 'string'),
  column('active', 'boolean'),
  column('amount', 'integer'),
  column('modified', 'datetime'),
  column('born_on', 'date'),
  column('extra', 'json', true),
]);

describe('RowDecoder', () => {
  it('renames columns to fields and decodes each value by its column type', () => {
    const decoder = new RowDecoder(
      'sqlite',
      info,
      ['cdms_pk', 'active', 'amount', 'modified', 'born_on', 'extra'],
      camelCase,
    );
    expect(
      decoder.decode({
        cdms_pk: 'a',
        active: 1,
        amount: '9007199254740993',
        modified: '2024-01-02 03:04:05.678',
        born_on: '2024-01-02',
        extra: '{"a":1}',
      }),
    ).toEqual({
      cdmsPk: 'a',
      active: true,
      amount: '9007199254740993',
      modified: new Date('2024-01-02T03:04:05.678Z'),
      bornOn: '2024-01-02',
      extra: { a: 1 },
    });
  });

  it('turns a missing value of a known column into null and keeps unknown columns as the driver returned them', () => {
    const decoder = new RowDecoder('postgresql', info, ['active', 'row_total', 'amount'], camelCase);
    expect(decoder.decode({ active: false, row_total: undefined })).toEqual({
      active: false,
      rowTotal: undefined,
      amount: null,
    });
    expect(Object.keys(decoder.decode({ active: true, row_total: 3, amount: 1 }))).toEqual([
      'active',
      'rowTotal',
      'amount',
    ]);
  });

  it('decodes columns whose names hold quotes, backslashes and code-like text as plain keys', () => {
    const names = ["it's", 'say "hi"', 'back\\slash', '$' + '{injected}', '); process.exit(1); //', 'é ü'];
    const decoder = new RowDecoder('postgresql', info, ['amount', ...names], (name) => `field ${name}`);
    const row = Object.fromEntries([['amount', '7'], ...names.map((name, index) => [name, index])]);
    expect(decoder.decode(row)).toEqual({
      amount: 7,
      ...Object.fromEntries(names.map((name, index) => [`field ${name}`, index])),
    });
  });

  it('keeps a column that names its field __proto__ as data, without changing the prototype', () => {
    const decoder = new RowDecoder('postgresql', info, ['amount', 'weird'], () => '__proto__');
    const decoded = decoder.decode({ amount: 1, weird: { polluted: true } });
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
