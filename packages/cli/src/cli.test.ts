/**
 * The `cdms-sync` binary as a user runs it: a child process (the TypeScript sources through tsx)
 * loading `__fixtures__/cdms-sync.config.ts`, against the CDMS emulator over HTTP and PostgreSQL
 * (a schema per run, dropped afterwards).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelTables, DEFAULT_TABLE_NAMES } from '../../../test/support/organisation-models';
import { type CdmsEmulator, startCdmsEmulator } from '../../cdms-client/src/emulator/index';
import { CdmsClient } from '../../cdms-client/src/index';
import { createSyncStateTables } from '../../knex/src/index';

const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));
/** tsx's loader, absolute: a child started in another directory must still find it. */
const TSX = import.meta.resolve('tsx');
const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const ACCOUNTS = 600;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let emulator: CdmsEmulator;
let knex: Knex;
const schema = `cdms_sync_cli_${process.pid}_${Date.now().toString(36)}`;

function env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CLI_TEST_SCHEMA: schema, CLI_TEST_CDMS_URL: emulator.url, ...overrides };
}

/** Starts `cdms-sync …args` (cwd: the fixtures, so the config is found without --config). */
function start(args: readonly string[], options: { env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: FIXTURES,
    env: env(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finish(child: ChildProcess, onStderr?: (text: string) => void): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function cli(...args: string[]): Promise<CliRun> {
  return finish(start(args));
}

function accountsIn(table: string): Promise<number> {
  return knex(table)
    .count({ count: '*' })
    .then(([row]) => Number(row?.count ?? 0));
}

beforeAll(async () => {
  emulator = await startCdmsEmulator();
  const start = Date.UTC(2025, 0, 1);
  emulator.seed(
    'Account',
    Array.from({ length: ACCOUNTS }, (_, n) => ({
      Name: `Account ${n}`,
      CreatedOn: new Date(start + n * 3_600_000),
      ModifiedOn: new Date(start + n * 3_600_000),
    })),
  );
  const admin = knexFactory({ client: 'pg', connection: CONNECTION });
  await admin.raw('create schema ??', [schema]);
  await admin.destroy();
  knex = knexFactory({
    client: 'pg',
    connection: CONNECTION,
    searchPath: [schema],
    pool: { min: 0, max: 2 },
  });
  await createModelTables(knex, DEFAULT_TABLE_NAMES);
  await createSyncStateTables(knex);
});

afterAll(async () => {
  await knex?.raw('drop schema if exists ?? cascade', [schema]);
  await knex?.destroy();
  await emulator?.close();
});

describe('cdms-sync CLI', () => {
  it('prints the status of a project never backfilled as JSON', async () => {
    const run = await cli('status', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const statuses = JSON.parse(run.stdout) as {
      model: string;
      localRows: number;
      backfill: { state: string };
    }[];
    expect(statuses.map((status) => [status.model, status.localRows, status.backfill.state])).toEqual([
      ['Organisation', 0, 'never'],
      ['Contact', 0, 'never'],
    ]);
  });

  it('fails with the code of a CLI error and changes nothing', async () => {
    const unknown = await cli('backfill', 'Invoice');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error UNKNOWN_MODEL: No model named Invoice; the config has Organisation, Contact/m,
    );

    const missing = await finish(
      spawn(process.execPath, ['--import', TSX, BIN, 'status'], {
        cwd: '/',
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error CONFIG_NOT_FOUND: /m);

    const usage = await cli('backfill', '--concurrency', 'many');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("option '-c, --concurrency <n>' argument 'many' is invalid");
    expect(await accountsIn('organisation')).toBe(0);
  });

  it('fails with the typed error code of the library when CDMS cannot be reached', async () => {
    const run = await finish(start(['reconcile'], { env: { CLI_TEST_CDMS_URL: 'http://127.0.0.1:9/ORG' } }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error CDMS_NETWORK_ERROR: /m);
  });

  it('stops a backfill on SIGINT with exit code 130, and the next run resumes to the end', async () => {
    emulator.addFault({ operation: 'list' }, { type: 'latency', ms: 150 });
    try {
      const child = start(['backfill', 'Organisation', '--concurrency', '2']);
      let interrupted = false;
      const run = await finish(child, (stderr) => {
        // Interrupt once some pages are committed (a plain progress line is written).
        if (!interrupted && /backfill Organisation: [1-9]\d* rows/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('SIGINT: stopping after the pages in flight');
      expect(run.stdout).toContain('Interrupted: checkpoint saved');
      const partial = await accountsIn('organisation');
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(ACCOUNTS);

      const status = JSON.parse((await cli('status', 'organisation', '--json')).stdout) as {
        backfill: { state: string; ranges: { done: boolean }[] };
      }[];
      expect(status[0]?.backfill.state).toBe('partial');
    } finally {
      emulator.clearFaults();
    }

    const resumed = await cli('backfill');
    expect(resumed.code).toBe(0);
    expect(await accountsIn('organisation')).toBe(ACCOUNTS);
    // Not a terminal: plain progress lines, no cursor movement.
    expect(resumed.stderr).toMatch(
      /^backfill Organisation: \d+ rows, \d+ pages, ranges (\d+)\/\1, \d+ rows\/s, .+, done$/m,
    );
    expect(resumed.stderr).not.toContain('\u001b[');
    expect(resumed.stdout).toMatch(/^Organisation\s+\d+\s+\d+\s+\d+\s+yes\s/m);
  });

  it('polls a CDMS-side edit once and finds a CDMS-side delete by reconcile', async () => {
    const [first, second] = emulator.records('Account');
    emulator.editAsCdmsUser('Account', first?.AccountId as string, { Name: 'Renamed in CDMS' });
    const polled = await cli('poll', '--once', 'Organisation');
    expect(polled.code).toBe(0);
    expect(polled.stdout).toMatch(/^Organisation\s+1\s+1\s/m);
    expect(await knex('organisation').where({ cdms_pk: first?.AccountId }).first()).toMatchObject({
      name: 'Renamed in CDMS',
    });

    await new CdmsClient({ baseUrl: emulator.url }).delete('Account', second?.AccountId as string);
    const found = await cli('reconcile', 'Organisation', '--json');
    expect(found.code).toBe(0);
    // Progress on stderr, so stdout stays pure JSON.
    expect(found.stderr).toMatch(/^reconcile Organisation: \d+ CDMS records listed$/m);
    const report = JSON.parse(found.stdout) as {
      aborted: boolean;
      models: { model: string; deletedInCdms: string[]; repaired: boolean }[];
    };
    expect(report.models).toMatchObject([
      { model: 'Organisation', deletedInCdms: [second?.AccountId], repaired: false },
    ]);

    const repaired = await cli('reconcile', 'Organisation', '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/^Organisation\s+\d+\s+0\s+1\s+0\s+0\s+yes$/m);
    expect(await accountsIn('organisation')).toBe(ACCOUNTS - 1);

    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Organisation\s+organisation\s+599\s+\d{4}-/m);
    expect(status.stdout).toContain('Organisation backfill ranges:');
  });

  it('polls every interval, one line per round, until SIGINT (exit 130)', async () => {
    const child = start(['poll', 'Organisation', '--interval', '500ms']);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Two rounds done: stop.
      if ((stdout.match(/^poll /gm) ?? []).length === 2) child.kill('SIGINT');
    });
    const run = await finish(child);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('polling Organisation every 500 ms; Ctrl-C stops');
    expect(stdout).toMatch(/^poll \d{4}-\d\d-\d\dT[\d:.]+Z: Organisation \d+ changes? \(\d+ requests?\)$/m);
  });

  it('draws progress bars on a terminal (a pseudo-TTY through script(1))', async () => {
    // A wide terminal, so the bar's line is not cut at the default 80 columns.
    const command = `stty cols 200 && ${[process.execPath, '--import', TSX, BIN, 'backfill', 'Organisation'].join(' ')}`;
    const run = await finish(
      spawn('script', ['-qec', command, '/dev/null'], {
        cwd: FIXTURES,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(run.code).toBe(0);
    // A terminal gets the bar (redrawn in place, cursor hidden), not the plain log lines.
    expect(run.stdout).toMatch(
      /Organisation \[█{24}\] ranges 1\/1 \| \d+ rows \| \d+ pages \| \d+ rows\/s \| /,
    );
    expect(run.stdout).toContain('\u001b[?25l');
    expect(run.stdout).not.toContain('backfill Organisation:');
  });
});
