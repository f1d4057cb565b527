import { CdmsEmulatorError } from './cdms-emulator-error';
import type { ComparableValue } from './compare-values';
import type { ScalarKind } from './filter-evaluator';

/** One sort key of a paging cookie: its name and its values on the first and last row of the page. @internal */
export interface PagingCookieKey {
  /** The attribute's logical (lower-case) name, as CRM writes it: `name`, `accountid`. */
  readonly name: string;
  readonly kind: ScalarKind;
  readonly last: ComparableValue;
  readonly first: ComparableValue;
}

/** What a `$skiptoken` says: how many pages were served, and the sort values of the last row. @internal */
export interface PagingCookie {
  readonly page: number;
  /** One value per sort key, the primary key last. */
  readonly last: ComparableValue[];
}

function formatValue(kind: ScalarKind, value: ComparableValue): string {
  if (value === null) return 'null';
  let text: string;
  if (kind === 'guid') text = `{${String(value).toUpperCase()}}`;
  else if (kind === 'datetime') text = new Date(value as number).toISOString();
  else if (kind === 'boolean') text = value === true ? '1' : '0';
  else text = String(value);
  return `'${text.replaceAll("'", "''")}'`;
}

function parseValue(kind: ScalarKind, text: string | null): ComparableValue {
  if (text === null) return null;
  switch (kind) {
    case 'guid': {
      const guid = /^\{?([0-9a-fA-F-]{36})\}?$/.exec(text)?.[1];
      if (guid === undefined) throw invalidCookie();
      return guid.toLowerCase();
    }
    case 'datetime': {
      const time = Date.parse(text);
      if (Number.isNaN(time)) throw invalidCookie();
      return time;
    }
    case 'boolean':
      if (text !== '1' && text !== '0') throw invalidCookie();
      return text === '1';
    case 'number': {
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number)) throw invalidCookie();
      return number;
    }
    default:
      return text;
  }
}

function invalidCookie(): CdmsEmulatorError {
  return new CdmsEmulatorError(400, 'Invalid $skiptoken: it is not a paging cookie of this query.');
}

/**
 * Writes a CRM 2011-style paging cookie: the number of pages served, then for each sort key (the
 * `$orderby` keys, then the primary key) its logical name and its values on the last and the first
 * row of the page. Quotes inside values are doubled; `null` is written bare. Percent-encoding
 * (`{` → `%7B`) is left to the URL builder, as CRM's `__next` shows it.
 *
 * @example
 * ```ts
 * formatPagingCookie(1, [{ name: 'accountid', kind: 'guid', last: '22153355-…', first: '7a4814f9-…' }]);
 * // "1,'accountid','{22153355-…}','{7A4814F9-…}'"  (in __next: $skiptoken=1,'accountid','%7B22153355-…%7D','%7B7A4814F9-…%7D')
 * ```
 *
 * @internal
 */
export function formatPagingCookie(page: number, keys: readonly PagingCookieKey[]): string {
  const parts = [String(page)];
  for (const key of keys) {
    parts.push(`'${key.name}'`, formatValue(key.kind, key.last), formatValue(key.kind, key.first));
  }
  return parts.join(',');
}

/** Splits `1,'a','b''c',null` into `['1', 'a', "b'c", null]`. */
function splitCookie(text: string): (string | null)[] {
  const parts: (string | null)[] = [];
  let index = 0;
  for (;;) {
    if (text.startsWith('null', index)) {
      parts.push(null);
      index += 4;
    } else if (text[index] === "'") {
      let value = '';
      index += 1;
      for (;;) {
        const quote = text.indexOf("'", index);
        if (quote === -1) throw invalidCookie();
        value += text.slice(index, quote);
        if (text[quote + 1] === "'") {
          value += "'";
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      parts.push(value);
    } else {
      const match = /^\d{1,9}/.exec(text.slice(index));
      if (match === null) throw invalidCookie();
      parts.push(match[0]);
      index += match[0].length;
    }
    if (index === text.length) return parts;
    if (text[index] !== ',') throw invalidCookie();
    index += 1;
  }
}

/**
 * Reads a `$skiptoken` written by `formatPagingCookie` for the same sort keys (names compared
 * case-insensitively). Anything else (a row offset such as `50`, other keys) is CRM's 400.
 *
 * @example
 * ```ts
 * parsePagingCookie("1,'accountid','{22153355-…}','{7A4814F9-…}'", [{ name: 'accountid', kind: 'guid' }]);
 * // { page: 1, last: ['22153355-…'] }
 * ```
 *
 * @internal
 */
export function parsePagingCookie(
  text: string,
  keys: readonly Pick<PagingCookieKey, 'name' | 'kind'>[],
): PagingCookie {
  const [page, ...rest] = splitCookie(text);
  if (page === null || page === undefined || !/^\d+$/.test(page) || Number(page) < 1) throw invalidCookie();
  if (rest.length !== keys.length * 3) throw invalidCookie();
  const last = keys.map((key, index) => {
    const name = rest[index * 3];
    if (typeof name !== 'string' || name.toLowerCase() !== key.name.toLowerCase()) throw invalidCookie();
    return parseValue(key.kind, rest[index * 3 + 1] ?? null);
  });
  return { page: Number(page), last };
}
