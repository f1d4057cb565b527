import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';

/** A stand-in with the shape `loadConfig` checks (a real Sync is exercised by cli.test.ts). */
const FAKE_SYNC = `{
  models: () => [class Organisation { static table = 'organisation' }],
  backfill: async () => ({}), close: async () => {},
}`;

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'cdms-sync-cli-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('loads an .mjs config whose default export is the config object', async () => {
    writeFileSync(join(cwd, 'cdms-sync.config.mjs'), `export default { sync: ${FAKE_SYNC} };`);
    const loaded = await loadConfig({ cwd });
    expect(loaded.path).toBe(join(cwd, 'cdms-sync.config.mjs'));
    expect(loaded.models.map((model) => model.name)).toEqual(['Organisation']);
  });

  it('prefers cdms-sync.config.ts and awaits an async function export', async () => {
    writeFileSync(join(cwd, 'cdms-sync.config.mjs'), 'export default {};');
    writeFileSync(
      join(cwd, 'cdms-sync.config.ts'),
      `const models: readonly unknown[] = [];\nexport default async () => ({ sync: ${FAKE_SYNC}, models });`,
    );
    const loaded = await loadConfig({ cwd });
    expect(loaded.path).toBe(join(cwd, 'cdms-sync.config.ts'));
    expect(loaded.models).toEqual([]);
  });

  it('rejects a config without a sync, and a missing --config file, with typed codes', async () => {
    writeFileSync(join(cwd, 'cdms-sync.config.js'), 'export default { models: [] };');
    await expect(loadConfig({ cwd })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(loadConfig({ cwd, configPath: 'nope.ts' })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
    });
    writeFileSync(join(cwd, 'broken.mjs'), 'export default {');
    await expect(loadConfig({ cwd, configPath: 'broken.mjs' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
