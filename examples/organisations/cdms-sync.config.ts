// The `cdms-sync` CLI's config for this app (shown in docs/operations.md, "Running a migration"):
// run `npx cdms-sync status` here with DATABASE_URL and the CDMS settings in the environment.

import { AdfsFormAuth, CdmsClient } from '@cdms-sync/cdms-client';
import { defineConfig } from '@cdms-sync/cli';
import { createSync } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import Knex from 'knex';
import { Contact } from './src/models/contact';
import { Organisation } from './src/models/organisation';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

export default defineConfig(() => {
  const knex = Knex({ client: 'pg', connection: required('DATABASE_URL') });
  const cdms = new CdmsClient({
    baseUrl: required('CDMS_BASE_URL'),
    auth: new AdfsFormAuth({
      adfsUrl: required('CDMS_ADFS_URL'),
      username: required('CDMS_USERNAME'),
      password: required('CDMS_PASSWORD'),
    }),
  });
  const sync = createSync({ store: knexStore(knex), cdms });
  sync.register(Organisation, Contact);
  return { sync };
});
