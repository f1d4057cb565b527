import type { ModelMeta } from '../model/model-meta';

/**
 * What the read policies (`'delta'`, `{ maxStalenessMs }`) need from the incremental sync: the
 * sync engine defines it and `operations/` implements it over the poll and its state tables
 * (`createSync` wires them together), so `sync/` never depends on `operations/`.
 * @internal
 */
export interface DeltaSource {
  /**
   * True when `meta` has a completed backfill and a watermark: the local store mirrors CDMS up to
   * it. Local database only (and remembered once true).
   */
  backfilled(meta: ModelMeta): Promise<boolean>;
  /**
   * True when a poll or delta of `meta` (by any process) committed at or after `since`. No query
   * when this process's own last delta is recent enough; else the state row.
   */
  syncedSince(meta: ModelMeta, since: Date): Promise<boolean>;
  /**
   * Bring `meta` up to date: the records changed since its watermark (one request when nothing
   * changed), applied if newer, the watermark advanced (never moved back). For a read that began
   * at `startedAt` (`performance.now()`): it shares an identical delta (same model, same CDMS
   * client) in flight, or one sent since `startedAt`.
   */
  delta(meta: ModelMeta, startedAt: number): Promise<void>;
}
