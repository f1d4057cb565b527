/**
 * Small wrappers over the `$filter` tree builders of `@cdms-sync/cdms-client`, kept for callers in
 * core that build trees from arrays (`andAll(filters)`) or paths (`property('ParentCustomerId', 'Id')`).
 *
 * @internal The client's builders (`and`, `or`, `eq`, `literal` …) are the source of truth.
 */
import {
  and,
  compare as clientCompare,
  property as clientProperty,
  value as clientValue,
  endswith,
  type ODataComparisonOperator,
  type ODataFilter,
  type ODataLiteral,
  type ODataOperand,
  type ODataProperty,
  or,
  startswith,
  substringof,
} from '@cdms-sync/cdms-client';

export { literal, not } from '@cdms-sync/cdms-client';

/** An attribute or a path into a complex attribute: `property('ParentCustomerId', 'Id')`. */
export function property(...path: string[]): ODataProperty {
  return clientProperty(path);
}

/** A literal used as an operand. */
export function value(literal: ODataLiteral): ODataOperand {
  return clientValue(literal);
}

/** `left {operator} right`. */
export function compare(
  operator: ODataComparisonOperator,
  left: ODataOperand,
  right: ODataOperand,
): ODataFilter {
  return clientCompare(operator, left, right);
}

/** `substringof(needle, haystack)`, `startswith(haystack, prefix)` or `endswith(haystack, suffix)`. */
export function stringFunction(
  name: 'substringof' | 'startswith' | 'endswith',
  first: ODataOperand,
  second: ODataOperand,
): ODataFilter {
  if (name === 'substringof') return substringof(first, second);
  return name === 'startswith' ? startswith(first, second) : endswith(first, second);
}

/** `a and b and …` (left-deep); `filters` must not be empty. */
export function andAll(filters: readonly ODataFilter[]): ODataFilter {
  return and(...filters);
}

/** `a or b or …` (left-deep); `filters` must not be empty. */
export function orAll(filters: readonly ODataFilter[]): ODataFilter {
  return or(...filters);
}
