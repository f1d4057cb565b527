import { DEFAULT_SYNC_STATE_TABLE } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { nowDefault } from '../schema/now-default';

/** Options of `createSyncStateTables()`. */
export interface SyncStateTablesOptions {
  /**
   * The state table; the ranges table is named after it with `_range`. Must match
   * `createSync({ stateTable })`. @default 'cdms_sync_state'
   */
  tableName?: string;
}

/**
 * Creates the two tables of backfill, poll and reconcile state (`sync.backfill()`, `sync.poll()`,
 * `sync.reconcile()`, `sync.status()`), written in the same transaction as the rows they describe.
 *
 * `cdms_sync_state`, one row per model (by table name):
 *
 * | column | type | meaning |
 * | --- | --- | --- |
 * | `id` | auto-increment | |
 * | `model` | varchar(255), unique | the model's table |
 * | `watermark` | date-time(3), nullable | greatest CDMS `ModifiedOn` the poll committed |
 * | `last_poll_at` | date-time(3), nullable | when the last poll round ended (local clock, display only) |
 * | `backfill_planned_at` | date-time(3), nullable | when the backfill ranges were planned |
 * | `last_reconcile` | text, nullable | JSON summary of the last reconciliation |
 * | `updated_at` | date-time(3), default now | |
 *
 * `cdms_sync_state_range`, one row per backfill range:
 *
 * | column | type | meaning |
 * | --- | --- | --- |
 * | `id` | auto-increment | |
 * | `model`, `range_id` | varchar, unique together | |
 * | `position` | integer | plan order |
 * | `lower`, `upper` | date-time(3), nullable | `lower <= CreatedOn < upper` (NULL: open) |
 * | `cursor` | date-time(3), nullable | `CreatedOn` of the last committed row; resume point |
 * | `done` | boolean | |
 * | `rows`, `pages` | integer | imported so far |
 * | `owner`, `lease_until` | varchar, date-time(3), nullable | the process working on it, until when |
 *
 * @example
 * export const up = (knex) => createSyncStateTables(knex); // cdms_sync_state, cdms_sync_state_range
 */
export async function createSyncStateTables(knex: Knex, options: SyncStateTablesOptions = {}): Promise<void> {
  const tableName = options.tableName ?? DEFAULT_SYNC_STATE_TABLE;
  const dateTime = { useTz: true, precision: 3 } as const;
  await knex.schema.createTable(tableName, (table) => {
    table.increments('id');
    table.string('model').notNullable().unique(`${tableName}_model_unique`);
    table.datetime('watermark', dateTime).nullable();
    table.datetime('last_poll_at', dateTime).nullable();
    table.datetime('backfill_planned_at', dateTime).nullable();
    table.text('last_reconcile').nullable();
    table.datetime('updated_at', dateTime).notNullable().defaultTo(nowDefault(knex));
  });
  await knex.schema.createTable(`${tableName}_range`, (table) => {
    table.increments('id');
    table.string('model').notNullable();
    table.string('range_id', 64).notNullable();
    table.integer('position').notNullable();
    table.datetime('lower', dateTime).nullable();
    table.datetime('upper', dateTime).nullable();
    table.datetime('cursor', dateTime).nullable();
    table.boolean('done').notNullable().defaultTo(false);
    table.integer('rows').notNullable().defaultTo(0);
    table.integer('pages').notNullable().defaultTo(0);
    table.string('owner').nullable();
    table.datetime('lease_until', dateTime).nullable();
    table.unique(['model', 'range_id'], { indexName: `${tableName}_range_model_range_id_unique` });
  });
}

/**
 * Drops the tables `createSyncStateTables` created, if they exist.
 *
 * @example
 * export const down = (knex) => dropSyncStateTables(knex);
 */
export async function dropSyncStateTables(knex: Knex, options: SyncStateTablesOptions = {}): Promise<void> {
  const tableName = options.tableName ?? DEFAULT_SYNC_STATE_TABLE;
  await knex.schema.dropTableIfExists(`${tableName}_range`);
  await knex.schema.dropTableIfExists(tableName);
}
