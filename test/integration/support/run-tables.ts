/**
 * The tables of one end-to-end run. Names are chosen per run so that parallel suites sharing a
 * database never clash; the models and columns are the shared ones of `test/support/organisation-models.ts`.
 */
import type { Knex } from 'knex';
import type { ModelTableNames } from '../../support/organisation-models';

let runCounter = 0;

/** Short table names unique to this process and run (MySQL index names must stay under 64 characters). */
export function uniqueTableNames(): ModelTableNames {
  runCounter += 1;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${runCounter}`;
  return { organisation: `it_org_${suffix}`, contact: `it_con_${suffix}`, history: `it_his_${suffix}` };
}

/** Empties the run's tables (children first). */
export async function clearTables(knex: Knex, tables: ModelTableNames): Promise<void> {
  await knex(tables.contact).del();
  await knex(tables.organisation).del();
  await knex(tables.history).del();
}
