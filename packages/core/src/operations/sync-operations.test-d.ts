import { describe, expectTypeOf, it } from 'vitest';
import type { ModelClass } from '../model/model-class';
import type { Sync } from '../setup/create-sync';
import type { BackfillProgress, BackfillReport } from './backfill';
import type { BackfillRangeResult } from './backfill-range';
import type { ModelSyncStatus } from './model-sync-status';
import type { PollReport } from './poll';
import type { ModelReconcileReport, ReconcileReport } from './reconcile-models';
import type { Poller } from './start-polling';
import type { BackfillRangeState } from './sync-state';

declare const sync: Sync;
declare const Organisation: ModelClass;

describe('the operations of Sync', () => {
  it('resolve typed reports', () => {
    expectTypeOf(sync.models()).toEqualTypeOf<readonly ModelClass[]>();
    expectTypeOf(sync.backfill([Organisation], { concurrency: 8 })).toEqualTypeOf<Promise<BackfillReport>>();
    expectTypeOf(sync.poll()).toEqualTypeOf<Promise<PollReport>>();
    expectTypeOf(sync.reconcile(undefined, { repair: true })).toEqualTypeOf<Promise<ReconcileReport>>();
    expectTypeOf(sync.status()).toEqualTypeOf<Promise<ModelSyncStatus[]>>();
    expectTypeOf(sync.startPolling({ intervalMs: 1000 })).toEqualTypeOf<Poller>();
    expectTypeOf(sync.planBackfill(Organisation)).toEqualTypeOf<Promise<BackfillRangeState[]>>();
    expectTypeOf(sync.backfillRange(Organisation, 'r0000')).toEqualTypeOf<Promise<BackfillRangeResult>>();
  });

  it('narrow the fields callers switch on', () => {
    expectTypeOf<PollReport['models'][number]['skipped']>().toEqualTypeOf<
      'lease-held' | 'not-backfilled' | undefined
    >();
    expectTypeOf<ModelSyncStatus['backfill']['state']>().toEqualTypeOf<
      'never' | 'running' | 'partial' | 'complete'
    >();
    expectTypeOf<ModelReconcileReport['localOnly']>().toEqualTypeOf<number[]>();
    expectTypeOf<BackfillProgress['done']>().toEqualTypeOf<boolean>();
  });

  it('refuse options of the wrong shape', () => {
    // @ts-expect-error concurrency is a number
    void sync.backfill(undefined, { concurrency: '4' });
    // @ts-expect-error history is 'row' or 'page'
    void sync.backfill(undefined, { history: 'none' });
    // @ts-expect-error intervalMs is required
    void sync.startPolling({});
  });
});
