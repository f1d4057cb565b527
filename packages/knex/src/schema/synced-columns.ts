import type { Knex } from 'knex';
import { nowDefault } from './now-default';

/**
 * Adds the base columns of a synced model to a table being created:
 * - `id`: auto-increment primary key;
 * - `cdms_pk`: the CDMS GUID, `varchar(36)`, unique, nullable (local-only rows written with
 *   `skipCdms` have none);
 * - `created`, `modified`: date-times with milliseconds (PostgreSQL `timestamptz(3)`, MySQL
 *   `datetime(3)`, SQLite ISO-8601 text), default now; they mirror CDMS `CreatedOn`/`ModifiedOn`;
 * - `cdms_version`: CDMS `VersionNumber` (`bigint`, nullable). CRM 2011's `ModifiedOn` has
 *   one-second resolution, so a CDMS edit in the same second as the last sync leaves `ModifiedOn`
 *   unchanged: only `VersionNumber` shows it. A table without this column misses such edits until
 *   the record's next change in a later second (see docs/local-store.md).
 *
 * @example
 * await knex.schema.createTable('organisation', (table) => {
 *   addSyncedColumns(table, knex);
 *   table.string('name');
 * });
 * // PostgreSQL: create table "organisation" ("id" serial primary key, "cdms_pk" varchar(36),
 * //   "created" timestamptz(3) not null default CURRENT_TIMESTAMP(3), "modified" …,
 * //   "cdms_version" bigint null, "name" varchar(255));
 * //   alter table "organisation" add constraint "organisation_cdms_pk_unique" unique ("cdms_pk")
 */
export function addSyncedColumns(table: Knex.CreateTableBuilder, knex: Knex): void {
  table.increments('id');
  table.string('cdms_pk', 36).nullable().unique();
  table.datetime('created', { useTz: true, precision: 3 }).notNullable().defaultTo(nowDefault(knex));
  table.datetime('modified', { useTz: true, precision: 3 }).notNullable().defaultTo(nowDefault(knex));
  table.bigInteger('cdms_version').nullable();
}

/**
 * Creates a synced model's table: the base columns of `addSyncedColumns`, then the model's own.
 *
 * @example
 * await createSyncedTable(knex, 'organisation', (table) => {
 *   table.string('name');
 *   table.boolean('uk_organisation');
 * });
 */
export async function createSyncedTable(
  knex: Knex,
  name: string,
  build: (table: Knex.CreateTableBuilder) => void = () => {},
): Promise<void> {
  await knex.schema.createTable(name, (table) => {
    addSyncedColumns(table, knex);
    build(table);
  });
}
