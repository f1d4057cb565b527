/**
 * What caused a history entry: a local write (`local`, also with `skipCdms`), a refresh of the
 * local row from a newer CDMS record (`cdms-refresh`), or a deletion (`delete`).
 */
export type HistoryKind = 'local' | 'cdms-refresh' | 'delete';

/** The user recorded on CDMS refreshes: nobody in this process made the change. */
export const CDMS_REFRESH_USER = 'cdms';

/** The comment recorded on CDMS refreshes. */
export const CDMS_REFRESH_COMMENT = 'CDMS refresh';

/**
 * The comment recorded (with the user `'cdms'` and kind `delete`) when a local row is removed
 * because its CDMS record was deleted in CDMS (a list no longer returns it, or a GET answers 404).
 */
export const CDMS_DELETED_COMMENT = 'Deleted in CDMS';

/** Who a history entry is recorded for, when not the acting user of `sync.runAs`. @internal */
export interface HistoryAuthor {
  readonly user: string | null;
  readonly comment: string | null;
}

/** The default name of the history table (the same as `@cdms-sync/knex`'s `createHistoryTable` default). */
export const DEFAULT_HISTORY_TABLE = 'cdms_sync_history';

/**
 * One revision of one row, newest first from `sync.history(…)`.
 *
 * @example
 * ```ts
 * const [latest] = await sync.history(acme);
 * // { model: 'organisation', rowId: 1, kind: 'local', user: 'alice', comment: 'import', data: { name: 'Acme' … } }
 * ```
 */
export interface HistoryEntry {
  /** The history row's own id. */
  readonly id: number;
  /** The model's table name (stable across minification, unlike the class name). */
  readonly model: string;
  /** The local `id` of the row. */
  readonly rowId: number;
  /** The CDMS GUID of the row, when it has one. */
  readonly cdmsPk: string | null;
  readonly kind: HistoryKind;
  /** A JSON snapshot of the row after the change (before it, for `delete`). */
  readonly data: Record<string, unknown>;
  /** The acting user from `sync.runAs`, `'cdms'` for refreshes, `null` when unknown. */
  readonly user: string | null;
  /** The comment from `sync.runAs`, `'CDMS refresh'` for refreshes. */
  readonly comment: string | null;
  readonly createdAt: Date;
}
