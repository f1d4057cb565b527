import type { ODataFilter, ODataLiteral, ODataProperty } from '@cdms-sync/cdms-client';
import { and, compare, endswith, literal, or, startswith, substringof, value } from '@cdms-sync/cdms-client';
import type { FieldCodec } from '../migrator/field-codec';
import type { LookupName } from '../query/where-node';
import { allRecords, filterCondition, NO_RECORDS, type ODataCondition } from './odata-condition';

/** A compared value as a literal; `none` when no CDMS record can hold it, `unknown` when CDMS cannot say. */
export type ODataLiteralResult =
  | { readonly kind: 'literal'; readonly literal: ODataLiteral; readonly lossy: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown' };

/** What a lookup is given to compile one condition. */
export interface ODataLookupContext {
  /** The attribute path: `Name`, `ParentCustomerId/Id`, `StateCode/Value`. */
  readonly property: ODataProperty;
  readonly codec: FieldCodec;
  /** The validated value of the where node. */
  readonly value: unknown;
  /**
   * True for text attributes: CDMS compares them case-insensitively (SQL Server collation), so a
   * case-sensitive lookup only over-approximates the local answer, and an ordering comparison (`gt`)
   * may disagree with the local collation altogether.
   */
  readonly caseInsensitiveText: boolean;
  /**
   * The literal of one value. `rounding` says how to bring a date-time with milliseconds to CRM's
   * whole seconds so that the comparison stays equivalent (`gt`/`lte` floor, `gte`/`lt` ceil).
   */
  literalOf(value: unknown, rounding?: 'floor' | 'ceil'): ODataLiteralResult;
}

/** How one lookup becomes a `$filter` condition. */
export interface ODataLookup {
  compile(context: ODataLookupContext): ODataCondition;
}

const NULL_OPERAND = value(literal.null());

/**
 * The lookups CDMS cannot evaluate (no date functions, no regular expressions); each fails with
 * `NotSupportedError` before any request.
 */
export const ODATA_UNSUPPORTED_LOOKUPS: ReadonlySet<LookupName> = new Set<LookupName>([
  'month',
  'day',
  'week_day',
  'hour',
  'minute',
  'second',
  'regex',
  'iregex',
]);

/**
 * Lookup -> `$filter` registry (Django's `lookups.py` for the OData side).
 *
 * | lookup | `$filter` |
 * | --- | --- |
 * | `exact` / `iexact` | `Name eq 'Acme'`, `Name eq null` |
 * | `contains` / `icontains` | `substringof('acme', Name)` |
 * | `startswith` / `istartswith` | `startswith(Name, 'ac')` |
 * | `endswith` / `iendswith` | `endswith(Name, 'me')` |
 * | `gt` `gte` `lt` `lte` | `gt` `ge` `lt` `le` |
 * | `in` | `(Name eq 'a' or Name eq 'b')` |
 * | `isnull` | `Name eq null` / `Name ne null` |
 * | `range` | `(X ge low and X le high)` |
 * | `year` | `(CreatedOn ge datetime'2016-01-01T00:00:00' and CreatedOn lt datetime'2017-01-01T00:00:00')` |
 */
export const ODATA_LOOKUPS: Readonly<Partial<Record<LookupName, ODataLookup>>> = Object.freeze({
  exact: { compile: (context) => compileEquality(context, true) },
  iexact: { compile: (context) => compileEquality(context, false) },
  contains: textFunction('substringof', true),
  icontains: textFunction('substringof', false),
  startswith: textFunction('startswith', true),
  istartswith: textFunction('startswith', false),
  endswith: textFunction('endswith', true),
  iendswith: textFunction('endswith', false),
  gt: ordered('gt', 'floor'),
  gte: ordered('ge', 'ceil'),
  lt: ordered('lt', 'ceil'),
  lte: ordered('le', 'floor'),
  in: {
    compile(context) {
      const values = context.value as readonly unknown[];
      const filters: ODataFilter[] = [];
      let lossy = false;
      for (const item of values) {
        const result = context.literalOf(item);
        if (result.kind === 'unknown') return allRecords(false);
        if (result.kind === 'none') continue;
        lossy ||= result.lossy;
        filters.push(compare('eq', context.property, value(result.literal)));
      }
      if (filters.length === 0) return NO_RECORDS;
      return filterCondition(or(...filters), !lossy && !context.caseInsensitiveText);
    },
  },
  isnull: {
    compile(context) {
      // A non-nullable text/boolean field stores CDMS null as '' / false: locally it is never null.
      const storesNullAsValue = context.codec.decode(null) !== null;
      if (context.value === true) {
        return filterCondition(compare('eq', context.property, NULL_OPERAND), !storesNullAsValue);
      }
      if (storesNullAsValue) return allRecords(false);
      return filterCondition(compare('ne', context.property, NULL_OPERAND));
    },
  },
  range: {
    compile(context) {
      if (context.caseInsensitiveText) return allRecords(false);
      const [low, high] = context.value as readonly [unknown, unknown];
      const lowLiteral = context.literalOf(low, 'ceil');
      const highLiteral = context.literalOf(high, 'floor');
      if (lowLiteral.kind !== 'literal' || highLiteral.kind !== 'literal') return allRecords(false);
      return filterCondition(
        and(
          compare('ge', context.property, value(lowLiteral.literal)),
          compare('le', context.property, value(highLiteral.literal)),
        ),
      );
    },
  },
  year: {
    compile(context) {
      const year = context.value as number;
      const from = compare('ge', context.property, value(literal.datetime(startOfYear(year))));
      // OData date-times end at 9999: the last year has no upper bound to write.
      if (year >= 9999) return filterCondition(from);
      return filterCondition(
        and(from, compare('lt', context.property, value(literal.datetime(startOfYear(year + 1))))),
      );
    },
  },
} satisfies Partial<Record<LookupName, ODataLookup>>);

function compileEquality(context: ODataLookupContext, caseSensitive: boolean): ODataCondition {
  const nullEquivalent = context.codec.decode(null);
  if (context.value === null) {
    // Locally a non-nullable text/boolean field never holds null, but CDMS may: a superset.
    return filterCondition(compare('eq', context.property, NULL_OPERAND), nullEquivalent === null);
  }
  const result = context.literalOf(context.value);
  if (result.kind === 'none') return NO_RECORDS;
  if (result.kind === 'unknown') return allRecords(false);
  let filter = compare('eq', context.property, value(result.literal));
  // '' (or false) locally is null in CDMS for a non-nullable field: match both.
  if (nullEquivalent !== null && context.value === nullEquivalent) {
    filter = or(filter, compare('eq', context.property, NULL_OPERAND));
  }
  return filterCondition(filter, !result.lossy && !(caseSensitive && context.caseInsensitiveText));
}

function textFunction(name: 'substringof' | 'startswith' | 'endswith', caseSensitive: boolean): ODataLookup {
  return {
    compile(context) {
      const text = value(literal.string(context.value as string));
      const filter =
        name === 'substringof'
          ? substringof(text, context.property)
          : name === 'startswith'
            ? startswith(context.property, text)
            : endswith(context.property, text);
      return filterCondition(filter, !(caseSensitive && context.caseInsensitiveText));
    },
  };
}

function ordered(operator: 'gt' | 'ge' | 'lt' | 'le', rounding: 'floor' | 'ceil'): ODataLookup {
  return {
    compile(context) {
      // SQL Server's case-insensitive order and the local collation may disagree: let CDMS return all.
      if (context.caseInsensitiveText) return allRecords(false);
      const result = context.literalOf(context.value, rounding);
      if (result.kind !== 'literal') return allRecords(false);
      return filterCondition(compare(operator, context.property, value(result.literal)));
    },
  };
}

function startOfYear(year: number): Date {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year);
  return date;
}
