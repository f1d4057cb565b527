import { serializeFilter } from '@cdms-sync/cdms-client';
import { describe, expect, it } from 'vitest';
import { FieldError, NotSupportedError } from '../errors/errors';
import { catchError } from '../query/__fixtures__/catch-error';
import {
  GUID,
  Organisation,
  OTHER_GUID,
  organisationSchema as schema,
} from '../query/__fixtures__/sample-models';
import { buildOrderBy, buildWhere } from '../query/build-where';
import { createModelSchema } from '../query/model-schema';
import { Q, type QNode } from '../query/q';
import { relatedKey } from '../query/related-key';
import { compileODataQuery } from './compile-odata-query';
import { compileODataFilter } from './odata-filter-compiler';

const SELECT = [
  'AccountId',
  'CreatedOn',
  'ModifiedOn',
  'Name',
  'optevia_Alias',
  'optevia_ukorganisation',
  'NumberOfEmployees',
  'Revenue',
  'StateCode',
  'optevia_Founded',
  'optevia_LastContacted',
  'OwnerId',
  'ParentAccountId',
];

/** The `$filter` text of conditions, and whether it is exact. */
function compile(conditions: Record<string, unknown> | QNode) {
  const result = compileODataFilter(buildWhere(conditions, schema), schema);
  return {
    filter: result.filter === undefined ? undefined : serializeFilter(result.filter),
    exact: result.exact,
    matchesNothing: result.matchesNothing,
  };
}

const filterOf = (conditions: Record<string, unknown> | QNode) => compile(conditions).filter;

describe('compileODataFilter: one lookup each', () => {
  it.each([
    [{ name: 'Acme' }, "Name eq 'Acme'"],
    [{ alias: null }, 'optevia_Alias eq null'],
    [{ name__iexact: 'acme' }, "Name eq 'acme'"],
    [{ name__contains: 'cm' }, "substringof('cm',Name)"],
    [{ name__icontains: 'cm' }, "substringof('cm',Name)"],
    [{ name__startswith: 'Ac' }, "startswith(Name,'Ac')"],
    [{ name__istartswith: 'ac' }, "startswith(Name,'ac')"],
    [{ name__endswith: 'me' }, "endswith(Name,'me')"],
    [{ name__iendswith: 'ME' }, "endswith(Name,'ME')"],
    [{ employees__gt: 10 }, 'NumberOfEmployees gt 10'],
    [{ employees__gte: 10 }, 'NumberOfEmployees ge 10'],
    [{ employees__lt: 10 }, 'NumberOfEmployees lt 10'],
    [{ employees__lte: 10 }, 'NumberOfEmployees le 10'],
    [
      { employees__in: [1, 2, 3] },
      'NumberOfEmployees eq 1 or NumberOfEmployees eq 2 or NumberOfEmployees eq 3',
    ],
    [{ employees__isnull: true }, 'NumberOfEmployees eq null'],
    [{ employees__isnull: false }, 'NumberOfEmployees ne null'],
    [{ employees__range: [5, 9] }, 'NumberOfEmployees ge 5 and NumberOfEmployees le 9'],
    [
      { created__year: 2016 },
      "CreatedOn ge datetime'2016-01-01T00:00:00' and CreatedOn lt datetime'2017-01-01T00:00:00'",
    ],
    [
      { founded__year: 1999 },
      "optevia_Founded ge datetime'1999-01-01T00:00:00' and optevia_Founded lt datetime'2000-01-01T00:00:00'",
    ],
    [{ cdmsPk: GUID.toUpperCase() }, `AccountId eq guid'${GUID}'`],
    [{ modified__gt: new Date('2016-02-28T10:11:12Z') }, "ModifiedOn gt datetime'2016-02-28T10:11:12'"],
    [{ status: 1 }, 'StateCode/Value eq 1'],
    [{ revenue__gte: '1000.50' }, 'Revenue/Value ge 1000.50M'],
    [{ owner: GUID }, `OwnerId/Id eq guid'${GUID}'`],
    [{ ukOrganisation: true }, 'optevia_ukorganisation eq true'],
    [
      { lastContacted__lte: new Date('2020-01-01T00:00:00Z') },
      "optevia_LastContacted le datetime'2020-01-01T00:00:00'",
    ],
  ])('%j -> %s', (conditions, expected) => {
    expect(filterOf(conditions)).toBe(expected);
  });

  it('escapes a quote inside a value', () => {
    expect(filterOf({ name__iexact: "O'Neil" })).toBe("Name eq 'O''Neil'");
    expect(filterOf({ name__icontains: "O'Neil" })).toBe("substringof('O''Neil',Name)");
  });

  it('keeps an injection attempt inside one literal', () => {
    const attack = "x' or 1 eq 1 or Name eq '";
    expect(filterOf({ name__iexact: attack })).toBe("Name eq 'x'' or 1 eq 1 or Name eq '''");
    expect(filterOf({ name__istartswith: attack })).toBe("startswith(Name,'x'' or 1 eq 1 or Name eq ''')");
  });

  it('compares a related object by its GUID on the lookup path', () => {
    const parent = Object.assign(new Organisation(), { id: 3, cdmsPk: GUID });
    expect(compile({ parent })).toEqual({
      filter: `ParentAccountId/Id eq guid'${GUID}'`,
      exact: true,
      matchesNothing: false,
    });
    expect(filterOf({ parent__in: [parent, relatedKey(4, OTHER_GUID)] })).toBe(
      `ParentAccountId/Id eq guid'${GUID}' or ParentAccountId/Id eq guid'${OTHER_GUID}'`,
    );
    expect(filterOf({ parent: null })).toBe('ParentAccountId/Id eq null');
    expect(filterOf({ parent__isnull: false })).toBe('ParentAccountId/Id ne null');
  });

  it('matches nothing for an empty in, or a related object never synced', () => {
    expect(compile({ employees__in: [] })).toEqual({ filter: undefined, exact: true, matchesNothing: true });
    expect(compile({ parent: relatedKey(4, null) })).toMatchObject({ matchesNothing: true });
    expect(filterOf({ parent__in: [relatedKey(4, null), relatedKey(5, GUID)] })).toBe(
      `ParentAccountId/Id eq guid'${GUID}'`,
    );
    expect(compile(Q({ employees__in: [] }).or({ name__iexact: 'a' }))).toEqual({
      filter: "Name eq 'a'",
      exact: true,
      matchesNothing: false,
    });
    expect(compile(Q({ employees__in: [] }).not())).toEqual({
      filter: undefined,
      exact: true,
      matchesNothing: false,
    });
  });

  it('combines with and / or / not', () => {
    expect(filterOf(Q({ name__iexact: 'a' }).or({ employees__gt: 1, ukOrganisation: true }).not())).toBe(
      "not (Name eq 'a' or NumberOfEmployees gt 1 and optevia_ukorganisation eq true)",
    );
  });

  it('keeps date-time comparisons equivalent when the value has milliseconds', () => {
    const at = new Date('2016-02-28T10:11:12.500Z');
    expect(filterOf({ modified__gt: at })).toBe("ModifiedOn gt datetime'2016-02-28T10:11:12'");
    expect(filterOf({ modified__lte: at })).toBe("ModifiedOn le datetime'2016-02-28T10:11:12'");
    expect(filterOf({ modified__gte: at })).toBe("ModifiedOn ge datetime'2016-02-28T10:11:13'");
    expect(filterOf({ modified__lt: at })).toBe("ModifiedOn lt datetime'2016-02-28T10:11:13'");
    expect(compile({ modified: at }).exact).toBe(false);
  });

  it("matches CDMS null for '' and false on non-nullable fields", () => {
    expect(filterOf({ name__iexact: '' })).toBe("Name eq '' or Name eq null");
    expect(filterOf({ ukOrganisation: false })).toBe(
      'optevia_ukorganisation eq false or optevia_ukorganisation eq null',
    );
    expect(compile({ name__isnull: true })).toEqual({
      filter: 'Name eq null',
      exact: false,
      matchesNothing: false,
    });
    expect(compile({ name__isnull: false })).toEqual({
      filter: undefined,
      exact: false,
      matchesNothing: false,
    });
  });
});

describe('compileODataFilter: over-approximation', () => {
  it('treats a condition on a local-only field as true and says so', () => {
    expect(compile({ notes: 'x' })).toEqual({ filter: undefined, exact: false, matchesNothing: false });
    expect(compile({ id: 5, name__iexact: 'a' })).toEqual({
      filter: "Name eq 'a'",
      exact: false,
      matchesNothing: false,
    });
    expect(compile({ score__gt: 1, notes__regex: '^a' })).toEqual({
      filter: undefined,
      exact: false,
      matchesNothing: false,
    });
  });

  it('lets an OR with a local-only branch match everything', () => {
    expect(compile(Q({ notes: 'x' }).or({ name__iexact: 'a' }))).toEqual({
      filter: undefined,
      exact: false,
      matchesNothing: false,
    });
  });

  it('lets NOT over anything inexact match everything', () => {
    expect(compile(Q({ notes: 'x', name__iexact: 'a' }).not())).toEqual({
      filter: undefined,
      exact: false,
      matchesNothing: false,
    });
    expect(compile(Q({ name: 'Acme' }).not())).toEqual({
      filter: undefined,
      exact: false,
      matchesNothing: false,
    });
    expect(compile(Q({ name__iexact: 'Acme' }).not())).toEqual({
      filter: "not (Name eq 'Acme')",
      exact: true,
      matchesNothing: false,
    });
  });

  it('marks case-sensitive text lookups inexact, as CDMS compares text case-insensitively', () => {
    expect(compile({ name: 'Acme' })).toEqual({
      filter: "Name eq 'Acme'",
      exact: false,
      matchesNothing: false,
    });
    expect(compile({ name__contains: 'cm' }).exact).toBe(false);
    expect(compile({ name__icontains: 'cm' }).exact).toBe(true);
    expect(compile({ name__gt: 'M' })).toEqual({ filter: undefined, exact: false, matchesNothing: false });
  });

  it('cannot translate a bare local id of a related row', () => {
    expect(compile({ parent: 5 })).toEqual({ filter: undefined, exact: false, matchesNothing: false });
  });
});

describe('compileODataFilter: not supported in CDMS', () => {
  it.each(['month', 'day', 'week_day', 'hour', 'minute', 'second'])('the date part %s', (part) => {
    const error = catchError(() => compile({ [`created__${part}`]: 1 }));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.code).toBe('NOT_SUPPORTED');
    expect(error.message).toContain(
      `The lookup '${part}' in 'created__${part}' on Organisation (CDMS attribute CreatedOn)`,
    );
    expect(error.message).toContain('skipCdms()');
  });

  it.each(['regex', 'iregex'])('%s', (lookup) => {
    const error = catchError(() => compile({ [`name__${lookup}`]: '^A' }));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toContain(`The lookup '${lookup}'`);
    expect(error.message).toContain('skipCdms()');
  });

  it('a model without a migrator', () => {
    const local = createModelSchema({ modelName: 'Note', table: 'note' });
    expect(() => compileODataFilter(undefined, local)).toThrow(NotSupportedError);
  });

  it('an unknown field in a hand-built tree', () => {
    expect(() =>
      compileODataFilter({ kind: 'lookup', field: 'nope', lookup: 'exact', value: 1 }, schema),
    ).toThrow(FieldError);
  });
});

describe('compileODataQuery', () => {
  it('selects the migrator attributes and orders by ModifiedOn by default', () => {
    expect(compileODataQuery({}, schema)).toEqual({
      query: { select: SELECT, orderBy: [{ attribute: 'ModifiedOn', direction: 'asc' }] },
      exact: true,
      matchesNothing: false,
    });
  });

  it('maps ordering, offset and limit when the filter is exact', () => {
    const compiled = compileODataQuery(
      {
        where: buildWhere({ name__icontains: 'acme' }, schema),
        orderBy: buildOrderBy(['-modified', 'name', 'cdmsPk', 'status', 'created'], schema),
        offset: 20,
        limit: 10,
      },
      schema,
    );
    expect(compiled.exact).toBe(true);
    expect(serializeFilter(compiled.query.filter as never)).toBe("substringof('acme',Name)");
    expect(compiled.query).toMatchObject({
      orderBy: [
        { attribute: 'ModifiedOn', direction: 'desc' },
        { attribute: 'Name', direction: 'asc' },
        { attribute: 'AccountId', direction: 'asc' },
        { attribute: 'StateCode/Value', direction: 'asc' },
        { attribute: 'CreatedOn', direction: 'asc' },
      ],
      skip: 20,
      top: 10,
    });
  });

  it('leaves out $top and $skip when the filter is inexact', () => {
    const compiled = compileODataQuery(
      { where: buildWhere({ notes: 'x', ukOrganisation: true }, schema), offset: 5, limit: 10 },
      schema,
    );
    expect(compiled.exact).toBe(false);
    expect(compiled.query.top).toBeUndefined();
    expect(compiled.query.skip).toBeUndefined();
    expect(serializeFilter(compiled.query.filter as never)).toBe('optevia_ukorganisation eq true');
  });

  it('rejects ordering by a local-only or related field before any request', () => {
    const local = catchError(() => compileODataQuery({ orderBy: buildOrderBy(['-notes'], schema) }, schema));
    expect(local).toBeInstanceOf(NotSupportedError);
    expect(local.message).toBe(
      "Cannot order Organisation by 'notes' in CDMS: it is not mapped to CDMS. Order by a mapped field, or use skipCdms().",
    );
    expect(() => compileODataQuery({ orderBy: buildOrderBy(['parent'], schema) }, schema)).toThrow(
      "Cannot order Organisation by 'parent' in CDMS: CDMS cannot order by a lookup.",
    );
  });

  it('reports matchesNothing for an impossible filter', () => {
    expect(
      compileODataQuery({ where: buildWhere({ cdmsPk__in: [] }, schema), limit: 1 }, schema),
    ).toMatchObject({
      exact: true,
      matchesNothing: true,
    });
  });
});
