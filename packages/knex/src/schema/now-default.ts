import type { Knex } from 'knex';
import { detectDialect } from '../store/dialect';

/**
 * The column default "now, with milliseconds" for a dialect: `CURRENT_TIMESTAMP(3)` on
 * PostgreSQL/PGlite/MySQL; on SQLite the UTC ISO-8601 text the store writes
 * (`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`), so defaults sort and compare like stored values.
 *
 * @internal
 */
export function nowDefault(knex: Knex): Knex.Raw {
  return detectDialect(knex) === 'sqlite'
    ? knex.raw(`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`)
    : knex.fn.now(3);
}
