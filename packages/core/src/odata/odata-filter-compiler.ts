import { and, literal, not, type ODataFilter, or, property } from '@cdms-sync/cdms-client';
import { FieldError, NotSupportedError } from '../errors/errors';
import type { FieldCodec } from '../migrator/field-codec';
import type { Migrator } from '../migrator/migrator';
import type { ModelSchema } from '../query/model-schema';
import { isRelatedKey } from '../query/related-key';
import type { AndNode, LookupNode, NotNode, OrNode, RelatedNode, WhereNode } from '../query/where-node';
import { WhereNodeVisitor } from '../query/where-node-visitor';
import { allRecords, filterCondition, NO_RECORDS, type ODataCondition } from './odata-condition';
import {
  ODATA_LOOKUPS,
  ODATA_UNSUPPORTED_LOOKUPS,
  type ODataLiteralResult,
  type ODataLookup,
  type ODataLookupContext,
} from './odata-lookups';
import { requireMigrator, resolveCodec } from './resolve-codec';

/** A compiled `$filter`. */
export interface CompiledODataFilter {
  /** The filter to send; absent when every record matches (or when `matchesNothing`). */
  readonly filter?: ODataFilter;
  /**
   * True when the filter selects exactly the CDMS records the where tree means. False when it is an
   * over-approximation (a condition on a local-only field, a case-sensitive text match …): the caller
   * must then answer from the local store and must not page (`$top`/`$skip`) by it.
   */
  readonly exact: boolean;
  /** No CDMS record can match (an empty `in`, an unsynced related object): send no request. */
  readonly matchesNothing: boolean;
}

/**
 * Compiles a where tree to a `$filter` tree, visiting each node. Conditions CDMS cannot see (on
 * local-only fields) count as "true" and make the result inexact; lookups CDMS cannot evaluate throw
 * `NotSupportedError`.
 */
export class ODataFilterCompiler extends WhereNodeVisitor<ODataCondition> {
  readonly #schema: ModelSchema;
  readonly #migrator: Migrator;
  readonly #lookups: Readonly<Partial<Record<string, ODataLookup>>>;

  constructor(schema: ModelSchema, lookups: Readonly<Partial<Record<string, ODataLookup>>> = ODATA_LOOKUPS) {
    super();
    this.#schema = schema;
    this.#migrator = requireMigrator(schema);
    this.#lookups = lookups;
  }

  /** All children must hold: "none" wins, "all" children drop out. */
  visitAnd(node: AndNode): ODataCondition {
    const filters: ODataFilter[] = [];
    let exact = true;
    for (const child of node.children.map((each) => this.visit(each))) {
      if (child.kind === 'none') return NO_RECORDS;
      exact &&= child.exact;
      if (child.kind === 'filter') filters.push(child.filter);
    }
    return filters.length === 0 ? allRecords(exact) : filterCondition(and(...filters), exact);
  }

  /** One child must hold: "all" wins, "none" children drop out. */
  visitOr(node: OrNode): ODataCondition {
    const filters: ODataFilter[] = [];
    let exact = true;
    for (const child of node.children.map((each) => this.visit(each))) {
      if (child.kind === 'all') return allRecords(child.exact);
      exact &&= child.exact;
      if (child.kind === 'filter') filters.push(child.filter);
    }
    return filters.length === 0 ? NO_RECORDS : filterCondition(or(...filters), exact);
  }

  /** The negation of an over-approximation is not one, so an inexact child becomes "all". */
  visitNot(node: NotNode): ODataCondition {
    const child = this.visit(node.child);
    if (!child.exact) return allRecords(false);
    if (child.kind === 'all') return NO_RECORDS;
    if (child.kind === 'none') return allRecords(true);
    return filterCondition(not(child.filter));
  }

  visitLookup(node: LookupNode): ODataCondition {
    const schema = this.#schema;
    const field = schema.fields.get(node.field);
    if (field === undefined) {
      throw new FieldError(
        `Cannot resolve field '${node.field}' on ${schema.modelName}. Known fields: ${[...schema.fields.keys()].join(', ')}.`,
      );
    }
    const codec = resolveCodec(field, this.#migrator);
    if (codec === undefined) return allRecords(false);
    const where = `'${node.field}__${node.lookup}' on ${schema.modelName} (CDMS attribute ${codec.attribute})`;
    if (ODATA_UNSUPPORTED_LOOKUPS.has(node.lookup)) {
      throw new NotSupportedError(
        `The lookup '${node.lookup}' in ${where} cannot be expressed in a CDMS $filter` +
          `${node.lookup === 'month' || node.lookup === 'day' ? ' (CDMS has no date functions; use a __range or __gte/__lt)' : ''}; ` +
          'it works on the local store only: use skipCdms().',
      );
    }
    if (codec.compileLookup) {
      const compiled = codec.compileLookup(node.lookup, node.value);
      if (compiled === undefined) {
        throw new NotSupportedError(
          `The lookup '${node.lookup}' in ${where} cannot be expressed over CDMS attributes ${codec.attributes?.join(', ')}; ` +
            'it works on the local store only: use skipCdms().',
        );
      }
      return filterCondition(compiled.filter, compiled.exact);
    }
    const lookup = this.#lookups[node.lookup];
    if (lookup === undefined || (codec.lookups !== undefined && !codec.lookups.includes(node.lookup))) {
      throw new NotSupportedError(
        `The lookup '${node.lookup}' in ${where} is not supported by CDMS for a ${codec.kind} attribute; ` +
          'it works on the local store only: use skipCdms().',
      );
    }
    return lookup.compile(lookupContext(codec, node.value));
  }

  /** CDMS 2011 cannot filter by a related record's attributes: fail before any request. */
  visitRelated(node: RelatedNode): ODataCondition {
    throw new NotSupportedError(
      `Cannot filter ${this.#schema.modelName} across the relation '${node.relation}' (to ${node.table}) in CDMS: ` +
        'filtering across relations is not supported by the CDMS $filter; it works on the local store only: ' +
        `use skipCdms(), or filter by the related object ({ ${node.relation}: relatedObject }).`,
    );
  }
}

/**
 * Compiles one where tree to a `$filter` (see `compileODataQuery` for the whole query).
 *
 * @example
 * compileODataFilter(buildWhere({ organisation: acme, name__in: [] }, schema), schema);
 * // { matchesNothing: true, exact: true }
 */
export function compileODataFilter(where: WhereNode | undefined, schema: ModelSchema): CompiledODataFilter {
  const compiler = new ODataFilterCompiler(schema);
  const condition = where === undefined ? allRecords(true) : compiler.visit(where);
  switch (condition.kind) {
    case 'filter':
      return Object.freeze({ filter: condition.filter, exact: condition.exact, matchesNothing: false });
    case 'all':
      return Object.freeze({ exact: condition.exact, matchesNothing: false });
    case 'none':
      return Object.freeze({ exact: true, matchesNothing: true });
  }
}

function lookupContext(codec: FieldCodec, nodeValue: unknown): ODataLookupContext {
  return {
    property: property(codec.filterPath),
    codec,
    value: nodeValue,
    caseInsensitiveText: codec.kind === 'string',
    literalOf: (item, rounding) => literalOf(codec, item, rounding),
  };
}

function literalOf(codec: FieldCodec, item: unknown, rounding?: 'floor' | 'ceil'): ODataLiteralResult {
  if (codec.kind === 'foreignKey') {
    // A related object compares by its GUID; a bare local id cannot be translated here.
    if (!isRelatedKey(item)) return { kind: 'unknown' };
    if (item.cdmsPk === null) return { kind: 'none' };
    return { kind: 'literal', literal: literal.guid(item.cdmsPk), lossy: false };
  }
  if (item instanceof Date) {
    const milliseconds = ((item.getTime() % 1000) + 1000) % 1000;
    if (milliseconds !== 0) {
      const floor = item.getTime() - milliseconds;
      const rounded = new Date(rounding === 'ceil' ? floor + 1000 : floor);
      return { kind: 'literal', literal: codec.toLiteral(rounded), lossy: rounding === undefined };
    }
  }
  return { kind: 'literal', literal: codec.toLiteral(item), lossy: false };
}
