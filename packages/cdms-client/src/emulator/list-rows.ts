import type { StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import type { EntityModel } from './entity-model';
import type { ListView } from './list-view';
import { formatPagingCookie, type PagingCookieKey, parsePagingCookie } from './paging-cookie';

/** What a list request asks for, besides its filter and order (the view). @internal */
export interface ListRequest {
  readonly top?: number;
  readonly skip?: number;
  /** The `$skiptoken` of an earlier `__next` link: a paging cookie. */
  readonly skipToken?: string;
  readonly pageSize: number;
}

/** One page, and the `$skiptoken` of the next page when there is one. @internal */
export interface ListPage {
  readonly rows: StoredRow[];
  readonly nextSkipToken?: string;
}

/**
 * Answers one page of a list request from a view (the filtered rows in `$orderby` order, primary
 * key last): the first page starts at `$skip`; a `$skiptoken` is a CRM-style paging cookie that
 * continues right **after** the sort key of the last row served (binary search), so a record
 * created before that point is not seen, none is seen twice, and a delete does not shift the
 * pages. `$top` caps the rows across pages (pages before the last are full, so the cookie's page
 * number tells how many were served).
 *
 * @example
 * ```ts
 * listRows(view, account, { pageSize: 50, skipToken: "1,'accountid','{22153355-…}','{7A4814F9-…}'" });
 * // { rows: [50 rows after AccountId 22153355-…], nextSkipToken: "2,'accountid','{…}','{…}'" }
 * ```
 *
 * @internal
 */
export function listRows(view: ListView, entity: EntityModel, request: ListRequest): ListPage {
  if (!Number.isSafeInteger(request.pageSize) || request.pageSize < 1) {
    throw new CdmsEmulatorError(500, `Invalid page size ${request.pageSize}.`);
  }
  const keys = [
    ...view.order.keys.map((key) => ({ name: key.attribute.toLowerCase(), kind: key.kind })),
    { name: entity.primaryKey.toLowerCase(), kind: 'guid' as const },
  ];
  const cookie = request.skipToken === undefined ? undefined : parsePagingCookie(request.skipToken, keys);
  const entries = view.entries();
  const served = cookie === undefined ? 0 : cookie.page * request.pageSize;
  const start = cookie === undefined ? (request.skip ?? 0) : view.seek(cookie.last);
  const remaining = request.top === undefined ? Number.POSITIVE_INFINITY : Math.max(0, request.top - served);
  const end = Math.min(entries.length, start + Math.min(request.pageSize, remaining));
  const page = start < end ? entries.slice(start, end) : [];
  const rows = page.map((entry) => entry.row);
  const more = end < entries.length && remaining > request.pageSize;
  if (!more) return { rows };
  const first = page[0]!.values;
  const last = page[page.length - 1]!.values;
  const cookieKeys = keys.map(
    (key, index): PagingCookieKey => ({ ...key, last: last[index] ?? null, first: first[index] ?? null }),
  );
  return { rows, nextSkipToken: formatPagingCookie((cookie?.page ?? 0) + 1, cookieKeys) };
}
