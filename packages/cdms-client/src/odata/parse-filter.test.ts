import { describe, expect, it } from 'vitest';
import {
  and,
  endswith,
  eq,
  ge,
  gt,
  lt,
  ne,
  not,
  or,
  property,
  startswith,
  substringof,
  tolower,
  toupper,
} from './filter-builder';
import { literal } from './literal';
import { ODataSyntaxError } from './odata-syntax-error';
import { parseFilter, parseOrderBy } from './parse-filter';
import { serializeFilter } from './serialize-filter';

const name = property('Name');

/** The error `parseFilter(text)` throws, asserted to be a positioned syntax error. */
function syntaxError(text: string): ODataSyntaxError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ODataSyntaxError);
    return error as ODataSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseFilter: literals', () => {
  it('reads every literal kind', () => {
    const cases: [string, ReturnType<typeof literal.string>][] = [
      ["'O''Neil'", literal.string("O'Neil")],
      ["''", literal.string('')],
      ["'Zürich 😀 日本'", literal.string('Zürich 😀 日本')],
      ["guid'7A4814F9-B0B8-EA11-A812-000D3A122B89'", literal.guid('7a4814f9-b0b8-ea11-a812-000d3a122b89')],
      ["datetime'2016-02-28T00:00:00'", literal.datetime(new Date('2016-02-28T00:00:00Z'))],
      ["datetime'2016-02-28T10:20'", literal.datetime(new Date('2016-02-28T10:20:00Z'))],
      ['42', literal.integer(42)],
      ['-7', literal.integer(-7)],
      ['4294967296L', literal.integer(4294967296)],
      ['12.50M', literal.decimal('12.50')],
      ['-3m', literal.decimal('-3')],
      ['1.5d', literal.double(1.5)],
      ['1E+21d', literal.double(1e21)],
      ['-2.5e-3D', literal.double(-0.0025)],
      ['2.5', literal.double(2.5)],
      ['true', literal.boolean(true)],
      ['false', literal.boolean(false)],
      ['null', literal.null()],
    ];
    for (const [text, expected] of cases) {
      expect(parseFilter(`X eq ${text}`), text).toEqual(eq(property('X'), expected));
    }
  });

  it('keeps a hostile value inside one literal', () => {
    const hostile = "x') or (Name ne '";
    const text = serializeFilter(eq(name, literal.string(hostile)));
    expect(parseFilter(text)).toEqual(eq(name, literal.string(hostile)));
  });

  it('keeps OData keywords and separators inside strings', () => {
    const value = "a and b or not c eq 'd', ) ( / % & # +";
    expect(parseFilter(serializeFilter(substringof(literal.string(value), name)))).toEqual(
      substringof(literal.string(value), name),
    );
  });
});

describe('parseFilter: the CRM 2011 dialect', () => {
  it("accepts a date-only datetime literal (datetime'2010-07-15') as midnight UTC, as CRM 2011 does", () => {
    expect(parseFilter("ModifiedOn ge datetime'2010-07-15'")).toEqual(
      ge(property('ModifiedOn'), literal.datetime(new Date('2010-07-15T00:00:00Z'))),
    );
    expect(parseFilter("ModifiedOn ge datetime'2010-07-15T16:19:54Z'")).toEqual(
      ge(property('ModifiedOn'), literal.datetime(new Date('2010-07-15T16:19:54Z'))),
    );
    expect(() => parseFilter("ModifiedOn ge datetime'2010-02-30'")).toThrow(/datetime/);
  });
});

describe('parseFilter: structure', () => {
  const a = eq(property('A'), literal.integer(1));
  const b = eq(property('B'), literal.integer(2));
  const c = eq(property('C'), literal.integer(3));

  it('binds not > comparison > and > or', () => {
    expect(parseFilter('A eq 1 or B eq 2 and C eq 3')).toEqual(or(a, and(b, c)));
    expect(parseFilter('A eq 1 and B eq 2 or C eq 3')).toEqual(or(and(a, b), c));
    expect(parseFilter('not (A eq 1) and B eq 2')).toEqual(and(not(a), b));
    expect(parseFilter('(A eq 1 or B eq 2) and C eq 3')).toEqual(and(or(a, b), c));
  });

  it('folds chains to the left and keeps explicit right nesting', () => {
    expect(parseFilter('A eq 1 and B eq 2 and C eq 3')).toEqual(and(a, b, c));
    expect(parseFilter('A eq 1 and (B eq 2 and C eq 3)')).toEqual(and(a, and(b, c)));
  });

  it('tolerates extra whitespace and redundant parentheses', () => {
    expect(parseFilter(' \t( ( A  eq\n1 ) )  and ((B eq 2)) ')).toEqual(and(a, b));
  });

  it('reads property paths, functions and case calls', () => {
    expect(parseFilter("ParentCustomerId/Id eq guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'")).toEqual(
      eq(property('ParentCustomerId/Id'), literal.guid('7a4814f9-b0b8-ea11-a812-000d3a122b89')),
    );
    expect(parseFilter("substringof('acme', Name)")).toEqual(substringof(literal.string('acme'), name));
    expect(parseFilter("startswith(Name,'Ac') and endswith(Name,'Ltd')")).toEqual(
      and(startswith(name, literal.string('Ac')), endswith(name, literal.string('Ltd'))),
    );
    expect(parseFilter("tolower(Name) eq toupper('x')")).toEqual(
      eq(tolower(name), toupper(literal.string('x'))),
    );
    expect(parseFilter('StateCode/Value ne 1')).toEqual(ne(property('StateCode/Value'), literal.integer(1)));
  });

  it('reads functions compared with true/false as the function or its negation', () => {
    const contains = substringof(literal.string('x'), name);
    expect(parseFilter("substringof('x',Name) eq true")).toEqual(contains);
    expect(parseFilter("substringof('x',Name) ne false")).toEqual(contains);
    expect(parseFilter("substringof('x',Name) eq false")).toEqual(not(contains));
    expect(parseFilter("substringof('x',Name) ne true")).toEqual(not(contains));
    expect(parseFilter("true eq substringof('x',Name)")).toEqual(contains);
    expect(parseFilter("not substringof('x',Name)")).toEqual(not(contains));
  });

  it('reads every comparison operator', () => {
    expect(parseFilter('A gt 1 and A ge 1 and A lt 1')).toEqual(
      and(
        gt(property('A'), literal.integer(1)),
        ge(property('A'), literal.integer(1)),
        lt(property('A'), literal.integer(1)),
      ),
    );
  });

  it('returns frozen nodes', () => {
    const tree = parseFilter("A eq 1 and substringof('x',Name)");
    expect(Object.isFrozen(tree)).toBe(true);
    expect(tree.kind === 'and' && Object.isFrozen(tree.right)).toBe(true);
  });
});

describe('parseFilter: errors carry a position', () => {
  it.each([
    ["Name eq 'x", 8, /unterminated string/],
    ['', 0, /empty/],
    ['Name eq', 7, /unexpected end of input/],
    ['Name eq 1 and', 13, /unexpected end of input/],
    ['(Name eq 1', 10, /expected '\)'/],
    ['Name eq 1)', 9, /expected end of input/],
    ["Name eq guid'1234'", 8, /guid/],
    ["Name eq guid'7a4814f9-b0b8-ea11-a812-000d3a122b89' or 1 eq 1'", 60, /unterminated/],
    ["Name eq datetime'2016-02-30T00:00:00'", 8, /datetime/],
    ["Name eq datetime'2016-02-28T10'", 8, /datetime/],
    ["Name eq X'00'", 8, /unsupported literal type/],
    ['year(CreatedOn) eq 2016', 0, /unsupported function 'year'/],
    ['Name', 0, /expected a condition/],
    ["Name eq 'x' and 'y'", 16, /expected a condition/],
    ["substringof('x',Name) eq 1", 25, /only be compared/],
    ["substringof('x',Name) gt true", 25, /only be compared/],
    ["substringof(Name eq 'x',Name)", 12, /expected a value/],
    ['not Name', 4, /expected a condition/],
    ['Name eq 12abc', 8, /invalid number/],
    ['Name eq 1.5e10M', 8, /decimal has no exponent/],
    ['Name eq 1.5L', 8, /whole number/],
    ['Name eq 1f', 8, /unsupported suffix/],
    ['Name eq 99999999999999999', 8, /safe integer/],
    ['Name eq -x', 8, /number/],
    ['Name add 1', 5, /expected end of input/],
    ['Name eq 1 && B eq 2', 10, /unexpected character "&"/],
    ['A/ eq 1', 3, /property name after '\/'/],
    ["eq eq 'x'", 0, /unexpected 'eq'/],
  ])('%j fails at %i', (text, position, message) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(`at position ${position}`);
    expect(error.code).toBe('ODATA_SYNTAX');
  });

  it('rejects absurd nesting with an error, not a stack overflow', () => {
    const deep = `${'('.repeat(5000)}A eq 1${')'.repeat(5000)}`;
    expect(syntaxError(deep).message).toMatch(/nesting deeper/);
  });

  it('parses long flat chains without recursion limits', () => {
    const text = Array.from({ length: 5000 }, (_, index) => `A eq ${index}`).join(' or ');
    expect(serializeFilter(parseFilter(text))).toBe(text);
  });
});

describe('parseOrderBy', () => {
  it('reads keys with optional directions', () => {
    expect(parseOrderBy('Name asc,CreatedOn desc')).toEqual([
      { attribute: 'Name', direction: 'asc' },
      { attribute: 'CreatedOn', direction: 'desc' },
    ]);
    expect(parseOrderBy(' Name , StateCode/Value desc')).toEqual([
      { attribute: 'Name', direction: 'asc' },
      { attribute: 'StateCode/Value', direction: 'desc' },
    ]);
  });

  it('rejects bad keys with their position', () => {
    expect(() => parseOrderBy('')).toThrow(ODataSyntaxError);
    expect(() => parseOrderBy('Name up')).toThrow(/invalid \$orderby key "Name up" at position 0/);
    expect(() => parseOrderBy('Name,,X')).toThrow(/at position 5/);
    expect(() => parseOrderBy("Name asc,X eq 'y'")).toThrow(/at position 9/);
  });
});
