import { NotSupportedError } from '@cdms-sync/core';
import type { Knex } from 'knex';

/** The SQL dialects the store speaks. `pglite` is PostgreSQL embedded through `knex-pglite`. */
export type StoreDialect = 'postgresql' | 'pglite' | 'sqlite' | 'mysql';

/**
 * Tells the dialect from a Knex instance's client: `pg` -> `postgresql`, `knex-pglite` -> `pglite`,
 * `better-sqlite3`/`sqlite3` -> `sqlite`, `mysql2`/`mysql` -> `mysql`.
 *
 * @throws NotSupportedError for any other client (MSSQL, Oracle …).
 */
export function detectDialect(knex: Knex): StoreDialect {
  const client = knex.client as {
    dialect?: string;
    driverName?: string;
    pglite?: unknown;
    constructor: { name: string };
  };
  switch (client.dialect) {
    case 'postgresql':
    case 'postgres':
      // knex-pglite extends the pg client; it keeps its embedded database on `client.pglite`.
      return 'pglite' in client || /pglite/i.test(client.constructor.name) ? 'pglite' : 'postgresql';
    case 'sqlite3':
    case 'better-sqlite3':
      return 'sqlite';
    case 'mysql':
    case 'mysql2':
      return 'mysql';
    default:
      throw new NotSupportedError(
        `The Knex client "${client.driverName ?? client.dialect ?? client.constructor.name}" is not supported by the cdms-sync store; use pg, knex-pglite, better-sqlite3 or mysql2.`,
      );
  }
}
