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
    this.decode =
      compileDecode(this.#columns, this.#fields, this.#decoders) ?? ((row) => this.#decodeLoop(row));
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
  readonly decode: (row: Readonly<Record<string, unknown>>) => Row;

  /** `decode` where code cannot be generated: one loop over the columns. */
  #decodeLoop(row: Readonly<Record<string, unknown>>): Row {
    const columns = this.#columns;
    const fields = this.#fields;
    const decoders = this.#decoders;
    const decoded: Row = {};
    for (let index = 0; index < columns.length; index += 1) {
      const value = row[columns[index] as string];
      const decode = decoders[index];
      const field = fields[index] as string;
      const decodedValue = decode === undefined ? value : decode(value);
      // An assignment to `__proto__` would set the prototype: keep it as data.
      if (field === '__proto__') {
        Object.defineProperty(decoded, field, {
          value: decodedValue,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        decoded[field] = decodedValue;
      }
    }
    return decoded;
  }
}

/**
 * `decode` as one generated function that builds the model row as an object literal, e.g.
 * `(row) => ({ "cdmsPk": d1(row["cdms_pk"]), "rowTotal": row["row_total"] })`: about ten times
 * faster than the loop, and every read decodes each row it returns. Names enter the code only as
 * JSON string literals. `undefined` (the loop is used) when a field is named `__proto__` (an object
 * literal would set the prototype) or the runtime forbids generating code.
 */
function compileDecode(
  columns: readonly string[],
  fields: readonly string[],
  decoders: readonly (ValueDecoder | undefined)[],
): ((row: Readonly<Record<string, unknown>>) => Row) | undefined {
  if (fields.includes('__proto__')) return undefined;
  const properties = columns.map((column, index) => {
    const value = `row[${JSON.stringify(column)}]`;
    return `${JSON.stringify(fields[index])}: ${decoders[index] === undefined ? value : `d${index}(${value})`}`;
  });
  const parameters = decoders.map((_, index) => `d${index}`);
  try {
    const factory = new Function(
      ...parameters,
      `'use strict'; return (row) => ({ ${properties.join(', ')} });`,
    );
    return factory(...decoders) as (row: Readonly<Record<string, unknown>>) => Row;
  } catch {
    return undefined;
  }
}
