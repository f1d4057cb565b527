import type { ResolvedModel } from '../model/model-meta';
import type { OrderByTerm, WhereNode } from '../query/where-node';

/** A related object's keys, as a filter value: the local `id` and the CDMS GUID. */
interface RelatedKeyLike {
  readonly id: unknown;
  readonly cdmsPk: unknown;
}

function isRelatedKeyLike(value: unknown): value is RelatedKeyLike {
  return typeof value === 'object' && value !== null && 'id' in value && 'cdmsPk' in value;
}

function localId(value: unknown): unknown {
  return isRelatedKeyLike(value) ? value.id : value;
}

/**
 * The where tree the local store runs: a foreign key leaf (`organisation = <RelatedKey>`) becomes
 * a comparison of the local id column (`organisationId = 7`). Everything else is unchanged.
 * @internal
 */
export function toStoreWhere(where: WhereNode, model: ResolvedModel): WhereNode {
  switch (where.kind) {
    case 'and':
    case 'or':
      return { kind: where.kind, children: where.children.map((child) => toStoreWhere(child, model)) };
    case 'not':
      return { kind: 'not', child: toStoreWhere(where.child, model) };
    case 'related':
      // Built in store form already (`organisationId IN (…)`, see `buildWhere`).
      return where;
    case 'lookup': {
      const foreignKey = model.foreignKeys.get(where.field);
      if (!foreignKey) return where;
      const value = Array.isArray(where.value) ? where.value.map(localId) : localId(where.value);
      return { kind: 'lookup', field: foreignKey.localField, lookup: where.lookup, value };
    }
  }
}

/** Order terms for the local store: a foreign key orders by its local id column. @internal */
export function toStoreOrderBy(orderBy: readonly OrderByTerm[], model: ResolvedModel): OrderByTerm[] {
  return orderBy.map((term) => {
    const foreignKey = model.foreignKeys.get(term.field);
    return foreignKey ? { field: foreignKey.localField, direction: term.direction } : term;
  });
}

/** `field = value` as a where tree. @internal */
export function whereEquals(field: string, value: unknown): WhereNode {
  return { kind: 'lookup', field, lookup: 'exact', value };
}

/** `field IN values` as a where tree. @internal */
export function whereIn(field: string, values: readonly unknown[]): WhereNode {
  return { kind: 'lookup', field, lookup: 'in', value: [...values] };
}

/** The GUID of a where tree that is exactly `cdmsPk = '<guid>'` (possibly inside one-child `and`s). @internal */
export function cdmsPkEquality(where: WhereNode): string | undefined {
  if (where.kind === 'and' && where.children.length === 1) {
    const [only] = where.children;
    return only ? cdmsPkEquality(only) : undefined;
  }
  if (
    where.kind === 'lookup' &&
    where.field === 'cdmsPk' &&
    where.lookup === 'exact' &&
    typeof where.value === 'string'
  ) {
    return where.value;
  }
  return undefined;
}
