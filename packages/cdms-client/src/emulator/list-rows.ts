import type { ODataFilter, ODataOrderBy } from '../odata/filter-tree';
import type { ReferenceNameResolver, StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import type { EntityModel } from './entity-model';
import { compileFilter } from './filter-evaluator';
import { orderRows } from './order-rows';

/** What a list request asks for. @internal */
export interface ListRequest {
  readonly filter?: ODataFilter;
  readonly orderBy?: readonly ODataOrderBy[];
  readonly top?: number;
  readonly skip?: number;
  /** Rows already returned by earlier pages (the `$skiptoken`). */
  readonly skipToken?: number;
  readonly pageSize: number;
}

/** One page, and the `$skiptoken` of the next page when there is one. @internal */
export interface ListPage {
  readonly rows: StoredRow[];
  readonly nextSkipToken?: number;
}

/**
 * Answers a list request over rows: filter, order (stable by primary key), `$skip`, `$top` (a cap
 * across pages), then one page of `pageSize` rows starting after `skipToken` rows.
 *
 * The token counts rows of the filtered, ordered result, so it is not the real CRM paging cookie
 * (which remembers the last key); treat `__next` as opaque.
 *
 * @internal
 */
export function listRows(
  rows: readonly StoredRow[],
  entity: EntityModel,
  request: ListRequest,
  resolveName: ReferenceNameResolver,
): ListPage {
  if (!Number.isSafeInteger(request.pageSize) || request.pageSize < 1) {
    throw new CdmsEmulatorError(500, `Invalid page size ${request.pageSize}.`);
  }
  const matches =
    request.filter === undefined ? undefined : compileFilter(request.filter, entity, resolveName);
  // Filter first: only the matching rows need sorting.
  const matching = matches === undefined ? rows : rows.filter((row) => matches(row) === true);
  const filtered = orderRows(matching, entity, request.orderBy ?? [], resolveName);
  const skip = request.skip ?? 0;
  const end = request.top === undefined ? filtered.length : Math.min(filtered.length, skip + request.top);
  const start = skip + (request.skipToken ?? 0);
  const pageEnd = Math.min(end, start + request.pageSize);
  const page = start < pageEnd ? filtered.slice(start, pageEnd) : [];
  const consumed = pageEnd - skip;
  return pageEnd < end ? { rows: page, nextSkipToken: consumed } : { rows: page };
}
