import { FieldError } from '@cdms-sync/core';
import type { Knex } from 'knex';
import type { StoreDialect } from './dialect';
import { type StoreColumn, toColumnType } from './store-column';

/**
 * Everything the store knows about one table, loaded once by `describe`.
 *
 * @internal
 */
export class TableInfo {
  readonly #byField: ReadonlyMap<string, StoreColumn>;
  readonly #byColumn: ReadonlyMap<string, StoreColumn>;

  constructor(
    readonly table: string,
    readonly columns: readonly StoreColumn[],
  ) {
    this.#byField = new Map(columns.map((column) => [column.field, column]));
    this.#byColumn = new Map(columns.map((column) => [column.column, column]));
  }

  /** The column behind a model field; `FieldError` naming the known fields otherwise. */
  columnFor(field: string): StoreColumn {
    const column = this.#byField.get(field);
    if (column === undefined) {
      throw new FieldError(
        `Unknown field "${field}" on table "${this.table}"; known fields: ${this.columns.map((known) => known.field).join(', ')}.`,
      );
    }
    return column;
  }

  /** The column named `name` in the database, if the table has it. */
  column(name: string): StoreColumn | undefined {
    return this.#byColumn.get(name);
  }
}

interface KnexColumnInfo {
  type: string;
  nullable: boolean;
  maxLength?: number | string | null;
  defaultValue?: unknown;
}

/** Character types whose declared length is a limit on characters (`text` lengths are byte sizes). */
const BOUNDED_STRING = /^(character varying|varchar|character|char|nchar|nvarchar)\b/;

/**
 * Reads a table's columns with Knex `columnInfo()`. MySQL needs two more facts Knex does not report:
 * the full column type (`tinyint(1)` is a boolean) and MariaDB's JSON columns (`longtext` with a
 * `json_valid` check).
 *
 * @internal
 */
export async function loadTableInfo(
  runner: Knex,
  dialect: StoreDialect,
  table: string,
  fieldName: (column: string) => string,
  driverParsesJson: boolean,
): Promise<TableInfo> {
  const info = (await runner(table).columnInfo()) as unknown as Record<string, KnexColumnInfo>;
  const names = Object.keys(info);
  if (names.length === 0) throw new FieldError(`Table "${table}" does not exist or has no columns.`);

  const fullTypes = new Map<string, string>();
  const jsonText = new Set<string>();
  if (dialect === 'mysql') {
    const [columnRows] = (await runner.raw(
      'select column_name as name, column_type as type from information_schema.columns where table_schema = database() and table_name = ?',
      [table],
    )) as [Array<{ name: string; type: string }>];
    for (const row of columnRows) fullTypes.set(row.name, row.type);
    try {
      const [checks] = (await runner.raw(
        'select check_clause as clause from information_schema.check_constraints where constraint_schema = database() and table_name = ?',
        [table],
      )) as [Array<{ clause: string }>];
      for (const check of checks) {
        const match = /^json_valid\(`([^`]+)`\)$/i.exec(check.clause.trim());
        if (match?.[1] !== undefined) jsonText.add(match[1]);
      }
    } catch {
      // MySQL (not MariaDB) has no `table_name` there, and reports JSON columns as `json` anyway.
    }
  }

  const columns = names.map((name): StoreColumn => {
    const column = info[name] as KnexColumnInfo;
    const databaseType = (fullTypes.get(name) ?? column.type).toLowerCase();
    const type = toColumnType(dialect, databaseType, jsonText.has(name));
    return {
      field: fieldName(name),
      column: name,
      type,
      nullable: column.nullable,
      ...boundedLength(type, databaseType, column.maxLength),
      hasDefault: column.defaultValue !== null && column.defaultValue !== undefined,
      databaseType,
      withTimeZone: databaseType === 'timestamp with time zone',
      jsonAsText: type === 'json' && !driverParsesJson,
    };
  });
  return new TableInfo(table, columns);
}

/** `{ maxLength }` of a `varchar(n)`/`char(n)` column, `{}` for any other. */
function boundedLength(
  type: string,
  databaseType: string,
  maxLength: number | string | null | undefined,
): { maxLength?: number } {
  if (type !== 'string' || !BOUNDED_STRING.test(databaseType)) return {};
  const length = Number(maxLength ?? /\((\d+)\)/.exec(databaseType)?.[1]);
  return Number.isInteger(length) && length > 0 ? { maxLength: length } : {};
}
