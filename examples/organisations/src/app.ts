import { AdfsFormAuth, CdmsClient } from '@cdms-sync/cdms-client';
import { type CdmsEmulator, startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
import { createSync, type Sync } from '@cdms-sync/core';
import { knexStore, openPglite } from '@cdms-sync/knex';
import knexFactory, { type Knex } from 'knex';
import * as initial from './migrations/001-initial';
import * as syncState from './migrations/002-sync-state';
import { Contact } from './models/contact';
import { Organisation } from './models/organisation';

/** Where the app keeps its data and which CDMS it talks to. */
export interface AppConfig {
  /** A PostgreSQL URL (`postgres://user@host:5432/db`); omitted: an in-memory PGlite database. */
  databaseUrl?: string;
  /**
   * With `databaseUrl`: the PostgreSQL schema to work in (created when missing, put on the
   * `search_path`). @default the connection's default schema (`public`)
   */
  databaseSchema?: string;
  /** A real CDMS (logged in through ADFS); omitted: the CDMS emulator on a free local port. */
  cdms?: RealCdmsConfig;
}

/** A real CDMS behind ADFS 2.0. */
export interface RealCdmsConfig {
  /** The organisation root, e.g. `https://crm.example.org/ORG`. */
  baseUrl: string;
  /** The ADFS root, e.g. `https://adfs.example.org/adfs/services/trust`. */
  adfsUrl: string;
  username: string;
  password: string;
}

/** The wired application: the Sync, the CDMS client, the database, and the emulator when used. */
export interface App {
  readonly sync: Sync;
  readonly cdms: CdmsClient;
  readonly knex: Knex;
  /** `pglite` or `postgresql`. */
  readonly database: string;
  /** Present when the app talks to the emulator rather than a real CDMS. */
  readonly emulator: CdmsEmulator | undefined;
  /** Closes the database and stops the emulator. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Reads the configuration from the environment:
 * - `DATABASE_URL`: PostgreSQL instead of the in-memory PGlite;
 * - `CDMS_BASE_URL` with `CDMS_ADFS_URL`, `CDMS_USERNAME`, `CDMS_PASSWORD`: a real CDMS instead
 *   of the emulator.
 */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const config: AppConfig = {};
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.CDMS_BASE_URL) {
    const missing = ['CDMS_ADFS_URL', 'CDMS_USERNAME', 'CDMS_PASSWORD'].filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new Error(`CDMS_BASE_URL is set, so ${missing.join(', ')} must be set too`);
    }
    config.cdms = {
      baseUrl: env.CDMS_BASE_URL,
      adfsUrl: env.CDMS_ADFS_URL as string,
      username: env.CDMS_USERNAME as string,
      password: env.CDMS_PASSWORD as string,
    };
  }
  return config;
}

/**
 * Opens the database, brings its schema up to date, connects to CDMS (or starts the emulator) and
 * registers the models.
 *
 * @example
 * ```ts
 * const app = await startApp(configFromEnvironment());
 * try {
 *   await registerOrganisation({ name: 'Acme' });
 * } finally {
 *   await app.close();
 * }
 * ```
 */
export async function startApp(config: AppConfig = {}): Promise<App> {
  const knex = config.databaseUrl
    ? openPostgres(config.databaseUrl, config.databaseSchema)
    : await openPglite();
  let emulator: CdmsEmulator | undefined;
  try {
    if (config.databaseUrl && config.databaseSchema) {
      await knex.raw('create schema if not exists ??', [config.databaseSchema]);
    }
    await knex.migrate.latest({ migrationSource: new ExampleMigrations() });

    let cdms: CdmsClient;
    if (config.cdms) {
      const { baseUrl, ...credentials } = config.cdms;
      cdms = new CdmsClient({ baseUrl, auth: new AdfsFormAuth(credentials) });
    } else {
      emulator = await startCdmsEmulator();
      cdms = new CdmsClient({ baseUrl: emulator.url });
    }

    const sync = createSync({ store: knexStore(knex), cdms });
    sync.register(Organisation, Contact);

    let closed = false;
    const running = emulator;
    return {
      sync,
      cdms,
      knex,
      database: config.databaseUrl ? 'postgresql' : 'pglite',
      emulator,
      async close() {
        if (closed) return;
        closed = true;
        await Promise.allSettled([sync.close(), running?.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([knex.destroy(), emulator?.close()]);
    throw error;
  }
}

function openPostgres(url: string, schema: string | undefined): Knex {
  return knexFactory({ client: 'pg', connection: url, ...(schema ? { searchPath: [schema] } : {}) });
}

/** The app's migrations, in order; `knex_migrations` records which ones ran. */
const MIGRATIONS: Readonly<Record<string, Knex.Migration>> = {
  '001-initial': initial,
  '002-sync-state': syncState,
};

/** Serves the migrations from code, so they run the same from `tsx`, a bundle or the tests. */
class ExampleMigrations implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return Object.keys(MIGRATIONS).sort();
  }

  getMigrationName(migration: string): string {
    return migration;
  }

  async getMigration(migration: string): Promise<Knex.Migration> {
    const found = MIGRATIONS[migration];
    if (!found) throw new Error(`Unknown migration ${migration}`);
    return found;
  }
}
