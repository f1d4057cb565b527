import type { CdmsLogger } from '@cdms-sync/cdms-client';
import type { HistoryRecorder } from '../history/history-recorder';
import type { LocalStore } from '../store/local-store';
import type { CdmsSyncClient } from './cdms-sync-client';
import type { DeltaSource } from './delta-source';
import type { ImportFailures } from './import-failures';
import type { SingleFlight } from './single-flight';

/**
 * What the parts of the sync engine (read-through, list sync, write-through …) share: one per Sync,
 * the `SyncEngine` itself.
 * @internal
 */
export interface SyncServices {
  readonly store: LocalStore;
  readonly history: HistoryRecorder;
  readonly logger: CdmsLogger | undefined;
  readonly syncPageLimit: number;
  /** The longest list request URL; longer filters are split or relaxed (see `fitListQuery`). */
  readonly maxUrlLength: number;
  /** CDMS records an import could not store locally, until a later refresh stores them. */
  readonly importFailures: ImportFailures;
  /** The CDMS client of the current `runAs` context, or the Sync's own. */
  readonly cdms: CdmsSyncClient;
  /** The incremental sync the `'delta'` and staleness read policies use (wired by `createSync`). */
  readonly deltas: DeltaSource | undefined;
  /** Identical CDMS reads in flight at the same time share one request. */
  readonly singleFlight: SingleFlight;
}
