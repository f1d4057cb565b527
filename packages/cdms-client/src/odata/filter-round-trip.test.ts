import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and,
  compare,
  endswith,
  isPropertySegment,
  not,
  or,
  property,
  startswith,
  substringof,
  tolower,
  toupper,
  value,
} from './filter-builder';
import type { ODataComparisonOperator, ODataFilter, ODataLiteral, ODataOperand } from './filter-tree';
import { literal } from './literal';
import { parseFilter } from './parse-filter';
import { buildQueryString, parseQueryString } from './query-string';
import { serializeFilter } from './serialize-filter';

/** Fragments that break naive escaping or URL encoding. */
const TRICKY = [
  "'",
  "''",
  ' and ',
  ' or ',
  ' eq ',
  'not ',
  ')',
  '(',
  ',',
  '%',
  '%27',
  '&',
  '#',
  '+',
  '/',
  '=',
  '?',
  '$filter=',
  'guid',
  "datetime'",
  '😀',
  '𝄞',
  'é',
  '\u0000',
  '\n',
  ' ',
];

const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...TRICKY) }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', maxLength: 1 })) }),
);

const guid = fc
  .tuple(fc.uuid(), fc.boolean())
  .map(([id, upper]) => literal.guid(upper ? id.toUpperCase() : id));

/** Whole seconds from 0001-01-01 to 9999-12-31. */
const datetime = fc
  .integer({ min: -62135596800, max: 253402300799 })
  .map((seconds) => literal.datetime(new Date(seconds * 1000)));

const literalArbitrary: fc.Arbitrary<ODataLiteral> = fc.oneof(
  text.map(literal.string),
  guid,
  datetime,
  fc.oneof(fc.integer(), fc.maxSafeInteger()).map(literal.integer),
  fc.stringMatching(/^-?\d{1,20}(\.\d{1,10})?$/).map(literal.decimal),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(literal.double),
  fc.boolean().map(literal.boolean),
  fc.constant(literal.null()),
);

const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/).filter(isPropertySegment);
const propertyArbitrary = fc.array(segment, { minLength: 1, maxLength: 3 }).map(property);
const operator = fc.constantFrom<ODataComparisonOperator>('eq', 'ne', 'gt', 'ge', 'lt', 'le');

const { filter } = fc.letrec<{ operand: ODataOperand; filter: ODataFilter }>((tie) => ({
  operand: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    propertyArbitrary,
    literalArbitrary.map(value),
    fc
      .tuple(fc.boolean(), tie('operand'))
      .map(([lower, argument]) => (lower ? tolower(argument) : toupper(argument))),
  ),
  filter: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    fc.tuple(operator, tie('operand'), tie('operand')).map(([op, left, right]) => compare(op, left, right)),
    fc
      .tuple(fc.constantFrom(substringof, startswith, endswith), tie('operand'), tie('operand'))
      .map(([build, first, second]) => build(first, second)),
    tie('filter').map(not),
    fc.tuple(tie('filter'), tie('filter')).map(([left, right]) => and(left, right)),
    fc.tuple(tie('filter'), tie('filter')).map(([left, right]) => or(left, right)),
    fc.array(tie('filter'), { minLength: 1, maxLength: 4 }).map((filters) => and(...filters)),
  ),
}));

describe('filter round trip', () => {
  it('parseFilter(serializeFilter(tree)) deep-equals tree', () => {
    fc.assert(
      fc.property(filter, (tree) => {
        expect(parseFilter(serializeFilter(tree))).toEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });

  it('the $filter text survives buildQueryString then parseQueryString', () => {
    fc.assert(
      fc.property(filter, fc.option(fc.nat(), { nil: undefined }), (tree, top) => {
        const query = buildQueryString({ filter: tree, select: ['Name', 'ParentCustomerId'], top });
        // Nothing that means something in a URL is left unencoded.
        expect(query.split('&').length).toBe(top === undefined ? 2 : 3);
        expect(query).not.toMatch(/[ #+\u0080-\uffff]|%(?![0-9A-F]{2})/);
        const parsed = parseQueryString(query);
        expect(parsed.filter).toBe(serializeFilter(tree));
        expect(parsed.top).toBe(top);
        expect(parseFilter(parsed.filter!)).toEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });
});
