import type { CdmsListQuery } from '@cdms-sync/cdms-client';
import { ValidationError } from '../errors/errors';
import { BASE_ATTRIBUTES } from '../migrator/migrator';
import type { ModelMeta } from '../model/model-meta';
import { compare, literal, property, value } from '../odata/odata-tree';
import { timestampOf } from '../sync/record-version';
import type { OperationServices } from './operation-services';
import type { BackfillRangeState, PlannedRange } from './sync-state';

/** Rows per backfill range (25 pages of 50): one `$skip` probe per range keeps splitting near 4% of pages. */
export const DEFAULT_RANGE_ROWS = 1250;

/** How many planning probes are sent at once. */
const DEFAULT_PLAN_CONCURRENCY = 4;

/** CRM 2011 refuses `$skip + $top` above 5000 on some query shapes. */
const MAX_RANGE_ROWS = 4999;

/** Options of `sync.planBackfill()`. */
export interface PlanBackfillOptions {
  /**
   * About how many records each range holds: ranges are cut at every `rangeRows`-th record by
   * `CreatedOn`. Smaller ranges balance the concurrent walks better and cost one more probe each.
   * @default 1250
   */
  rangeRows?: number;
  /**
   * How many `$skip` probes are sent at once (each from the same start, at `rangeRows`,
   * 2·`rangeRows` …, as far as CRM's `$skip` limit allows). `sync.backfill()` passes its own.
   * @default 4
   */
  concurrency?: number;
}

/**
 * The backfill plan of one model: its disjoint `CreatedOn` ranges, stored in the state table.
 * An existing plan is returned as it is (no request), so every process works the same ranges.
 *
 * Requests of a new plan: one for CDMS's newest `ModifiedOn` (the poll's first watermark:
 * `$select=ModifiedOn&$orderby=ModifiedOn desc&$top=1`), then one `$skip` probe per range
 * (`$filter=CreatedOn ge datetime'…'&$orderby=CreatedOn&$skip=1250&$top=1&$select=CreatedOn`):
 * the `CreatedOn` of the 1250th record after a range's start is where the next range starts. A
 * second holding more than `rangeRows` records becomes a range of its own. The probes go out
 * `concurrency` at a time (with the newest-`ModifiedOn` request), all from the same start at
 * `$skip=1250`, `2500`, `3750` (as far as CRM's `$skip + $top` ≤ 5000 allows), so a plan of 16
 * ranges takes 6 round trips instead of 17; the last round's probes past the end come back empty.
 * @internal
 */
export async function planBackfill(
  services: OperationServices,
  meta: ModelMeta,
  options: PlanBackfillOptions = {},
): Promise<BackfillRangeState[]> {
  const rangeRows = options.rangeRows ?? DEFAULT_RANGE_ROWS;
  if (!Number.isSafeInteger(rangeRows) || rangeRows < 1 || rangeRows > MAX_RANGE_ROWS) {
    throw new ValidationError(
      `rangeRows must be a whole number from 1 to ${MAX_RANGE_ROWS}, got ${rangeRows}`,
    );
  }
  const concurrency = options.concurrency ?? DEFAULT_PLAN_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const existing = await services.state.ranges(meta.table);
  if (existing.length > 0) return existing;

  const newestProbe = firstRow(services, meta, {
    select: [BASE_ATTRIBUTES.modified],
    orderBy: [{ attribute: BASE_ATTRIBUTES.modified, direction: 'desc' }],
    top: 1,
  });
  // Handled when awaited below; a probe failing first must not leave it unhandled meanwhile.
  newestProbe.catch(() => {});

  // Probes run in rounds of `perRound` at once, all from the same start: the records at
  // rangeRows, 2·rangeRows … after it ($skip stays within CRM's limit).
  const perRound = Math.max(1, Math.min(concurrency, Math.floor(MAX_RANGE_ROWS / rangeRows)));
  const ranges: PlannedRange[] = [];
  let lower: Date | null = null;
  for (let exhausted = false; !exhausted; ) {
    const from: Date | null = lower;
    const boundaries = await Promise.all(
      Array.from({ length: perRound }, (_, index) =>
        firstRow(services, meta, {
          ...(from
            ? { filter: compare('ge', property(BASE_ATTRIBUTES.created), value(literal.datetime(from))) }
            : {}),
          select: [BASE_ATTRIBUTES.created],
          orderBy: [{ attribute: BASE_ATTRIBUTES.created, direction: 'asc' }],
          skip: rangeRows * (index + 1),
          top: 1,
        }),
      ),
    );
    let cut = false;
    for (const boundary of boundaries) {
      if (!boundary) {
        exhausted = true;
        break;
      }
      let upper = timestampOf(boundary, BASE_ATTRIBUTES.created);
      if (lower && upper.getTime() <= lower.getTime()) {
        // Not past a boundary this round already cut (ties): the next round probes from there.
        if (cut) break;
        // More than rangeRows records in one second: that second is a range of its own.
        upper = new Date(lower.getTime() + 1000);
      }
      ranges.push({ rangeId: rangeId(ranges.length), position: ranges.length, lower, upper });
      lower = upper;
      cut = true;
    }
  }
  const newest = await newestProbe;
  // An empty entity: every record it will ever have is newer than the epoch.
  const watermark = newest ? timestampOf(newest, BASE_ATTRIBUTES.modified) : new Date(0);
  ranges.push({ rangeId: rangeId(ranges.length), position: ranges.length, lower, upper: null });
  services.engine.logger?.info('CDMS backfill planned', {
    model: meta.Model.name,
    ranges: ranges.length,
    watermark: watermark.toISOString(),
  });
  return services.state.savePlan(meta.table, ranges, watermark);
}

/** `r0000`, `r0001` …: sortable, stable ids. */
function rangeId(position: number): string {
  return `r${String(position).padStart(4, '0')}`;
}

async function firstRow(services: OperationServices, meta: ModelMeta, query: CdmsListQuery) {
  for await (const page of services.engine.cdms.pages(meta.migrator.service, query)) {
    return page.results[0];
  }
  return undefined;
}
