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
}

/**
 * The backfill plan of one model: its disjoint `CreatedOn` ranges, stored in the state table.
 * An existing plan is returned as it is (no request), so every process works the same ranges.
 *
 * Requests of a new plan: one for CDMS's newest `ModifiedOn` (the poll's first watermark:
 * `$select=ModifiedOn&$orderby=ModifiedOn desc&$top=1`), then one `$skip` probe per range
 * (`$filter=CreatedOn ge datetime'…'&$orderby=CreatedOn&$skip=1250&$top=1&$select=CreatedOn`):
 * the `CreatedOn` of the 1250th record after a range's start is where the next range starts. A
 * second holding more than `rangeRows` records becomes a range of its own.
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
  const existing = await services.state.ranges(meta.table);
  if (existing.length > 0) return existing;

  const newest = await firstRow(services, meta, {
    select: [BASE_ATTRIBUTES.modified],
    orderBy: [{ attribute: BASE_ATTRIBUTES.modified, direction: 'desc' }],
    top: 1,
  });
  // An empty entity: every record it will ever have is newer than the epoch.
  const watermark = newest ? timestampOf(newest, BASE_ATTRIBUTES.modified) : new Date(0);

  const ranges: PlannedRange[] = [];
  let lower: Date | null = null;
  for (;;) {
    const boundary = await firstRow(services, meta, {
      ...(lower
        ? { filter: compare('ge', property(BASE_ATTRIBUTES.created), value(literal.datetime(lower))) }
        : {}),
      select: [BASE_ATTRIBUTES.created],
      orderBy: [{ attribute: BASE_ATTRIBUTES.created, direction: 'asc' }],
      skip: rangeRows,
      top: 1,
    });
    if (!boundary) break;
    let upper = timestampOf(boundary, BASE_ATTRIBUTES.created);
    // More than rangeRows records in one second: that second is a range of its own.
    if (lower && upper.getTime() <= lower.getTime()) upper = new Date(lower.getTime() + 1000);
    ranges.push({ rangeId: rangeId(ranges.length), position: ranges.length, lower, upper });
    lower = upper;
  }
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
