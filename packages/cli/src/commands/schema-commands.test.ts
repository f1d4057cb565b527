/**
 * `cdms-sync generate` and `cdms-sync check`, run in-process (`runCli`) against the CDMS emulator
 * over HTTP: files written and never overwritten, `--dry-run`, and `check`'s table and exit code.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CdmsEmulator, startCdmsEmulator } from '../../../cdms-client/src/emulator/index';
import { runCli } from '../create-program';

const FIXTURES = fileURLToPath(new URL('../__fixtures__/', import.meta.url));

let emulator: CdmsEmulator;
let out: string;
beforeAll(async () => {
  emulator = await startCdmsEmulator();
  out = mkdtempSync(join(tmpdir(), 'cdms-sync-cli-generate-'));
});
afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await emulator?.close();
});

async function cli(args: readonly string[], cwd = FIXTURES) {
  const output = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: false,
      write(text: string) {
        output[key] += text;
        return true;
      },
    }) as never;
  const code = await runCli(['node', 'cdms-sync', ...args], {
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    cwd,
  });
  return { code, ...output };
}

describe('cdms-sync generate', () => {
  it('writes a model and a migration per entity from the emulator $metadata, then never overwrites them', async () => {
    // The same run twice: the second must keep what the first wrote.
    const generateAccountAndContact = () =>
      cli([
        'generate',
        'Account',
        'Contact',
        '--url',
        emulator.url,
        '--out',
        out,
        '--max-length',
        'Account.Description=2000',
      ]);
    const first = await generateAccountAndContact();
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      /^wrote {2}models\/account\.ts\nwrote {2}models\/contact\.ts\nwrote {2}migrations\/\d{14}-01-create-contact\.ts\n/,
    );
    expect(readdirSync(join(out, 'models')).sort()).toEqual(['account.ts', 'contact.ts']);
    expect(readFileSync(join(out, 'models/account.ts'), 'utf8')).toContain(
      "`Description`: 2000 (from the host's maxLengths override)",
    );

    // A later run: the first run's migrations carry an older stamp.
    for (const name of readdirSync(join(out, 'migrations'))) {
      renameSync(
        join(out, 'migrations', name),
        join(out, 'migrations', name.replace(/^\d{14}/, '20200101000000')),
      );
    }
    writeFileSync(
      join(out, 'models/contact.ts'),
      `${readFileSync(join(out, 'models/contact.ts'), 'utf8')}// edited\n`,
    );
    const second = await generateAccountAndContact();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('unchanged  models/account.ts');
    expect(second.stdout).toContain(
      'kept       models/contact.ts (differs from the generated one: not overwritten; delete it to regenerate)',
    );
    expect(second.stdout).toContain(
      'kept       migrations/20200101000000-01-create-contact.ts (a migration already creates this table)',
    );
    expect(readFileSync(join(out, 'models/contact.ts'), 'utf8').endsWith('// edited\n')).toBe(true);
    expect(readdirSync(join(out, 'migrations'))).toHaveLength(2);
  });

  it('--dry-run prints the files and writes nothing; an unknown entity fails with a suggestion', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cdms-sync-cli-dry-'));
    try {
      const dry = await cli(['generate', 'SystemUser', '--url', emulator.url, '--out', empty, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('// ---- models/system-user.ts\n');
      expect(dry.stdout).toContain('export class SystemUser extends SyncedModel {');
      expect(dry.stdout).toContain('would write  models/system-user.ts');
      expect(readdirSync(empty)).toEqual([]);
      const typo = await cli(['generate', 'Acount', '--url', emulator.url, '--out', empty]);
      expect(typo).toMatchObject({
        code: 1,
        stderr: "error FIELD_ERROR: Unknown CDMS entity 'Acount'; did you mean 'Account'?\n",
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('cdms-sync check', () => {
  const env = (values: Record<string, string | undefined>) => {
    const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
    Object.assign(process.env, values);
    for (const [key, value] of Object.entries(values)) if (value === undefined) delete process.env[key];
    return () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
  };

  it('exits 0 with "No problems found." when the migrators match $metadata', async () => {
    const restore = env({ CLI_TEST_CDMS_URL: emulator.url, CLI_TEST_BROKEN_MIGRATOR: undefined });
    try {
      expect(await cli(['--config', 'schema-check.config.ts', 'check'])).toEqual({
        code: 0,
        stdout: 'No problems found.\n',
        stderr: '',
      });
    } finally {
      restore();
    }
  });

  it('exits 1 with a table of the problems of a broken migrator', async () => {
    const restore = env({ CLI_TEST_CDMS_URL: emulator.url, CLI_TEST_BROKEN_MIGRATOR: '1' });
    try {
      const run = await cli(['--config', 'schema-check.config.ts', 'check']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.stdout).toBe(
        [
          'model         field           attribute               problem',
          '------------  --------------  ----------------------  ------------------------------------------------------------',
          "Organisation  name            Nmae                    unknown-attribute: Account has no attribute 'Nmae'; did you mean 'Name'?",
          'Organisation  ukOrganisation  optevia_ukorganisation  incompatible-codec: fields.integer() cannot map Account.optevia_ukorganisation, an Edm.Boolean',
          '',
          '2 problems found.',
          '',
        ].join('\n'),
      );
      const json = await cli(['--config', 'schema-check.config.ts', 'check', '--json']);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(1);
      expect((JSON.parse(json.stdout) as { kind: string }[]).map((problem) => problem.kind)).toEqual([
        'unknown-attribute',
        'incompatible-codec',
      ]);
    } finally {
      restore();
    }
  });
});
