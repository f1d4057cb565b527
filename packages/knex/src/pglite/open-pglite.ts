import knexFactory, { type Knex } from 'knex';

/** Options of `openPglite()`. */
export interface OpenPgliteOptions {
  /**
   * A directory for the database files; omit for an in-memory database.
   * @default undefined (in memory)
   */
  dataDir?: string;
}

/**
 * Opens an embedded PostgreSQL (PGlite, through `knex-pglite`) and returns a Knex instance on it.
 * PGlite has one connection, so the pool holds exactly one. Call `knex.destroy()` (or the store's
 * `close()`) to shut the database down. `knex-pglite` and `@electric-sql/pglite` are optional peer
 * dependencies, loaded only here.
 *
 * @example
 * const knex = await openPglite();                 // in memory
 * const store = knexStore(knex);                   // dialect 'pglite'
 * await createSyncedTable(knex, 'organisation', (table) => table.string('name'));
 * await store.close();
 */
export async function openPglite(options: OpenPgliteOptions = {}): Promise<Knex> {
  const { default: ClientPgLite } = await import('knex-pglite');
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: options.dataDir === undefined ? {} : { filename: options.dataDir },
  } as Knex.Config);
}
