import type { ModelMeta } from '../model/model-meta';
import type { SyncLease } from '../store/sync-leases';
import type { DeltaSource, MirrorFreshness } from '../sync/delta-source';
import type { OperationServices } from './operation-services';
import { pollModel } from './poll';

/**
 * Stands in for the poll lease during a read's delta: the delta does not take the model's poll
 * lease (a poller may hold it for hours), because applying a record twice changes nothing (upsert
 * if newer, history only for changed rows) and the watermark only ever moves forward
 * (`UPDATE … WHERE watermark < ?`). A delta racing a poll is therefore safe, only redundant.
 */
const NO_LEASE: SyncLease = Object.freeze({
  name: 'read-delta',
  held: async () => true,
  release: async () => {},
});

/**
 * The `DeltaSource` of the read policies over the poll: `freshness` reads the state tables
 * (a completed backfill is remembered, so later reads only read the state row), `delta` runs one
 * poll of the model (`ModifiedOn ge watermark − overlap`, every page, each page one local
 * transaction advancing the watermark). Concurrent deltas of one model through one CDMS client
 * share one run (a read that starts while one is in flight joins it).
 * @internal
 */
export function createPollDeltaSource(services: OperationServices): DeltaSource {
  const backfilled = new Set<string>();
  const lastSyncAt = new Map<string, Date>();

  const freshness = async (meta: ModelMeta): Promise<MirrorFreshness> => {
    const state = await services.state.model(meta.table);
    let done = backfilled.has(meta.table);
    if (!done && state?.watermark) {
      const ranges = await services.state.ranges(meta.table);
      done = ranges.length > 0 && ranges.every((range) => range.done);
      if (done) backfilled.add(meta.table);
    }
    const local = lastSyncAt.get(meta.table);
    const stored = state?.lastPollAt ?? null;
    const latest = local && (!stored || local > stored) ? local : stored;
    return { backfilled: done && Boolean(state?.watermark), lastSyncAt: latest };
  };

  const delta = async (meta: ModelMeta): Promise<void> => {
    const { engine } = services;
    await engine.singleFlight.run(engine.cdms, `delta ${meta.table}`, async () => {
      const started = new Date();
      const report = await pollModel(services, meta, NO_LEASE);
      if (report.skipped) return;
      // What CDMS held when the delta started is now local: the read is as fresh as that moment.
      const known = lastSyncAt.get(meta.table);
      if (!known || known < started) lastSyncAt.set(meta.table, started);
    });
  };

  return { freshness, delta };
}
