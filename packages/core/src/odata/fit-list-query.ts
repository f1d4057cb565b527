import {
  and,
  buildQueryString,
  type CdmsListQuery,
  not,
  type ODataFilter,
  or,
  serializeFilter,
} from '@cdms-sync/cdms-client';

/** The default longest list URL: CRM 2011 (IIS) answers 404 to a query string over 2,048 characters. */
export const DEFAULT_MAX_URL_LENGTH = 2000;

/** How `fitListQuery` made a list query fit. */
export type FitStrategy = 'fits' | 'split' | 'superset';

/** List queries whose URLs each stay under the limit and together cover the original query. */
export interface FittedListQueries {
  /** One or more list requests; their rows together are (a superset of) the original's rows. */
  readonly queries: readonly CdmsListQuery[];
  /** False when a part of the filter had to be dropped (`superset`): answer from the local store. */
  readonly exact: boolean;
  readonly strategy: FitStrategy;
}

/** Options of `fitListQuery`. */
export interface FitListQueryOptions {
  /** The longest URL allowed. */
  readonly maxUrlLength: number;
  /**
   * The URL length of a list query: service root, `/AccountSet?` and the encoded query string.
   * @default `listUrlLength('?', query)`
   */
  readonly urlLengthOf?: (query: CdmsListQuery) => number;
}

/**
 * The length of `prefix` followed by the query string of `query` as it goes on the wire: Node's
 * URL parser percent-encodes every `'` of an http(s) query as `%27`, so each counts three.
 *
 * @example
 * ```ts
 * listUrlLength('http://crm/ORG/XRMServices/2011/OrganizationData.svc/AccountSet?', { filter: eq(property('Name'), literal.string('x')) });
 * // the length of …/AccountSet?$filter=Name%20eq%20%27x%27
 * ```
 */
export function listUrlLength(prefix: string, query: CdmsListQuery): number {
  return `${prefix}${buildQueryString(query)}`.replaceAll("'", '%27').length;
}

/**
 * Make a list query fit the URL limit CRM 2011 puts on requests.
 *
 * 1. It fits: one request, unchanged.
 * 2. The filter is a conjunction with a long `or` chain in it (an `in` lookup, a batch of GUIDs):
 *    the chain is split into groups, one request per group, each keeping the other conditions
 *    (`A and (x1 or … or x300)` -> `A and (x1 or … or x25)`, `A and (x26 or …)` …). The union of the
 *    requests is the original query; a slice becomes `$top` of `skip + top` per request, no `$skip`.
 * 3. Otherwise (the long part sits under `not`, or beside another long part): the longest part is
 *    dropped the way a condition on a local-only field is, true where it is asserted and false under
 *    a `not`, until the URL fits. The request then lists a superset (`exact: false`, no `$top`/`$skip`)
 *    and the local store gives the exact answer.
 *
 * @example
 * ```ts
 * fitListQuery({ filter: or(eq(id, guid1), …, eq(id, guid300)), select }, { maxUrlLength: 2000 });
 * // { strategy: 'split', exact: true, queries: [ { filter: guid1 … guid25 }, { filter: guid26 … }, … ] }
 * ```
 */
export function fitListQuery(query: CdmsListQuery, options: FitListQueryOptions): FittedListQueries {
  const urlLengthOf = options.urlLengthOf ?? ((candidate) => listUrlLength('?', candidate));
  const fits = (candidate: CdmsListQuery) => urlLengthOf(candidate) <= options.maxUrlLength;
  if (fits(query) || query.filter === undefined || typeof query.filter === 'string') {
    return { queries: [query], exact: true, strategy: 'fits' };
  }
  const split = splitDisjunction(query, query.filter, fits);
  if (split) return { queries: split, exact: true, strategy: 'split' };
  const { top: _top, skip: _skip, filter: _filter, ...unsliced } = query;
  let filter: ODataFilter | undefined = query.filter;
  while (filter !== undefined && !fits({ ...unsliced, filter })) {
    const relaxed = replaceWithSuperset(filter, longestPart(filter), false);
    filter = typeof relaxed === 'boolean' ? undefined : relaxed;
  }
  return {
    queries: [filter === undefined ? unsliced : { ...unsliced, filter }],
    exact: false,
    strategy: 'superset',
  };
}

/** Split the longest top-level `or` conjunct into groups that fit; undefined when one disjunct alone does not. */
function splitDisjunction(
  query: CdmsListQuery,
  filter: ODataFilter,
  fits: (candidate: CdmsListQuery) => boolean,
): CdmsListQuery[] | undefined {
  const conjuncts = flatten('and', filter);
  let chosen = -1;
  let chosenLength = 0;
  conjuncts.forEach((conjunct, index) => {
    if (conjunct.kind !== 'or') return;
    const length = serializeFilter(conjunct).length;
    if (length > chosenLength) {
      chosen = index;
      chosenLength = length;
    }
  });
  const target = conjuncts[chosen];
  if (target === undefined) return undefined;
  const disjuncts = flatten('or', target);
  // Each request's own first `top` rows together hold the first `skip + top` rows of the union.
  const { skip, top, ...rest } = query;
  const base: CdmsListQuery = top === undefined ? rest : { ...rest, top: top + (skip ?? 0) };
  const withGroup = (group: readonly ODataFilter[]): CdmsListQuery => {
    const parts = conjuncts.map((conjunct, index) => (index === chosen ? or(...group) : conjunct));
    return { ...base, filter: and(...parts) };
  };
  const queries: CdmsListQuery[] = [];
  let group: ODataFilter[] = [];
  for (const disjunct of disjuncts) {
    if (group.length > 0 && fits(withGroup([...group, disjunct]))) {
      group.push(disjunct);
      continue;
    }
    if (group.length > 0) queries.push(withGroup(group));
    if (!fits(withGroup([disjunct]))) return undefined;
    group = [disjunct];
  }
  if (group.length > 0) queries.push(withGroup(group));
  return queries;
}

/** `a and (b and c)` -> `[a, b, c]` (the client's builders nest binary nodes). */
function flatten(kind: 'and' | 'or', filter: ODataFilter): ODataFilter[] {
  if (filter.kind !== kind) return [filter];
  return [...flatten(kind, filter.left), ...flatten(kind, filter.right)];
}

/** The part to drop first: the longest whole `or` chain or single condition. */
function longestPart(filter: ODataFilter): ODataFilter {
  let longest = filter;
  let longestLength = -1;
  const visit = (node: ODataFilter, parentKind: string | undefined) => {
    const isUnit =
      node.kind === 'compare' || node.kind === 'function' || (node.kind === 'or' && parentKind !== 'or');
    if (isUnit) {
      const length = serializeFilter(node).length;
      if (length > longestLength) {
        longest = node;
        longestLength = length;
      }
    }
    if (node.kind === 'and' || node.kind === 'or') {
      visit(node.left, node.kind);
      visit(node.right, node.kind);
    } else if (node.kind === 'not') {
      visit(node.operand, 'not');
    }
  };
  visit(filter, undefined);
  return longest;
}

/**
 * `filter` with `target` replaced by what makes the result a superset: `true` where it is asserted,
 * `false` under an odd number of `not`s; constants are folded away (`true` means "no filter").
 */
function replaceWithSuperset(
  filter: ODataFilter,
  target: ODataFilter,
  negated: boolean,
): ODataFilter | boolean {
  if (filter === target) return !negated;
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const left = replaceWithSuperset(filter.left, target, negated);
      const right = replaceWithSuperset(filter.right, target, negated);
      // `false` absorbs an `and` and `true` an `or`; the other constant drops out.
      const absorbing = filter.kind === 'or';
      if (left === absorbing || right === absorbing) return absorbing;
      if (typeof left === 'boolean') return right;
      if (typeof right === 'boolean') return left;
      return filter.kind === 'and' ? and(left, right) : or(left, right);
    }
    case 'not': {
      const operand = replaceWithSuperset(filter.operand, target, !negated);
      return typeof operand === 'boolean' ? !operand : not(operand);
    }
    default:
      return filter;
  }
}
