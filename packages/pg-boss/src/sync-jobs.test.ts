/**
 * `createSyncJobs` on a real pg-boss 10 and PostgreSQL (127.0.0.1:5432; the tables and pg-boss's
 * own schema of this run are dropped afterwards), against the CDMS emulator over HTTP: two
 * "instances" (two Syncs, two pg-boss clients on the same queues) work the backfill ranges as
 * jobs, then the poll runs as a job.
 */
import knexFactory, { type Knex } from 'knex';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelTables,
  DEFAULT_TABLE_NAMES,
  defineModels,
} from '../../../test/support/organisation-models';
import { type CdmsEmulator, startCdmsEmulator } from '../../cdms-client/src/emulator/index';
import { CdmsClient } from '../../cdms-client/src/index';
import { createSync, type Sync } from '../../core/src/index';
import { createSyncStateTables, knexStore } from '../../knex/src/index';
import { createSyncJobs, type SyncJobs } from './sync-jobs';

const CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const ACCOUNTS = 500;
const run = `${process.pid}_${Date.now().toString(36)}`;
const schema = `cdms_sync_pgboss_${run}`;
const bossSchema = `cdms_sync_boss_${run}`;

interface Instance {
  readonly knex: Knex;
  readonly sync: Sync;
  readonly boss: PgBoss;
  readonly jobs: SyncJobs;
  readonly Organisation: ReturnType<typeof defineModels>['Organisation'];
}

let emulator: CdmsEmulator;
let admin: Knex;
const instances: Instance[] = [];

async function openInstance(): Promise<Instance> {
  const knex = knexFactory({
    client: 'pg',
    connection: CONNECTION,
    searchPath: [schema],
    pool: { min: 0, max: 4 },
  });
  const sync = createSync({ store: knexStore(knex), cdms: new CdmsClient({ baseUrl: emulator.url }) });
  const { Organisation, Contact } = defineModels();
  sync.register(Organisation, Contact);
  const boss = new PgBoss({ ...CONNECTION, schema: bossSchema, max: 2, supervise: false, schedule: true });
  boss.on('error', () => {});
  await boss.start();
  const jobs = createSyncJobs({ boss, sync, models: [Organisation] });
  const instance = { knex, sync, boss, jobs, Organisation };
  instances.push(instance);
  return instance;
}

/** Waits until `queue` has no waiting or running job. */
async function drained(boss: PgBoss, queue: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await boss.getQueueSize(queue, { before: 'completed' })) > 0) {
    if (Date.now() > deadline) throw new Error(`${queue} did not drain`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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
  admin = knexFactory({ client: 'pg', connection: CONNECTION, pool: { min: 0, max: 1 } });
  await admin.raw('create schema ??', [schema]);
  const knex = knexFactory({
    client: 'pg',
    connection: CONNECTION,
    searchPath: [schema],
    pool: { min: 0, max: 1 },
  });
  await createModelTables(knex, DEFAULT_TABLE_NAMES);
  await createSyncStateTables(knex);
  await knex.destroy();
});

afterAll(async () => {
  for (const instance of instances) {
    await instance.jobs.stop().catch(() => {});
    await instance.boss.stop({ graceful: false, close: true, wait: true }).catch(() => {});
    await instance.knex.destroy();
  }
  await admin?.raw('drop schema if exists ?? cascade', [schema]);
  await admin?.raw('drop schema if exists ?? cascade', [bossSchema]);
  await admin?.destroy();
  await emulator?.close();
});

describe('createSyncJobs (pg-boss 10)', () => {
  it('runs the backfill ranges as jobs shared by two instances, each range once', async () => {
    const first = await openInstance();
    const second = await openInstance();
    await first.jobs.createQueues();
    await second.jobs.createQueues(); // idempotent

    const enqueued = await first.jobs.enqueueBackfill(undefined, { rangeRows: 100 });
    expect(enqueued).toEqual([{ model: 'Organisation', ranges: 5, enqueued: 5 }]);
    // Re-running the deploy step sends nothing for ranges already queued.
    expect(await second.jobs.enqueueBackfill(undefined, { rangeRows: 100 })).toEqual([
      { model: 'Organisation', ranges: 5, enqueued: 0 },
    ]);

    const requestsBefore = emulator.requestCount({ operation: 'list' });
    await Promise.all([
      first.jobs.work({ backfillWorkers: 2, pollingIntervalSeconds: 0.5, poll: false }),
      second.jobs.work({ backfillWorkers: 2, pollingIntervalSeconds: 0.5, poll: false }),
    ]);
    await drained(first.boss, first.jobs.queues.backfillRange);

    const [status] = await first.sync.status([first.Organisation]);
    expect(status?.backfill.state).toBe('complete');
    expect(status?.backfill.ranges.map((range) => range.done)).toEqual([true, true, true, true, true]);
    expect(status?.localRows).toBe(ACCOUNTS);
    // Every range read once: 100 rows = 2 full pages + the empty end of each range at most.
    const pages = emulator.requestCount({ operation: 'list' }) - requestsBefore;
    expect(pages).toBeLessThanOrEqual(5 * 3);
    // One history entry per imported row: no range was imported twice.
    const [history] = await first.knex('cdms_sync_history').count({ count: '*' });
    expect(Number(history?.count)).toBe(ACCOUNTS);
    // Done ranges are not queued again.
    expect(await first.jobs.enqueueBackfill()).toEqual([{ model: 'Organisation', ranges: 5, enqueued: 0 }]);
  });

  it('runs the poll as a job, one waiting at a time, and schedules it with cron', async () => {
    const [first] = instances as [Instance];
    const [record] = emulator.records('Account');
    emulator.editAsCdmsUser('Account', record?.AccountId as string, { Name: 'Renamed in CDMS' });

    await first.jobs.schedulePoll('*/5 * * * *');
    const schedules = await first.boss.getSchedules();
    expect(schedules).toEqual([
      expect.objectContaining({ name: first.jobs.queues.poll, cron: '*/5 * * * *' }),
    ]);

    await first.jobs.stop(); // no poll worker yet: the jobs wait
    const id = await first.jobs.pollNow();
    expect(id).toEqual(expect.any(String));
    expect(await first.jobs.pollNow()).toBeNull(); // stately: one waiting poll at most

    await first.jobs.work({ backfillWorkers: 0, pollingIntervalSeconds: 0.5 });
    await drained(first.boss, first.jobs.queues.poll);
    const job = await first.boss.getJobById<object>(first.jobs.queues.poll, id as string, {
      includeArchive: true,
    });
    expect(job?.state).toBe('completed');
    expect(job?.output).toMatchObject({ aborted: false, models: [{ model: 'Organisation', changes: 1 }] });
    expect(await first.knex('organisation').where({ cdms_pk: record?.AccountId }).first()).toMatchObject({
      name: 'Renamed in CDMS',
    });
  });
});
