import type { ModelMeta } from '../model/model-meta';
import type { SyncLease } from '../store/sync-leases';
import type { DeltaSource } from '../sync/delta-source';
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
 * The `DeltaSource` of the read policies over the poll: `backfilled` reads the state tables once
 * (a completed backfill is remembered), `syncedSince` the state row unless this process's own
 * last delta answers it, `delta` runs one
 * poll of the model (`ModifiedOn ge watermark − overlap`, every page, each page one local
 * transaction advancing the watermark). Concurrent deltas of one model through one CDMS client
 * share one run (see `SingleFlight`: a read joins a delta in flight or one sent since it began).
 * @internal
 */
export function createPollDeltaSource(services: OperationServices): DeltaSource {
  /** Models whose backfill is complete (it stays complete). */
  const complete = new Set<string>();
  /** When this process's last delta of each model started. */
  const lastSyncAt = new Map<string, Date>();

  const backfilled = async (meta: ModelMeta): Promise<boolean> => {
    if (complete.has(meta.table)) return true;
    const state = await services.state.model(meta.table);
    if (!state?.watermark) return false;
    const ranges = await services.state.ranges(meta.table);
    const done = ranges.length > 0 && ranges.every((range) => range.done);
    if (done) complete.add(meta.table);
    return done;
  };

  const syncedSince = async (meta: ModelMeta, since: Date): Promise<boolean> => {
    const own = lastSyncAt.get(meta.table);
    if (own && own >= since) return true;
    const state = await services.state.model(meta.table);
    return state?.lastPollAt != null && state.lastPollAt >= since;
  };

  const delta = async (meta: ModelMeta, startedAt: number): Promise<void> => {
    const { engine } = services;
    await engine.singleFlight.run(
      engine.cdms,
      `delta ${meta.table}`,
      async () => {
        const started = new Date();
        const report = await pollModel(services, meta, NO_LEASE);
        if (report.skipped) return;
        // What CDMS held when the delta started is now local: the read is as fresh as that moment.
        const known = lastSyncAt.get(meta.table);
        if (!known || known < started) lastSyncAt.set(meta.table, started);
      },
      startedAt,
    );
  };

  return { backfilled, syncedSince, delta };
}
