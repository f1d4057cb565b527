import type {
  ODataCaseCall,
  ODataComparisonOperator,
  ODataFilter,
  ODataLiteral,
  ODataLiteralOperand,
  ODataOperand,
  ODataProperty,
  ODataStringFunction,
} from './filter-tree';
import { ODataSyntaxError } from './odata-syntax-error';

/**
 * Small functions that build frozen `ODataFilter` nodes. Values only enter a tree as typed
 * literals (`value(literal.string(text))`), never as raw text, so the serializer can escape them.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Words the `$filter` grammar gives a meaning to; a property cannot be named like one.
 * @internal shared with the parser.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'null',
  'true',
  'false',
]);

/** True when `name` can be one segment of a property path. @internal */
export function isPropertySegment(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name);
}

/**
 * An attribute, or a path into a complex attribute.
 *
 * @example
 * ```ts
 * property('Name');                  // Name
 * property('ParentCustomerId/Id');   // ParentCustomerId/Id
 * property(['ParentCustomerId', 'Id']);
 * ```
 */
export function property(path: string | readonly string[]): ODataProperty {
  const segments = typeof path === 'string' ? path.split('/') : [...path];
  const bad = segments.find((segment) => !isPropertySegment(segment));
  if (bad !== undefined || segments.length === 0) {
    const text = typeof path === 'string' ? path : segments.join('/');
    throw new ODataSyntaxError(
      `invalid property path ${JSON.stringify(text)}: segment ${JSON.stringify(bad ?? '')}`,
    );
  }
  return Object.freeze({ kind: 'property', path: Object.freeze(segments) });
}

/**
 * A literal as an operand.
 *
 * @example
 * ```ts
 * eq(property('Name'), value(literal.string("O'Neil"))); // Name eq 'O''Neil'
 * ```
 */
export function value(literal: ODataLiteral): ODataLiteralOperand {
  return Object.freeze({ kind: 'literal', literal });
}

/** Operands may be given as bare literals; they are wrapped with `value()`. */
export type OperandInput = ODataOperand | ODataLiteral;

const toOperand = (input: OperandInput): ODataOperand =>
  input.kind === 'property' || input.kind === 'literal' || input.kind === 'call' ? input : value(input);

/**
 * A comparison. Prefer the shorthands `eq`, `ne`, `gt`, `ge`, `lt`, `le`.
 *
 * @example
 * ```ts
 * compare('ge', property('CreatedOn'), literal.datetime(since)); // CreatedOn ge datetime'2016-02-28T00:00:00'
 * ```
 */
export function compare(
  operator: ODataComparisonOperator,
  left: OperandInput,
  right: OperandInput,
): ODataFilter {
  return Object.freeze({ kind: 'compare', operator, left: toOperand(left), right: toOperand(right) });
}

/** `left eq right`, e.g. `ParentCustomerId/Id eq guid'…'`. CRM compares strings case-insensitively. */
export const eq = (left: OperandInput, right: OperandInput): ODataFilter => compare('eq', left, right);
/** `left ne right`. */
export const ne = (left: OperandInput, right: OperandInput): ODataFilter => compare('ne', left, right);
/** `left gt right`. */
export const gt = (left: OperandInput, right: OperandInput): ODataFilter => compare('gt', left, right);
/** `left ge right`. */
export const ge = (left: OperandInput, right: OperandInput): ODataFilter => compare('ge', left, right);
/** `left lt right`. */
export const lt = (left: OperandInput, right: OperandInput): ODataFilter => compare('lt', left, right);
/** `left le right`. */
export const le = (left: OperandInput, right: OperandInput): ODataFilter => compare('le', left, right);

function fold(kind: 'and' | 'or', filters: readonly ODataFilter[]): ODataFilter {
  const [first, ...rest] = filters;
  if (first === undefined) throw new ODataSyntaxError(`${kind}() needs at least one filter`);
  // Left fold: and(a, b, c) is (a and b) and c, which is how the parser reads `a and b and c`.
  return rest.reduce<ODataFilter>((left, right) => Object.freeze({ kind, left, right }), first);
}

/**
 * All of the filters: `a and b and c` (folded left into binary nodes). One filter is returned as is.
 *
 * @example
 * ```ts
 * and(eq(property('StateCode/Value'), literal.integer(0)), ne(property('Name'), literal.null()));
 * // StateCode/Value eq 0 and Name ne null
 * ```
 */
export function and(...filters: readonly ODataFilter[]): ODataFilter {
  return fold('and', filters);
}

/** Any of the filters: `a or b or c` (folded left). One filter is returned as is. */
export function or(...filters: readonly ODataFilter[]): ODataFilter {
  return fold('or', filters);
}

/** The negation: `not (Name eq 'x')`, `not substringof('x',Name)`. */
export function not(operand: ODataFilter): ODataFilter {
  return Object.freeze({ kind: 'not', operand });
}

function stringFunction(name: ODataStringFunction, first: OperandInput, second: OperandInput): ODataFilter {
  return Object.freeze({
    kind: 'function',
    name,
    arguments: Object.freeze([toOperand(first), toOperand(second)] as const),
  });
}

/**
 * True when `haystack` contains `needle` (note the argument order of OData v2).
 *
 * @example
 * ```ts
 * substringof(literal.string('acm'), property('Name')); // substringof('acm',Name)
 * ```
 */
export const substringof = (needle: OperandInput, haystack: OperandInput): ODataFilter =>
  stringFunction('substringof', needle, haystack);

/** True when `haystack` starts with `prefix`: `startswith(Name,'Ac')`. */
export const startswith = (haystack: OperandInput, prefix: OperandInput): ODataFilter =>
  stringFunction('startswith', haystack, prefix);

/** True when `haystack` ends with `suffix`: `endswith(Name,'Ltd')`. */
export const endswith = (haystack: OperandInput, suffix: OperandInput): ODataFilter =>
  stringFunction('endswith', haystack, suffix);

function caseCall(name: ODataCaseCall['name'], argument: OperandInput): ODataCaseCall {
  return Object.freeze({ kind: 'call', name, argument: toOperand(argument) });
}

/** `tolower(x)`. CRM 2011 support is uncertain; its comparisons are case-insensitive anyway. */
export const tolower = (argument: OperandInput): ODataCaseCall => caseCall('tolower', argument);

/** `toupper(x)`. CRM 2011 support is uncertain; its comparisons are case-insensitive anyway. */
export const toupper = (argument: OperandInput): ODataCaseCall => caseCall('toupper', argument);
