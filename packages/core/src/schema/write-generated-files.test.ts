import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GeneratedFile } from './generate-models';
import { writeGeneratedFiles } from './write-generated-files';

const file = (path: string, contents: string, kind: GeneratedFile['kind'] = 'model'): GeneratedFile => ({
  path,
  contents,
  kind,
  entity: 'Contact',
  table: 'contact',
});

let outDir: string;
beforeEach(() => {
  outDir = mkdtempSync(join(tmpdir(), 'cdms-sync-write-'));
});
afterEach(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('writeGeneratedFiles', () => {
  it('writes new files, never overwrites an edited one, and skips a migration for a table that has one', async () => {
    const first = [
      file('models/contact.ts', 'generated v1\n'),
      file('migrations/20261127120000-01-create-contact.ts', 'migration v1\n', 'migration'),
    ];
    expect(await writeGeneratedFiles(first, { outDir })).toEqual({
      written: ['models/contact.ts', 'migrations/20261127120000-01-create-contact.ts'],
      unchanged: [],
      kept: [],
      existingMigrations: [],
    });
    writeFileSync(join(outDir, 'models/contact.ts'), 'generated v1\n// my edit\n');

    const second = [
      file('models/contact.ts', 'generated v2\n'),
      file('models/account.ts', 'account\n'),
      file('migrations/20261128090000-01-create-contact.ts', 'migration v2\n', 'migration'),
    ];
    expect(await writeGeneratedFiles(second, { outDir })).toEqual({
      written: ['models/account.ts'],
      unchanged: [],
      kept: ['models/contact.ts'],
      existingMigrations: ['migrations/20261127120000-01-create-contact.ts'],
    });
    expect(readFileSync(join(outDir, 'models/contact.ts'), 'utf8')).toBe('generated v1\n// my edit\n');
    expect(readdirSync(join(outDir, 'migrations'))).toEqual(['20261127120000-01-create-contact.ts']);
    expect(
      (await writeGeneratedFiles([file('models/account.ts', 'account\n')], { outDir })).unchanged,
    ).toEqual(['models/account.ts']);
  });

  it('--dry-run reports what it would write and writes nothing', async () => {
    const report = await writeGeneratedFiles([file('models/contact.ts', 'x\n')], { outDir, dryRun: true });
    expect(report.written).toEqual(['models/contact.ts']);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
