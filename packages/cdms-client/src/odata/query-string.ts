import { property } from './filter-builder';
import type { ODataFilter, ODataOrderBy } from './filter-tree';
import { InvalidLiteralError, ODataSyntaxError } from './odata-syntax-error';
import { parseOrderBy } from './parse-filter';
import { formatOrderBy, serializeFilter } from './serialize-filter';

/** The system query options of a list request, as the client sends them. */
export interface ODataQueryOptions {
  /** A filter tree (escaped for you), or `$filter` text that is sent as is. */
  readonly filter?: ODataFilter | string;
  /** `$select`: attribute names. An empty list is left out. */
  readonly select?: readonly string[];
  /** `$orderby` keys, as objects or text (`'Name desc'`). An empty list is left out. */
  readonly orderBy?: readonly (ODataOrderBy | string)[];
  /** `$top`: a non-negative integer. */
  readonly top?: number;
  /** `$skip`: a non-negative integer. */
  readonly skip?: number;
}

/** The query options of a request, as the emulator reads them. */
export interface ParsedODataQuery {
  /** `$filter` text, decoded (pass it to `parseFilter`). */
  filter?: string;
  select?: string[];
  orderBy?: ODataOrderBy[];
  top?: number;
  skip?: number;
  /** `$skiptoken` as sent in a `__next` link. */
  skipToken?: string;
  /** Every parameter by decoded name, including unknown ones (`$inlinecount`, `$format` …). */
  parameters: Record<string, string>;
}

/**
 * `encodeURIComponent`, then `,` `/` `:` `@` put back: RFC 3986 allows them in a query, and they
 * keep `$select=A,B` and `datetime'2016-02-28T00:00:00'` readable in logs. Everything that has a
 * meaning in a query string (`&` `=` `+` `#` `%`) or is not ASCII stays encoded; spaces are `%20`.
 */
function encodeQueryValue(text: string): string {
  const encoded = encodeURIComponent(text);
  return encoded.includes('%') ? encoded.replace(KEPT_ESCAPES, keptCharacter) : encoded;
}

const KEPT_ESCAPES = /%(2C|2F|3A|40)/g;
const KEPT_CHARACTERS: Readonly<Record<string, string>> = { '2C': ',', '2F': '/', '3A': ':', '40': '@' };

function keptCharacter(_escape: string, hex: string): string {
  return KEPT_CHARACTERS[hex] as string;
}

function checkCount(name: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidLiteralError('integer', `${name} must be a non-negative integer, got ${String(count)}`);
  }
  return count;
}

/**
 * The query string (without `?`) of a list request, options in a fixed order:
 * `$filter`, `$select`, `$orderby`, `$top`, `$skip`. Returns `''` when there is nothing to send.
 *
 * @example
 * ```ts
 * buildQueryString({
 *   filter: eq(property('Name'), literal.string("O'Neil & Co")),
 *   select: ['AccountId', 'Name'],
 *   orderBy: [{ attribute: 'ModifiedOn', direction: 'asc' }],
 *   top: 10,
 * });
 * // $filter=Name%20eq%20'O''Neil%20%26%20Co'&$select=AccountId,Name&$orderby=ModifiedOn%20asc&$top=10
 * ```
 */
export function buildQueryString(options: ODataQueryOptions): string {
  const parts: string[] = [];
  const add = (name: string, text: string) => parts.push(`${name}=${encodeQueryValue(text)}`);
  if (options.filter !== undefined) {
    add('$filter', typeof options.filter === 'string' ? options.filter : serializeFilter(options.filter));
  }
  if (options.select !== undefined && options.select.length > 0) {
    add('$select', options.select.map((name) => property(name).path.join('/')).join(','));
  }
  if (options.orderBy !== undefined && options.orderBy.length > 0)
    add(
      '$orderby',
      formatOrderBy(options.orderBy.flatMap((key) => (typeof key === 'string' ? parseOrderBy(key) : [key]))),
    );
  if (options.top !== undefined) add('$top', String(checkCount('$top', options.top)));
  if (options.skip !== undefined) add('$skip', String(checkCount('$skip', options.skip)));
  return parts.join('&');
}

/** Decodes one query component the way ASP.NET does: `+` is a space, then percent-decoding. */
function decodeQueryComponent(text: string, query: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch (error) {
    throw new ODataSyntaxError(`malformed percent-encoding in ${JSON.stringify(text)}`, {
      text: query,
      cause: error,
    });
  }
}

function parseCount(name: string, text: string, query: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new ODataSyntaxError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`, {
      text: query,
    });
  }
  return Number(text);
}

/**
 * Reads a query string (with or without the leading `?`) into its OData options: the inverse of
 * `buildQueryString`. A repeated parameter is an error, as in WCF Data Services.
 *
 * @example
 * ```ts
 * parseQueryString("$filter=Name%20eq%20'x'&$top=5"); // { filter: "Name eq 'x'", top: 5, parameters: {…} }
 * ```
 */
export function parseQueryString(query: string): ParsedODataQuery {
  const text = query.startsWith('?') ? query.slice(1) : query;
  // A Map, not an object: a parameter named `__proto__` must stay a plain entry.
  const parameters = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeQueryComponent(equals === -1 ? pair : pair.slice(0, equals), query);
    const parameterValue = equals === -1 ? '' : decodeQueryComponent(pair.slice(equals + 1), query);
    if (parameters.has(name)) {
      throw new ODataSyntaxError(`query option ${name} was given more than once`, { text: query });
    }
    parameters.set(name, parameterValue);
  }
  const result: ParsedODataQuery = { parameters: Object.fromEntries(parameters) };
  const filter = parameters.get('$filter');
  const select = parameters.get('$select');
  const orderBy = parameters.get('$orderby');
  const top = parameters.get('$top');
  const skip = parameters.get('$skip');
  const skipToken = parameters.get('$skiptoken');
  if (filter !== undefined) result.filter = filter;
  if (select !== undefined) result.select = select.split(',').map((name) => name.trim());
  if (orderBy !== undefined) result.orderBy = parseOrderBy(orderBy);
  if (top !== undefined) result.top = parseCount('$top', top, query);
  if (skip !== undefined) result.skip = parseCount('$skip', skip, query);
  if (skipToken !== undefined) result.skipToken = skipToken;
  return result;
}
