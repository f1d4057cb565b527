import type { ModelMeta } from '../model/model-meta';

/** Where a model's local mirror stands, as the read policies need it. */
export interface MirrorFreshness {
  /** The model has a completed backfill and a watermark: the local store mirrors CDMS up to it. */
  readonly backfilled: boolean;
  /** When its last poll or delta committed (any process), `null` before the first. */
  readonly lastSyncAt: Date | null;
}

/**
 * What the read policies (`'delta'`, `{ maxStalenessMs }`) need from the incremental sync: the
 * sync engine defines it and `operations/` implements it over the poll and its state tables
 * (`createSync` wires them together), so `sync/` never depends on `operations/`.
 * @internal
 */
export interface DeltaSource {
  /** The mirror state of `meta` (local database only, no CDMS request). */
  freshness(meta: ModelMeta): Promise<MirrorFreshness>;
  /**
   * Bring `meta` up to date: the records changed since its watermark (one request when nothing
   * changed), applied if newer, the watermark advanced (never moved back). Concurrent calls for
   * the same model and CDMS identity share one delta.
   */
  delta(meta: ModelMeta): Promise<void>;
}
