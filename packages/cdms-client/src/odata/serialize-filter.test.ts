import { describe, expect, it } from 'vitest';
import {
  and,
  compare,
  endswith,
  eq,
  ge,
  gt,
  le,
  lt,
  ne,
  not,
  or,
  property,
  startswith,
  substringof,
  tolower,
  toupper,
  value,
} from './filter-builder';
import { literal } from './literal';
import { isODataSyntaxError, ODataSyntaxError } from './odata-syntax-error';
import { formatOrderBy, serializeFilter } from './serialize-filter';

const a = eq(property('A'), literal.integer(1));
const b = eq(property('B'), literal.integer(2));
const c = eq(property('C'), literal.integer(3));

describe('filter builder', () => {
  it('builds frozen nodes', () => {
    const tree = and(a, not(substringof(literal.string('x'), tolower(property('Name')))));
    const frozen = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || node instanceof Date) return;
      expect(Object.isFrozen(node)).toBe(true);
      for (const child of Object.values(node)) frozen(child);
    };
    frozen(tree);
  });

  it('wraps bare literals as operands', () => {
    expect(eq(property('Name'), literal.string('x'))).toEqual(
      compare('eq', property('Name'), value(literal.string('x'))),
    );
  });

  it('folds and/or to the left and returns a single filter as is', () => {
    expect(and(a, b, c)).toEqual({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
    expect(or(a)).toBe(a);
    expect(() => and()).toThrow(ODataSyntaxError);
    expect(() => or()).toThrow(/at least one/);
  });

  it('validates property paths', () => {
    expect(property('ParentCustomerId/Id').path).toEqual(['ParentCustomerId', 'Id']);
    expect(property(['ParentCustomerId', 'Id']).path).toEqual(['ParentCustomerId', 'Id']);
    for (const bad of ['', 'A/', '/A', 'A B', "Name eq 'x'", 'and', 'A/null', '1A', 'Naïve']) {
      let thrown: unknown;
      try {
        property(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isODataSyntaxError(thrown), bad).toBe(true);
    }
  });
});

describe('serializeFilter', () => {
  it('writes each comparison operator', () => {
    const name = property('Name');
    const text = literal.string('x');
    expect([eq, ne, gt, ge, lt, le].map((op) => serializeFilter(op(name, text)))).toEqual([
      "Name eq 'x'",
      "Name ne 'x'",
      "Name gt 'x'",
      "Name ge 'x'",
      "Name lt 'x'",
      "Name le 'x'",
    ]);
  });

  it('writes lookups by id and null checks', () => {
    const id = literal.guid('7a4814f9-b0b8-ea11-a812-000d3a122b89');
    expect(serializeFilter(eq(property('ParentCustomerId/Id'), id))).toBe(
      "ParentCustomerId/Id eq guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'",
    );
    expect(serializeFilter(eq(property('ParentCustomerId/Id'), literal.null()))).toBe(
      'ParentCustomerId/Id eq null',
    );
  });

  it('writes string functions without a space after the comma', () => {
    expect(serializeFilter(substringof(literal.string('acme'), property('Name')))).toBe(
      "substringof('acme',Name)",
    );
    expect(serializeFilter(startswith(property('Name'), literal.string('Ac')))).toBe("startswith(Name,'Ac')");
    expect(serializeFilter(endswith(property('Name'), literal.string('Ltd')))).toBe("endswith(Name,'Ltd')");
    expect(serializeFilter(eq(tolower(property('Name')), toupper(literal.string('x'))))).toBe(
      "tolower(Name) eq toupper('x')",
    );
  });

  it('leaves left-folded chains without parentheses', () => {
    expect(serializeFilter(and(a, b, c))).toBe('A eq 1 and B eq 2 and C eq 3');
    expect(serializeFilter(or(a, b, c))).toBe('A eq 1 or B eq 2 or C eq 3');
  });

  it('parenthesises a right child of the same operator', () => {
    expect(serializeFilter(and(a, and(b, c)))).toBe('A eq 1 and (B eq 2 and C eq 3)');
    expect(serializeFilter(or(a, or(b, c)))).toBe('A eq 1 or (B eq 2 or C eq 3)');
  });

  it('parenthesises or under and, never and under or', () => {
    expect(serializeFilter(and(or(a, b), c))).toBe('(A eq 1 or B eq 2) and C eq 3');
    expect(serializeFilter(and(a, or(b, c)))).toBe('A eq 1 and (B eq 2 or C eq 3)');
    expect(serializeFilter(or(and(a, b), c))).toBe('A eq 1 and B eq 2 or C eq 3');
    expect(serializeFilter(or(a, and(b, c)))).toBe('A eq 1 or B eq 2 and C eq 3');
  });

  it('parenthesises what not applies to unless it is a function or another not', () => {
    expect(serializeFilter(not(a))).toBe('not (A eq 1)');
    expect(serializeFilter(not(and(a, b)))).toBe('not (A eq 1 and B eq 2)');
    expect(serializeFilter(not(substringof(literal.string('x'), property('Name'))))).toBe(
      "not substringof('x',Name)",
    );
    expect(serializeFilter(not(not(a)))).toBe('not not (A eq 1)');
    expect(serializeFilter(and(not(a), b))).toBe('not (A eq 1) and B eq 2');
  });

  it('keeps a hostile value inside one literal', () => {
    const hostile = "x') or (Name ne '";
    expect(serializeFilter(eq(property('Name'), literal.string(hostile)))).toBe(
      "Name eq 'x'') or (Name ne '''",
    );
  });
});

describe('formatOrderBy', () => {
  it('joins keys with commas', () => {
    expect(
      formatOrderBy([
        { attribute: 'Name', direction: 'asc' },
        { attribute: 'CreatedOn', direction: 'desc' },
      ]),
    ).toBe('Name asc,CreatedOn desc');
  });

  it('rejects invalid attributes and directions', () => {
    expect(() => formatOrderBy([{ attribute: 'Name desc,X', direction: 'asc' }])).toThrow(ODataSyntaxError);
    expect(() => formatOrderBy([{ attribute: 'Name', direction: 'up' as 'asc' }])).toThrow(/direction/);
  });
});
