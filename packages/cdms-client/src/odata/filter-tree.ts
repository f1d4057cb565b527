/**
 * The `$filter` expression tree: what the sync layer builds, what the serializer turns into text
 * and what the parser (used by the emulator) reads back. Nodes are plain frozen objects so that
 * trees compare with deep equality (the round-trip property test relies on it).
 */

/** A typed OData v2 literal. Each kind has exactly one textual form (see `formatLiteral`). */
export type ODataLiteral =
  | { readonly kind: 'string'; readonly value: string }
  /** A GUID, lower-cased, validated: `guid'7a4814f9-…'`. */
  | { readonly kind: 'guid'; readonly value: string }
  /** A UTC date-time, truncated to the second: `datetime'2016-02-28T00:00:00'`. */
  | { readonly kind: 'datetime'; readonly value: Date }
  /** A whole number (`Edm.Int32`/`Edm.Int64`): `42`, `-7`. */
  | { readonly kind: 'integer'; readonly value: number }
  /** An exact decimal kept as text (`Edm.Decimal`): `12.50M`. */
  | { readonly kind: 'decimal'; readonly value: string }
  /** A floating point number (`Edm.Double`): `1.5E+00` style is not required; `1.5d`. */
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** An attribute, or a path into a complex attribute: `['ParentCustomerId', 'Id']` is `ParentCustomerId/Id`. */
export interface ODataProperty {
  readonly kind: 'property';
  readonly path: readonly string[];
}

/** A literal used as an operand. */
export interface ODataLiteralOperand {
  readonly kind: 'literal';
  readonly literal: ODataLiteral;
}

/** `tolower(x)` / `toupper(x)`. */
export interface ODataCaseCall {
  readonly kind: 'call';
  readonly name: 'tolower' | 'toupper';
  readonly argument: ODataOperand;
}

/** Anything that can stand on either side of a comparison. */
export type ODataOperand = ODataProperty | ODataLiteralOperand | ODataCaseCall;

/** Comparison operators CRM 2011 supports. */
export type ODataComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** String functions CRM 2011 supports. `substringof(needle, haystack)`; `startswith(haystack, prefix)`. */
export type ODataStringFunction = 'substringof' | 'startswith' | 'endswith';

/** A boolean-valued `$filter` expression. `and`/`or` are binary, as in the OData grammar. */
export type ODataFilter =
  | { readonly kind: 'and'; readonly left: ODataFilter; readonly right: ODataFilter }
  | { readonly kind: 'or'; readonly left: ODataFilter; readonly right: ODataFilter }
  | { readonly kind: 'not'; readonly operand: ODataFilter }
  | {
      readonly kind: 'compare';
      readonly operator: ODataComparisonOperator;
      readonly left: ODataOperand;
      readonly right: ODataOperand;
    }
  | {
      readonly kind: 'function';
      readonly name: ODataStringFunction;
      readonly arguments: readonly [ODataOperand, ODataOperand];
    };

/** One `$orderby` key. */
export interface ODataOrderBy {
  readonly attribute: string;
  readonly direction: 'asc' | 'desc';
}
