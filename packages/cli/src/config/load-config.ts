import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sync, SyncedModelClass } from '@cdms-sync/core';
import { createJiti } from 'jiti';
import { CliError } from '../errors/cli-error';
import type { CdmsSyncConfig } from './define-config';

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  'cdms-sync.config.ts',
  'cdms-sync.config.mjs',
  'cdms-sync.config.js',
] as const;

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Where to look for `cdms-sync.config.{ts,mjs,js}`. @default process.cwd() */
  cwd?: string;
  /** An explicit config file (relative to `cwd`), as given by `--config`. */
  configPath?: string;
}

/** A loaded config: the file it came from, the sync, and the models the CLI covers. */
export interface LoadedConfig {
  readonly path: string;
  readonly sync: Sync;
  readonly models: readonly SyncedModelClass[];
}

/** The config file to load: `configPath`, or the first of `CONFIG_FILE_NAMES` found in `cwd`. */
export function findConfigFile(options: LoadConfigOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.configPath !== undefined) {
    const path = resolve(cwd, options.configPath);
    if (!existsSync(path)) throw new CliError('CONFIG_NOT_FOUND', `Config file ${path} does not exist`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new CliError(
    'CONFIG_NOT_FOUND',
    `No ${CONFIG_FILE_NAMES.join(', ')} in ${cwd}; pass --config <file>`,
  );
}

function isSync(value: unknown): value is Sync {
  const candidate = value as Partial<Record<keyof Sync, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.models === 'function' &&
    typeof candidate.backfill === 'function' &&
    typeof candidate.close === 'function'
  );
}

/**
 * Loads the host's config file (TypeScript through jiti, so no build step; `.mjs`/`.js` as they
 * are), calls its default export when it is a function, and checks its shape.
 *
 * @example
 * const { sync, models } = await loadConfig({ cwd: process.cwd() });
 * await sync.status(models);
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const path = findConfigFile(options);
  // Resolve the config's own imports from where the config lives (the host project).
  const jiti = createJiti(pathToFileURL(path).href, { interopDefault: true });
  let exported: unknown;
  try {
    exported = await jiti.import(path, { default: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError('CONFIG_INVALID', `Could not load ${path}: ${reason}`, { cause: error });
  }
  const config = (typeof exported === 'function' ? await exported() : exported) as Partial<CdmsSyncConfig>;
  if (typeof config !== 'object' || config === null || !isSync(config.sync)) {
    throw new CliError(
      'CONFIG_INVALID',
      `${path} must export default { sync, models? } (or a function returning it), where sync comes from createSync()`,
    );
  }
  const models = config.models ?? config.sync.models();
  if (!Array.isArray(models) || models.some((model) => typeof model !== 'function')) {
    throw new CliError('CONFIG_INVALID', `${path}: models must be an array of model classes`);
  }
  return { path, sync: config.sync, models };
}
