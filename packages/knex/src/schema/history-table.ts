import { DEFAULT_HISTORY_TABLE } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { nowDefault } from './now-default';

/** The default name of the history table (`cdms_sync_history`), the one core's history recorder writes to. */
export { DEFAULT_HISTORY_TABLE };

/** Options of `createHistoryTable()`. */
export interface HistoryTableOptions {
  /** @default 'cdms_sync_history' */
  tableName?: string;
}

/**
 * Creates the history table: one row per version of a synced row.
 *
 * | column | type | meaning |
 * | --- | --- | --- |
 * | `id` | auto-increment | |
 * | `model` | varchar(255) | the model's table or name |
 * | `row_id` | varchar(255) | the local primary key of the row |
 * | `cdms_pk` | varchar(36), nullable | the CDMS GUID |
 * | `kind` | varchar(32) | `local`, `cdms-refresh`, `delete` … |
 * | `data` | json (text on SQLite, LONGTEXT + check on MariaDB) | the row's snapshot |
 * | `user` | varchar(255), nullable | the acting user |
 * | `comment` | text, nullable | e.g. `CDMS refresh` |
 * | `created_at` | date-time with milliseconds, default now | |
 *
 * Indexed on `(model, row_id)`.
 *
 * @example
 * export const up = (knex) => createHistoryTable(knex); // creates "cdms_sync_history"
 */
export async function createHistoryTable(knex: Knex, options: HistoryTableOptions = {}): Promise<void> {
  const tableName = options.tableName ?? DEFAULT_HISTORY_TABLE;
  await knex.schema.createTable(tableName, (table) => {
    table.increments('id');
    table.string('model').notNullable();
    table.string('row_id').notNullable();
    table.string('cdms_pk', 36).nullable();
    table.string('kind', 32).notNullable();
    table.json('data').nullable();
    table.string('user').nullable();
    table.text('comment').nullable();
    table.datetime('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(nowDefault(knex));
    table.index(['model', 'row_id'], `${tableName}_model_row_id_index`);
  });
}
