import { describe, expect, it } from 'vitest';
import { FieldError, NotSupportedError, ValidationError } from '../errors/errors';
import { catchError } from './__fixtures__/catch-error';
import { GUID, Organisation, organisationSchema as schema } from './__fixtures__/sample-models';
import { buildOrderBy, buildWhere, parseFilterKey } from './build-where';
import { Q } from './q';
import { isRelatedKey, relatedKey } from './related-key';

const KNOWN =
  'id, cdmsPk, created, modified, name, alias, ukOrganisation, employees, revenue, status, founded, lastContacted, owner, parent, notes, score';

describe('buildWhere', () => {
  it('builds one leaf for one key, exact without a suffix', () => {
    expect(buildWhere({ name: 'Acme' }, schema)).toEqual({
      kind: 'lookup',
      field: 'name',
      lookup: 'exact',
      value: 'Acme',
    });
  });

  it('ANDs several keys', () => {
    expect(buildWhere({ name__icontains: 'ac', employees__gt: 10 }, schema)).toEqual({
      kind: 'and',
      children: [
        { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'ac' },
        { kind: 'lookup', field: 'employees', lookup: 'gt', value: 10 },
      ],
    });
  });

  it('builds the tree of a Q with connectors and negation', () => {
    const where = buildWhere(Q({ name: 'a' }).or({ name: 'b', ukOrganisation: true }).not(), schema);
    expect(where).toEqual({
      kind: 'not',
      child: {
        kind: 'or',
        children: [
          { kind: 'lookup', field: 'name', lookup: 'exact', value: 'a' },
          {
            kind: 'and',
            children: [
              { kind: 'lookup', field: 'name', lookup: 'exact', value: 'b' },
              { kind: 'lookup', field: 'ukOrganisation', lookup: 'exact', value: true },
            ],
          },
        ],
      },
    });
    expect(Object.isFrozen(where)).toBe(true);
  });

  it('matches everything for an empty object and an empty Q', () => {
    expect(buildWhere({}, schema)).toEqual({ kind: 'and', children: [] });
    expect(buildWhere(Q(), schema)).toEqual({ kind: 'and', children: [] });
  });

  it('splits on the last __ that names a lookup; pk is id', () => {
    expect(parseFilterKey('lastContacted__year', schema)).toMatchObject({
      field: { name: 'lastContacted' },
      lookup: 'year',
    });
    expect(parseFilterKey('pk__in', schema)).toMatchObject({ field: { name: 'id' }, lookup: 'in' });
  });

  it('normalises GUIDs, decimals and dates', () => {
    expect(buildWhere({ cdmsPk: GUID.toUpperCase() }, schema)).toMatchObject({ value: GUID });
    expect(buildWhere({ owner__in: [`{${GUID}}`] }, schema)).toMatchObject({ value: [GUID] });
    expect(buildWhere({ revenue__gte: 12.5 }, schema)).toMatchObject({ value: '12.5' });
    expect(buildWhere({ founded: new Date('2016-02-28T00:00:00Z') }, schema)).toMatchObject({
      value: '2016-02-28',
    });
  });

  it('replaces a related instance by a RelatedKey', () => {
    const acme = Object.assign(new Organisation(), { id: 7, cdmsPk: GUID.toUpperCase() });
    const where = buildWhere({ parent: acme }, schema);
    expect(where).toMatchObject({ field: 'parent', lookup: 'exact', value: { id: 7, cdmsPk: GUID } });
    expect(where.kind === 'lookup' && isRelatedKey(where.value)).toBe(true);
    const list = buildWhere({ parent__in: [acme, relatedKey(8, null), 9] }, schema);
    expect(list).toMatchObject({ value: [{ id: 7, cdmsPk: GUID }, { id: 8, cdmsPk: null }, 9] });
  });

  describe('rejects, before any I/O', () => {
    it('an unknown field, naming it, the model and the known fields', () => {
      const error = catchError(() => buildWhere({ nmae__icontains: 'x' }, schema));
      expect(error).toBeInstanceOf(FieldError);
      expect(error.code).toBe('FIELD_ERROR');
      expect(error.message).toBe(
        `Cannot resolve field 'nmae' (in 'nmae__icontains') on Organisation. Known fields: ${KNOWN}.`,
      );
      expect(catchError(() => buildWhere({ nmae: 'x' }, schema)).message).toContain(
        "Cannot resolve field 'nmae' on Organisation",
      );
    });

    it('a filter across a relation', () => {
      const error = catchError(() => buildWhere({ parent__name: 'x' }, schema));
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(error.code).toBe('NOT_SUPPORTED');
      expect(error.message).toContain(
        "Cannot filter Organisation by 'parent__name': filtering across relations is not supported",
      );
      expect(catchError(() => buildWhere({ parent__name__icontains: 'x' }, schema))).toBeInstanceOf(
        NotSupportedError,
      );
    });

    it('chained lookups', () => {
      const error = catchError(() => buildWhere({ created__year__gt: 2000 }, schema));
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(error.message).toContain('chained lookups');
    });

    it('an unknown lookup, or one the field does not have', () => {
      const unknown = catchError(() => buildWhere({ name__foo: 'x' }, schema));
      expect(unknown).toBeInstanceOf(FieldError);
      expect(unknown.message).toMatch(
        /^Unsupported lookup 'foo' \(in 'name__foo'\) for field 'name' of Organisation\. Its lookups: exact, in, isnull, gt/,
      );
      const wrongType = catchError(() => buildWhere({ ukOrganisation__icontains: 'x' }, schema));
      expect(wrongType).toBeInstanceOf(FieldError);
      expect(wrongType.message).toContain("Unsupported lookup 'icontains'");
      expect(catchError(() => buildWhere({ founded__hour: 3 }, schema))).toBeInstanceOf(FieldError);
    });

    it.each([
      [
        { name__in: 'Acme' },
        "Invalid value for 'name__in' on Organisation: \"Acme\" is not an array ('in' needs a list of values).",
      ],
      [{ name__in: ['a', null] }, 'holds null'],
      [{ employees__range: [1] }, "is not a [low, high] pair ('range' needs two values)"],
      [{ employees__range: [1, null] }, 'has a null bound'],
      [{ alias__isnull: 'yes' }, "is not a boolean ('isnull' takes true or false)"],
      [{ created__month: 13 }, "13 is not a whole number from 1 to 12 ('month')"],
      [{ created__year: 2016.5 }, 'is not a whole number from 1 to 9999'],
      [{ cdmsPk: 'abc' }, `Invalid value for 'cdmsPk' on Organisation: "abc" is not a GUID.`],
      [{ cdmsPk__in: [GUID, "x' or 1 eq 1"] }, 'is not a GUID'],
      [{ owner: 'not-a-guid' }, 'is not a GUID'],
      [{ employees: '10' }, 'is not a whole number'],
      [{ employees__gt: null }, "cannot be compared with 'gt'"],
      [{ ukOrganisation: 'true' }, 'is not a boolean'],
      [{ name: 42 }, 'is not a string'],
      [{ name__icontains: 42 }, "is not a string ('icontains' matches text)"],
      [{ name__regex: '(' }, 'is not a valid regular expression'],
      [{ created__gt: 'yesterday' }, 'is not a valid Date'],
      [{ revenue: 'lots' }, 'is not a decimal'],
      [{ name: undefined }, 'is not a value'],
      [{ parent: new Organisation() }, 'is an unsaved object'],
      [{ parent: [1] }, 'is not a related object or its id'],
    ])('a badly shaped value: %j', (conditions, message) => {
      const error = catchError(() => buildWhere(conditions as Record<string, unknown>, schema));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.message).toContain(message);
    });
  });
});

describe('buildOrderBy', () => {
  it('reads - as descending', () => {
    expect(buildOrderBy(['-modified', 'name', '+employees'], schema)).toEqual([
      { field: 'modified', direction: 'desc' },
      { field: 'name', direction: 'asc' },
      { field: 'employees', direction: 'asc' },
    ]);
  });

  it('rejects an unknown field, naming the known ones', () => {
    const error = catchError(() => buildOrderBy(['-nmae'], schema));
    expect(error).toBeInstanceOf(FieldError);
    expect(error.message).toBe(
      `Cannot resolve field 'nmae' (in '-nmae') on Organisation. Known fields: ${KNOWN}.`,
    );
    expect(catchError(() => buildOrderBy(['-'], schema))).toBeInstanceOf(FieldError);
  });
});
