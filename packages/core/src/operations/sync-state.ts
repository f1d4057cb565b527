import type { LookupName, WhereNode } from '../query/where-node';
import type { LocalStore, Row } from '../store/local-store';
import { whereEquals } from '../sync/store-where';

/** The default name of the per-model state table (`createSyncStateTables` in `@cdms-sync/knex`). */
export const DEFAULT_SYNC_STATE_TABLE = 'cdms_sync_state';

/** The ranges table that goes with a state table: `${stateTable}_range`. */
export function rangeTableOf(stateTable: string): string {
  return `${stateTable}_range`;
}

/** What the last reconciliation of a model found, as kept in the state table. */
export interface ReconcileSummary {
  readonly at: Date;
  readonly missingLocally: number;
  readonly deletedInCdms: number;
  readonly stale: number;
  readonly localOnly: number;
  readonly repaired: boolean;
}

/** One row of the state table: a model's poll watermark, backfill plan and last reconciliation. */
export interface ModelState {
  readonly model: string;
  /** The greatest CDMS `ModifiedOn` the poll has committed (or CDMS's newest when backfill was planned). */
  readonly watermark: Date | null;
  readonly lastPollAt: Date | null;
  readonly backfillPlannedAt: Date | null;
  readonly lastReconcile: ReconcileSummary | null;
}

/**
 * One backfill range of a model: the records with `lower <= CreatedOn < upper` (a missing bound is
 * open), read in `CreatedOn` order; `cursor` is the `CreatedOn` of the last row committed, where
 * a resumed walk starts again (`CreatedOn ge cursor`).
 */
export interface BackfillRangeState {
  readonly model: string;
  readonly rangeId: string;
  readonly position: number;
  readonly lower: Date | null;
  readonly upper: Date | null;
  readonly cursor: Date | null;
  readonly done: boolean;
  readonly rows: number;
  readonly pages: number;
  /** The process working on it, until `leaseUntil`. */
  readonly owner: string | null;
  readonly leaseUntil: Date | null;
}

/** A range as planned, before it is stored. */
export type PlannedRange = Pick<BackfillRangeState, 'rangeId' | 'position' | 'lower' | 'upper'>;

/**
 * The operations' state in the local database, read and written through the `LocalStore`
 * contract (so it joins the transaction of the page it describes, on every dialect). Tables:
 * `cdms_sync_state` (one row per model table) and `cdms_sync_state_range` (one row per
 * backfill range), created by `createSyncStateTables(knex)`.
 * @internal
 */
export class SyncStateRepository {
  readonly rangeTable: string;

  constructor(
    private readonly store: LocalStore,
    readonly stateTable: string,
  ) {
    this.rangeTable = rangeTableOf(stateTable);
  }

  /** The state of `model` (a model's table name), `undefined` before any operation touched it. */
  async model(model: string): Promise<ModelState | undefined> {
    const [row] = await this.store.find(this.stateTable, { where: whereEquals('model', model) });
    return row === undefined ? undefined : toModelState(row);
  }

  /** Insert the state row of `model` when it has none. `INSERT … ` after a `SELECT`, in one transaction. */
  async ensureModel(model: string): Promise<void> {
    await this.store.transaction(async () => {
      if (await this.store.exists(this.stateTable, whereEquals('model', model))) return;
      await this.store.insert(this.stateTable, { model, updatedAt: new Date() });
    });
  }

  /** Update the state row of `model` (it must exist: `ensureModel`). */
  async updateModel(model: string, values: Partial<Omit<ModelState, 'model'>>): Promise<void> {
    const row: Row = { updatedAt: new Date() };
    for (const [key, value] of Object.entries(values)) {
      row[key] = key === 'lastReconcile' ? JSON.stringify(value) : value;
    }
    await this.store.update(this.stateTable, whereEquals('model', model), row);
  }

  /**
   * Advance the watermark of `model` to `watermark` unless it already is later (`UPDATE … WHERE
   * model = ? AND (watermark IS NULL OR watermark < ?)`), and stamp `last_poll_at`.
   */
  async advanceWatermark(model: string, watermark: Date | null, pollAt: Date): Promise<void> {
    await this.updateModel(model, { lastPollAt: pollAt });
    if (watermark === null) return;
    await this.store.update(
      this.stateTable,
      and(
        whereEquals('model', model),
        or(lookup('watermark', 'isnull', true), lookup('watermark', 'lt', watermark)),
      ),
      { watermark },
    );
  }

  /** The backfill ranges of `model`, in plan order. */
  async ranges(model: string): Promise<BackfillRangeState[]> {
    const rows = await this.store.find(this.rangeTable, {
      where: whereEquals('model', model),
      orderBy: [{ field: 'position', direction: 'asc' }],
    });
    return rows.map(toRangeState);
  }

  /**
   * Store a plan for `model` unless one exists already (another process planned first: its plan
   * wins and is returned). The model row is locked (`SELECT … FOR UPDATE`) while deciding.
   * `watermark` (CDMS's newest `ModifiedOn` before the plan) becomes the poll's start unless the
   * model already has one.
   */
  async savePlan(
    model: string,
    ranges: readonly PlannedRange[],
    watermark: Date,
  ): Promise<BackfillRangeState[]> {
    await this.ensureModel(model);
    return this.store.transaction(async () => {
      await this.store.find(this.stateTable, { where: whereEquals('model', model), forUpdate: true });
      const existing = await this.ranges(model);
      if (existing.length > 0) return existing;
      await this.store.bulkInsert(
        this.rangeTable,
        ranges.map((range) => ({ model, ...range, cursor: null, done: false, rows: 0, pages: 0 })),
      );
      await this.updateModel(model, { backfillPlannedAt: new Date() });
      await this.store.update(
        this.stateTable,
        and(whereEquals('model', model), lookup('watermark', 'isnull', true)),
        { watermark },
      );
      return this.ranges(model);
    });
  }

  /** Forget the backfill plan of `model` (to plan and run it again). */
  async dropPlan(model: string): Promise<void> {
    await this.store.delete(this.rangeTable, whereEquals('model', model));
  }

  /**
   * Claim a range for `owner` until `leaseUntil`: `UPDATE … SET owner = ?, lease_until = ? WHERE
   * model = ? AND range_id = ? AND done = false AND (owner IS NULL OR owner = ? OR lease_until < now)`.
   * True when this process now owns it; one statement, so two processes never both win.
   * `deadOwner`: an owner known to be dead (a process of this host that no longer runs), whose
   * claim is taken over at once instead of after its lease.
   */
  async claimRange(
    model: string,
    rangeId: string,
    owner: string,
    leaseUntil: Date,
    deadOwner?: string,
  ): Promise<boolean> {
    const claimed = await this.store.update(
      this.rangeTable,
      and(
        whereEquals('model', model),
        whereEquals('rangeId', rangeId),
        whereEquals('done', false),
        or(
          lookup('owner', 'isnull', true),
          whereEquals('owner', deadOwner ?? owner),
          lookup('leaseUntil', 'lt', new Date()),
        ),
      ),
      { owner, leaseUntil },
    );
    return claimed > 0;
  }

  /**
   * Record a committed page of a range (call it in the page's transaction): its cursor, counts,
   * `done`, and a renewed lease. Guarded by `owner`, so a process whose lease was taken over
   * cannot move the range: resolves false then (and the caller rolls its page back).
   */
  async checkpointRange(
    model: string,
    rangeId: string,
    owner: string,
    values: Pick<BackfillRangeState, 'cursor' | 'done' | 'rows' | 'pages' | 'leaseUntil'>,
  ): Promise<boolean> {
    const updated = await this.store.update(
      this.rangeTable,
      and(whereEquals('model', model), whereEquals('rangeId', rangeId), whereEquals('owner', owner)),
      {
        cursor: values.cursor,
        done: values.done,
        rows: values.rows,
        pages: values.pages,
        ...(values.done ? { owner: null, leaseUntil: null } : { leaseUntil: values.leaseUntil }),
      },
    );
    return updated > 0;
  }

  /** Give a range back without finishing it (abort): `owner` and `lease_until` become NULL. */
  async releaseRange(model: string, rangeId: string, owner: string): Promise<void> {
    await this.store.update(
      this.rangeTable,
      and(whereEquals('model', model), whereEquals('rangeId', rangeId), whereEquals('owner', owner)),
      { owner: null, leaseUntil: null },
    );
  }
}

function lookup(field: string, name: LookupName, value: unknown): WhereNode {
  return { kind: 'lookup', field, lookup: name, value };
}

function and(...children: WhereNode[]): WhereNode {
  return { kind: 'and', children };
}

function or(...children: WhereNode[]): WhereNode {
  return { kind: 'or', children };
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

function toModelState(row: Row): ModelState {
  const summary = typeof row.lastReconcile === 'string' ? JSON.parse(row.lastReconcile) : row.lastReconcile;
  return {
    model: String(row.model),
    watermark: toDate(row.watermark),
    lastPollAt: toDate(row.lastPollAt),
    backfillPlannedAt: toDate(row.backfillPlannedAt),
    lastReconcile:
      summary === null || summary === undefined ? null : { ...summary, at: new Date(summary.at) },
  };
}

function toRangeState(row: Row): BackfillRangeState {
  return {
    model: String(row.model),
    rangeId: String(row.rangeId),
    position: Number(row.position),
    lower: toDate(row.lower),
    upper: toDate(row.upper),
    cursor: toDate(row.cursor),
    done: Boolean(row.done),
    rows: Number(row.rows),
    pages: Number(row.pages),
    owner: (row.owner as string | null) ?? null,
    leaseUntil: toDate(row.leaseUntil),
  };
}
