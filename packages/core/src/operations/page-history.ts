import { CDMS_REFRESH_USER, type HistoryAuthor, type HistoryKind } from '../history/history-entry';
import { HistoryRecorder } from '../history/history-recorder';
import type { LocalStore, Row } from '../store/local-store';
import type { SyncServices } from '../sync/sync-services';

/** How an operation records the rows it imports: one entry per row, or one summary per page. */
export type ImportHistory = 'row' | 'page';

/**
 * A history recorder that writes one summary entry for each imported page instead of one entry
 * per row: `row_id` `0`, kind `cdms-refresh`, user `cdms`, comment `CDMS backfill: 50 rows`, and
 * the page's local ids and GUIDs as its data. Single entries (`record`) are unchanged.
 */
class PageSummaryHistory extends HistoryRecorder {
  constructor(
    store: LocalStore,
    private readonly inner: HistoryRecorder,
  ) {
    // Every write is delegated to `inner`, which holds the acting-user context; `list` reads `store`.
    super(store, inner.table, undefined as never);
  }

  override record(modelTable: string, row: Row, kind: HistoryKind, author?: HistoryAuthor): Promise<unknown> {
    return this.inner.record(modelTable, row, kind, author);
  }

  override async recordMany(
    modelTable: string,
    rows: readonly Row[],
    kind: HistoryKind,
    author?: HistoryAuthor,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (kind !== 'cdms-refresh') return this.inner.recordMany(modelTable, rows, kind, author);
    await this.inner.record(
      modelTable,
      { id: 0, rows: rows.length, ids: rows.map((row) => row.id), cdmsPks: rows.map((row) => row.cdmsPk) },
      kind,
      { user: CDMS_REFRESH_USER, comment: `CDMS backfill: ${rows.length} rows` },
    );
  }
}

/**
 * The sync engine's services with history recorded as `history` says: unchanged for `'row'`
 * (one `cdms-refresh` entry per inserted or updated row), one summary entry per page for `'page'`.
 * @internal
 */
export function servicesWithHistory(engine: SyncServices, history: ImportHistory): SyncServices {
  if (history === 'row') return engine;
  const summary = new PageSummaryHistory(engine.store, engine.history);
  return {
    store: engine.store,
    history: summary,
    logger: engine.logger,
    syncPageLimit: engine.syncPageLimit,
    maxUrlLength: engine.maxUrlLength,
    singleFlight: engine.singleFlight,
    importFailures: engine.importFailures,
    get cdms() {
      return engine.cdms;
    },
    get deltas() {
      return engine.deltas;
    },
  };
}
