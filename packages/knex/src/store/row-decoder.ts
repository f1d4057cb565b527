import type { Row } from '@cdms-sync/core';
import type { StoreDialect } from './dialect';
import type { TableInfo } from './table-info';
import { type ValueDecoder, valueDecoder } from './value-codec';

/**
 * Turns driver rows with one set of columns into model rows: each column renamed to its field and
 * decoded as `decodeValue` does; a column the table does not have (a raw query's alias) is renamed
 * by `fieldName` and kept as the driver returned it. The field names and decoders are resolved once
 * when the decoder is built, so decoding a row is one loop over arrays, without `Object.entries`
 * or a lookup per value.
 *
 * @example
 * const decoder = new RowDecoder('postgresql', info, ['cdms_pk', 'active'], camelCase);
 * decoder.decode({ cdms_pk: 'a', active: true }); // { cdmsPk: 'a', active: true }
 *
 * @internal
 */
export class RowDecoder {
  readonly #columns: readonly string[];
  readonly #fields: readonly string[];
  /** `undefined` for a column the table does not have: its value is kept as is. */
  readonly #decoders: readonly (ValueDecoder | undefined)[];

  constructor(
    dialect: StoreDialect,
    info: TableInfo,
    columnNames: readonly string[],
    fieldName: (column: string) => string,
  ) {
    this.#columns = columnNames;
    this.#fields = columnNames.map((name) => info.column(name)?.field ?? fieldName(name));
    this.#decoders = columnNames.map((name) => {
      const column = info.column(name);
      return column === undefined ? undefined : valueDecoder(dialect, column);
    });
  }

  /** Whether this decoder was built for exactly these column names, in this order. */
  decodes(columnNames: readonly string[]): boolean {
    const columns = this.#columns;
    if (columnNames.length !== columns.length) return false;
    for (let index = 0; index < columns.length; index += 1)
      if (columnNames[index] !== columns[index]) return false;
    return true;
  }

  /** The model row of a driver row that has this decoder's columns. */
  decode(row: Readonly<Record<string, unknown>>): Row {
    const columns = this.#columns;
    const fields = this.#fields;
    const decoders = this.#decoders;
    const decoded: Row = {};
    for (let index = 0; index < columns.length; index += 1) {
      const value = row[columns[index] as string];
      const decode = decoders[index];
      decoded[fields[index] as string] = decode === undefined ? value : decode(value);
    }
    return decoded;
  }
}
