import { describe, expect, it } from 'vitest';
import { eq, property } from './filter-builder';
import { literal } from './literal';
import { InvalidLiteralError, ODataSyntaxError } from './odata-syntax-error';
import { buildQueryString, parseQueryString } from './query-string';

describe('buildQueryString', () => {
  it('writes the options in a fixed order, percent-encoding values', () => {
    const query = buildQueryString({
      skip: 20,
      top: 10,
      orderBy: [
        { attribute: 'ModifiedOn', direction: 'asc' },
        { attribute: 'Name', direction: 'desc' },
      ],
      select: ['AccountId', 'Name'],
      filter: eq(property('Name'), literal.string("O'Neil & Co #1 + 100%")),
    });
    expect(query).toBe(
      "$filter=Name%20eq%20'O''Neil%20%26%20Co%20%231%20%2B%20100%25'" +
        '&$select=AccountId,Name&$orderby=ModifiedOn%20asc,Name%20desc&$top=10&$skip=20',
    );
  });

  it('keeps / : , readable and encodes non-ASCII as UTF-8', () => {
    const filter = eq(property('ParentCustomerId/Id'), literal.guid('7a4814f9-b0b8-ea11-a812-000d3a122b89'));
    expect(buildQueryString({ filter })).toBe(
      "$filter=ParentCustomerId/Id%20eq%20guid'7a4814f9-b0b8-ea11-a812-000d3a122b89'",
    );
    expect(buildQueryString({ filter: eq(property('CreatedOn'), literal.datetime(new Date(0))) })).toBe(
      "$filter=CreatedOn%20eq%20datetime'1970-01-01T00:00:00'",
    );
    expect(buildQueryString({ filter: eq(property('Name'), literal.string('é😀')) })).toBe(
      "$filter=Name%20eq%20'%C3%A9%F0%9F%98%80'",
    );
  });

  it('sends filter text as given and leaves out empty options', () => {
    expect(buildQueryString({ filter: "Name eq 'x'", select: [], orderBy: [] })).toBe(
      "$filter=Name%20eq%20'x'",
    );
    expect(buildQueryString({})).toBe('');
    expect(buildQueryString({ top: 0 })).toBe('$top=0');
  });

  it('rejects bad counts and attribute names before building anything', () => {
    expect(() => buildQueryString({ top: -1 })).toThrow(InvalidLiteralError);
    expect(() => buildQueryString({ skip: 1.5 })).toThrow(/\$skip must be a non-negative integer/);
    expect(() => buildQueryString({ select: ['Name,CreatedOn'] })).toThrow(ODataSyntaxError);
    expect(() => buildQueryString({ select: ['Name&$top=1'] })).toThrow(ODataSyntaxError);
  });
});

describe('parseQueryString', () => {
  it('reads what buildQueryString writes', () => {
    const query = buildQueryString({
      filter: eq(property('Name'), literal.string('a&b=c+d')),
      select: ['AccountId', 'Name'],
      orderBy: [{ attribute: 'Name', direction: 'desc' }],
      top: 5,
      skip: 50,
    });
    expect(parseQueryString(`?${query}`)).toEqual({
      filter: "Name eq 'a&b=c+d'",
      select: ['AccountId', 'Name'],
      orderBy: [{ attribute: 'Name', direction: 'desc' }],
      top: 5,
      skip: 50,
      parameters: {
        $filter: "Name eq 'a&b=c+d'",
        $select: 'AccountId,Name',
        $orderby: 'Name desc',
        $top: '5',
        $skip: '50',
      },
    });
  });

  it('decodes + as a space, reads $skiptoken and keeps unknown options', () => {
    expect(
      parseQueryString("$filter=Name+eq+'x'&$skiptoken=1,'abc'&$inlinecount=allpages&__proto__=1"),
    ).toEqual({
      filter: "Name eq 'x'",
      skipToken: "1,'abc'",
      parameters: {
        $filter: "Name eq 'x'",
        $skiptoken: "1,'abc'",
        $inlinecount: 'allpages',
        ['__proto__']: '1',
      },
    });
    expect(parseQueryString('')).toEqual({ parameters: {} });
  });

  it('rejects repeated options, bad counts and bad encoding', () => {
    expect(() => parseQueryString('$top=1&$top=2')).toThrow(/more than once/);
    expect(() => parseQueryString('$top=-1')).toThrow(ODataSyntaxError);
    expect(() => parseQueryString('$skip=ten')).toThrow(/\$skip must be a non-negative integer/);
    expect(() => parseQueryString('$filter=%E0%A4%A')).toThrow(/percent-encoding/);
    expect(() => parseQueryString('$orderby=Name%20up')).toThrow(ODataSyntaxError);
  });
});
