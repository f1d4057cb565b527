import { describe, expect, it } from 'vitest';
import { FieldError, NotSupportedError, ValidationError } from '../errors/errors';
import { compileODataFilter } from '../odata/odata-filter-compiler';
import { catchError } from './__fixtures__/catch-error';
import { GUID, Organisation, organisationSchema as schema } from './__fixtures__/sample-models';
import { type BuildWhereOptions, buildOrderBy, buildWhere } from './build-where';
import { loadRelatedSchemas } from './load-related-schemas';
import { Q } from './q';
import { relatedKey } from './related-key';

/** `parent` is a foreign key of Organisation to Organisation. */
const options: BuildWhereOptions = { relatedSchema: () => schema };

describe('buildWhere across a relation', () => {
  it('builds a related node on the local id field, validated against the related model', () => {
    expect(buildWhere({ parent__name__icontains: 'acme' }, schema, options)).toEqual({
      kind: 'related',
      field: 'parentId',
      relation: 'parent',
      table: 'organisation',
      where: { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acme' },
    });
  });

  it('nests, normalises values, and turns a related foreign key into its local id field', () => {
    const where = buildWhere(
      Q({ parent__parent__employees__gte: 10 })
        .or({ parent__parent: relatedKey(7, GUID) })
        .not(),
      schema,
      options,
    );
    expect(where).toEqual({
      kind: 'not',
      child: {
        kind: 'or',
        children: [
          {
            kind: 'related',
            field: 'parentId',
            relation: 'parent',
            table: 'organisation',
            where: {
              kind: 'related',
              field: 'parentId',
              relation: 'parent',
              table: 'organisation',
              where: { kind: 'lookup', field: 'employees', lookup: 'gte', value: 10 },
            },
          },
          {
            kind: 'related',
            field: 'parentId',
            relation: 'parent',
            table: 'organisation',
            where: { kind: 'lookup', field: 'parentId', lookup: 'exact', value: 7 },
          },
        ],
      },
    });
    expect(Object.isFrozen(where)).toBe(true);
  });

  it('keeps lookups on the foreign key itself (parent__in, parent__isnull) as lookups', () => {
    expect(buildWhere({ parent__isnull: true }, schema, options)).toEqual({
      kind: 'lookup',
      field: 'parent',
      lookup: 'isnull',
      value: true,
    });
  });

  it('an unknown related field is a FieldError naming the whole key and the related fields', () => {
    const error = catchError(() => buildWhere({ parent__nmae__icontains: 'x' }, schema, options));
    expect(error).toBeInstanceOf(FieldError);
    expect(error.message).toContain("In 'parent__nmae__icontains' on Organisation (across 'parent'): ");
    expect(error.message).toContain("Cannot resolve field 'nmae' (in 'nmae__icontains') on Organisation.");
    expect(error.message).toContain('Known fields: id, cdmsPk');
  });

  it('a bad related value is a ValidationError', () => {
    expect(catchError(() => buildWhere({ parent__employees: 'many' }, schema, options))).toBeInstanceOf(
      ValidationError,
    );
  });

  it('without the related schema: NotSupportedError', () => {
    const error = catchError(() => buildWhere({ parent__name: 'x' }, schema));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toContain('filtering across relations is not supported');
  });

  it('ordering across a relation: NotSupportedError', () => {
    expect(catchError(() => buildOrderBy(['-parent__name'], schema))).toBeInstanceOf(NotSupportedError);
  });

  it('the OData compiler rejects it (CDMS cannot filter across relations)', () => {
    const where = buildWhere(Q({ name: 'a' }).or({ parent__name: 'x' }), schema, options);
    const error = catchError(() => compileODataFilter(where, schema));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toContain("across the relation 'parent'");
    expect(error.message).toContain('skipCdms()');
  });
});

describe('loadRelatedSchemas', () => {
  it('loads each related model a key names, once, following nested keys', async () => {
    const loaded: unknown[] = [];
    const relatedSchema = await loadRelatedSchemas(
      [{ name: 'a', parent__parent__name: 'x' }, Q({ parent__name: 'y' }).or({ parent__isnull: true })],
      schema,
      async (model) => {
        loaded.push(model);
        return schema;
      },
    );
    expect(loaded).toEqual([Organisation]);
    const parent = schema.fields.get('parent');
    expect(parent && relatedSchema(parent)).toBe(schema);
  });

  it('loads nothing for keys on own fields', async () => {
    const loaded: unknown[] = [];
    await loadRelatedSchemas([{ name: 'a', parent__in: [1] }], schema, async (model) => {
      loaded.push(model);
      return schema;
    });
    expect(loaded).toEqual([]);
  });
});
