import type { ImportHistory, PlanBackfillOptions, Sync, SyncedModelClass } from '@cdms-sync/core';
import type PgBoss from 'pg-boss';

/** Options of `createSyncJobs`. */
export interface SyncJobsOptions {
  /** The pg-boss instance (started: `await boss.start()`), in the schema of your choice. */
  readonly boss: PgBoss;
  /** The sync whose models the jobs work on (its models registered). */
  readonly sync: Sync;
  /** The models covered. @default sync.models() */
  readonly models?: readonly SyncedModelClass[];
  /** Prefix of the two queue names (`${prefix}.backfill-range`, `${prefix}.poll`). @default 'cdms-sync' */
  readonly queuePrefix?: string;
}

/** Options of `SyncJobs.work`. */
export interface SyncWorkOptions {
  /**
   * Backfill range jobs this process works at once (one pg-boss worker each; a range is one
   * sequential `__next` walk, so this is also its CDMS pages in flight). @default 2
   */
  readonly backfillWorkers?: number;
  /** History of imported rows: one `cdms-refresh` entry per row, or one summary per page. @default 'row' */
  readonly history?: ImportHistory;
  /** How often an idle worker asks pg-boss for a job, in seconds (pg-boss's minimum is 0.5). @default 2 */
  readonly pollingIntervalSeconds?: number;
  /** Whether this process also works the poll queue. @default true */
  readonly poll?: boolean;
}

/** The data of a backfill range job. */
export interface BackfillRangeJob {
  /** `Model.name`. */
  readonly model: string;
  readonly rangeId: string;
}

/** What `SyncJobs.enqueueBackfill` did, per model. */
export interface EnqueuedBackfill {
  readonly model: string;
  /** Ranges in the model's plan. */
  readonly ranges: number;
  /** Jobs sent now: ranges not done and not already queued. */
  readonly enqueued: number;
}

/** Backfill ranges and the poll as pg-boss jobs. */
export interface SyncJobs {
  /** The queue names. */
  readonly queues: { readonly backfillRange: string; readonly poll: string };
  /** Creates both queues (idempotent): range jobs `stately` per range, the poll `stately`. */
  createQueues(): Promise<void>;
  /**
   * Plans the backfill of each model (`sync.planBackfill`, stored in the state table: every
   * process sees the same ranges) and sends one job per range not done yet. Re-running it sends
   * nothing for a range already queued.
   */
  enqueueBackfill(
    models?: readonly SyncedModelClass[],
    plan?: PlanBackfillOptions,
  ): Promise<EnqueuedBackfill[]>;
  /** Schedules the poll (`sync.poll()` of every model) as a cron job; at most one runs at a time. */
  schedulePoll(cron?: string): Promise<void>;
  /** Sends one poll job now (it is skipped when one is already waiting). Returns its id or null. */
  pollNow(): Promise<string | null>;
  /** Starts this process's workers. */
  work(options?: SyncWorkOptions): Promise<void>;
  /**
   * Stops this process's workers: running range jobs are aborted (they checkpoint their last
   * committed page, and the job fails so that pg-boss retries it elsewhere).
   */
  stop(): Promise<void>;
}

/** Range jobs: retried 5 times, 10 s apart and backing off, e.g. after a LEASE_HELD or a CDMS outage. */
const RANGE_RETRY = { retryLimit: 5, retryDelay: 10, retryBackoff: true } as const;

function modelNamed(models: readonly SyncedModelClass[], name: string): SyncedModelClass {
  const found = models.find((model) => model.name === name);
  if (!found) throw new Error(`cdms-sync job for unknown model ${name}`);
  return found;
}

/**
 * Runs cdms-sync's backfill and poll on pg-boss (10.x): each backfill range is a job any process
 * of the fleet can take (`sync.backfillRange`, resumable from its checkpoint if a process dies),
 * and the poll is a cron job of which at most one runs at a time across the fleet.
 *
 * SQL: pg-boss's own (jobs in `${schema}.job`); cdms-sync's state tables as usual. CDMS requests:
 * those of `planBackfill`, `backfillRange` and `poll`.
 *
 * @example
 * const boss = new PgBoss({ connectionString: process.env.DATABASE_URL });
 * await boss.start();
 * const jobs = createSyncJobs({ boss, sync });
 * await jobs.createQueues();
 * await jobs.enqueueBackfill();          // once, from a deploy step
 * await jobs.schedulePoll('* * * * *');  // every minute
 * await jobs.work({ backfillWorkers: 2 }); // on every instance
 */
export function createSyncJobs(options: SyncJobsOptions): SyncJobs {
  const { boss, sync } = options;
  const prefix = options.queuePrefix ?? 'cdms-sync';
  const queues = { backfillRange: `${prefix}.backfill-range`, poll: `${prefix}.poll` } as const;
  const models = () => options.models ?? sync.models();
  let stopping = new AbortController();

  return {
    queues,
    async createQueues() {
      await boss.createQueue(queues.backfillRange, {
        name: queues.backfillRange,
        policy: 'stately',
        ...RANGE_RETRY,
      });
      await boss.createQueue(queues.poll, { name: queues.poll, policy: 'stately', retryLimit: 0 });
    },
    async enqueueBackfill(selected = models(), plan = {}) {
      const enqueued: EnqueuedBackfill[] = [];
      for (const Model of selected) {
        const ranges = await sync.planBackfill(Model, plan);
        let sent = 0;
        for (const range of ranges) {
          if (range.done) continue;
          const data: BackfillRangeJob = { model: Model.name, rangeId: range.rangeId };
          // stately + singletonKey: one waiting job per range, however often this runs.
          const id = await boss.send(queues.backfillRange, data, {
            singletonKey: `${Model.name}/${range.rangeId}`,
          });
          if (id !== null) sent += 1;
        }
        enqueued.push({ model: Model.name, ranges: ranges.length, enqueued: sent });
      }
      return enqueued;
    },
    async schedulePoll(cron = '* * * * *') {
      await boss.schedule(queues.poll, cron, {});
    },
    pollNow() {
      return boss.send(queues.poll, {});
    },
    async work(workOptions = {}) {
      stopping = new AbortController();
      const signal = stopping.signal;
      const workerOptions = { batchSize: 1, pollingIntervalSeconds: workOptions.pollingIntervalSeconds ?? 2 };
      const backfillWorkers = workOptions.backfillWorkers ?? 2;
      for (let worker = 0; worker < backfillWorkers; worker += 1) {
        await boss.work<BackfillRangeJob>(queues.backfillRange, workerOptions, async ([job]) => {
          if (!job) return;
          const Model = modelNamed(models(), job.data.model);
          const report = await sync.backfillRange(Model, job.data.rangeId, {
            signal,
            ...(workOptions.history !== undefined ? { history: workOptions.history } : {}),
          });
          // Stopped half-way: fail the job so that pg-boss hands it (and its checkpoint) to another worker.
          if (report.aborted) throw new Error(`backfill of ${Model.name} range ${job.data.rangeId} stopped`);
          return report;
        });
      }
      if (workOptions.poll === false) return;
      await boss.work(queues.poll, workerOptions, async () => {
        const report = await sync.poll(models(), { signal });
        return report;
      });
    },
    async stop() {
      stopping.abort();
      await Promise.all([boss.offWork(queues.backfillRange), boss.offWork(queues.poll)]);
    },
  };
}
