import type { CdmsListQuery, ODataOrderBy } from '@cdms-sync/cdms-client';
import { FieldError, NotSupportedError } from '../errors/errors';
import type { ModelSchema } from '../query/model-schema';
import type { OrderByTerm, WhereNode } from '../query/where-node';
import { compileODataFilter } from './odata-filter-compiler';
import { requireMigrator, resolveCodec } from './resolve-codec';

/** Input of `compileODataQuery`: a validated where tree and ordering, and the slice. */
export interface ODataQueryInput {
  where?: WhereNode;
  orderBy?: readonly OrderByTerm[];
  offset?: number;
  limit?: number;
  /** `$select`. @default the migrator's `selectAttributes()` */
  select?: readonly string[];
}

/** A compiled list request. */
export interface CompiledODataQuery {
  readonly query: CdmsListQuery;
  /** The filter selects exactly the matching CDMS records; when false, `$top`/`$skip` were left out. */
  readonly exact: boolean;
  /** No CDMS record can match: send no request. */
  readonly matchesNothing: boolean;
}

/** The order CDMS lists in when the query names none. */
export const DEFAULT_ODATA_ORDER: readonly ODataOrderBy[] = Object.freeze([
  Object.freeze({ attribute: 'ModifiedOn', direction: 'asc' as const }),
]);

/**
 * Compiles a query to the options of a CDMS list request: `$filter`, `$orderby` (default
 * `ModifiedOn asc`), `$select` (the migrator's attributes), and `$top`/`$skip` when the filter is exact.
 * Everything CDMS cannot do throws `NotSupportedError` here, before any request.
 *
 * @example
 * compileODataQuery({ where: buildWhere({ name__icontains: "O'Neil" }, schema), orderBy: [{ field: 'name', direction: 'desc' }], limit: 10 }, schema);
 * // query: { filter: substringof('O''Neil', Name), orderBy: [{ attribute: 'Name', direction: 'desc' }],
 * //          select: ['AccountId', 'CreatedOn', 'ModifiedOn', 'Name', …], top: 10 }
 * // -> AccountSet?$filter=substringof('O''Neil',Name)&$select=…&$orderby=Name desc&$top=10
 */
export function compileODataQuery(input: ODataQueryInput, schema: ModelSchema): CompiledODataQuery {
  const migrator = requireMigrator(schema);
  const orderBy = compileODataOrderBy(input.orderBy ?? [], schema);
  const { filter, exact, matchesNothing } = compileODataFilter(input.where, schema);
  const query: CdmsListQuery = {
    ...(filter === undefined ? {} : { filter }),
    select: input.select ?? migrator.selectAttributes(),
    orderBy,
    ...(exact && input.offset !== undefined && input.offset > 0 ? { skip: input.offset } : {}),
    ...(exact && input.limit !== undefined ? { top: input.limit } : {}),
  };
  return Object.freeze({ query: Object.freeze(query), exact, matchesNothing });
}

/**
 * `$orderby` keys of an ordering; mapped fields and `cdmsPk`/`created`/`modified` only.
 * @throws NotSupportedError for a local-only or related field (CDMS cannot order by it).
 */
export function compileODataOrderBy(orderBy: readonly OrderByTerm[], schema: ModelSchema): ODataOrderBy[] {
  const migrator = requireMigrator(schema);
  if (orderBy.length === 0) return [...DEFAULT_ODATA_ORDER];
  return orderBy.map((term) => {
    const field = schema.fields.get(term.field);
    if (field === undefined) {
      throw new FieldError(
        `Cannot order ${schema.modelName} by unknown field '${term.field}'. Known fields: ${[...schema.fields.keys()].join(', ')}.`,
      );
    }
    const codec = resolveCodec(field, migrator);
    if (
      codec === undefined ||
      codec.kind === 'foreignKey' ||
      codec.kind === 'idRef' ||
      codec.kind === 'composite'
    ) {
      const why =
        codec === undefined
          ? 'it is not mapped to CDMS'
          : codec.kind === 'composite'
            ? 'it maps to several CDMS attributes'
            : 'CDMS cannot order by a lookup';
      throw new NotSupportedError(
        `Cannot order ${schema.modelName} by '${term.field}' in CDMS: ${why}. Order by a mapped field, or use skipCdms().`,
      );
    }
    return Object.freeze({ attribute: codec.filterPath.join('/'), direction: term.direction });
  });
}
