// The public API. This file only re-exports.
export { createSyncJobs } from './sync-jobs';
export type {
  BackfillRangeJob,
  EnqueuedBackfill,
  SyncJobs,
  SyncJobsOptions,
  SyncWorkOptions,
} from './sync-jobs';
