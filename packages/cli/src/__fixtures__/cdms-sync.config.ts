/**
 * The config the CLI tests run against: PostgreSQL in the schema `CLI_TEST_SCHEMA`, the CDMS
 * emulator at `CLI_TEST_CDMS_URL` (both set by the test), the shared `Organisation`/`Contact`
 * models. Imports are relative (sources), as a test fixture of the monorepo; a host project
 * imports `@cdms-sync/*`.
 */
import knexFactory from 'knex';
import { defineModels } from '../../../../test/support/organisation-models';
import { CdmsClient } from '../../../cdms-client/src/index';
import { createSync } from '../../../core/src/index';
import { knexStore } from '../../../knex/src/index';

export default async function config() {
  const schema = process.env.CLI_TEST_SCHEMA;
  const baseUrl = process.env.CLI_TEST_CDMS_URL;
  if (!schema || !baseUrl) throw new Error('CLI_TEST_SCHEMA and CLI_TEST_CDMS_URL must be set');
  const knex = knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
    searchPath: [schema],
    pool: { min: 0, max: 4 },
  });
  const sync = createSync({
    store: knexStore(knex),
    cdms: new CdmsClient({ baseUrl, retries: { limit: 0 } }),
  });
  const { Organisation, Contact } = defineModels();
  sync.register(Organisation, Contact);
  return { sync };
}
