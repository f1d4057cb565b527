// The pg-boss example of docs/operations.md ("Running a migration", "With pg-boss"), type-checked
// with the package. Not shipped (`__fixtures__` is excluded from the published files).
import type { Sync } from '@cdms-sync/core';
import PgBoss from 'pg-boss';
import { createSyncJobs } from '../index';

export async function deployStep(sync: Sync): Promise<void> {
  const boss = new PgBoss({ connectionString: process.env.DATABASE_URL });
  await boss.start();
  const jobs = createSyncJobs({ boss, sync });
  // Idempotent: ranges already queued or done are not sent again.
  await jobs.createQueues();
  await jobs.enqueueBackfill();
  await jobs.schedulePoll('* * * * *'); // pg-boss cron: once a minute at most
  await boss.stop({ graceful: true });
}

export async function everyInstance(sync: Sync): Promise<void> {
  const boss = new PgBoss({ connectionString: process.env.DATABASE_URL });
  await boss.start();
  const jobs = createSyncJobs({ boss, sync });
  await jobs.work({ backfillWorkers: 2 }); // 2 ranges at a time per instance, and the poll queue
  process.once('SIGTERM', async () => {
    await jobs.stop(); // running ranges checkpoint; their jobs fail and are retried by another instance
    await boss.stop({ graceful: true });
  });
}
