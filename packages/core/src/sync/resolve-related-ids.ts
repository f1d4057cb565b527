import { ValidationError } from '../errors/errors';
import { bindingOf } from '../model/model-binding';
import type { ResolvedModel } from '../model/model-meta';
import { describeValue } from '../query/describe-value';
import { isRelatedKey, relatedKey } from '../query/related-key';
import type { LookupNode, WhereNode } from '../query/where-node';
import { whereIn } from './store-where';
import type { SyncServices } from './sync-services';

/**
 * Replace each bare local id given for a mapped foreign key (`filter({ organisation: acme.id })`,
 * `organisation__in: [1, 2]`) by the related row's keys, so that the OData compiler can send its
 * GUID (`ParentCustomerId/Id eq guid'…'`) rather than leave the condition out of `$filter`: one
 * local query per related model. An id without a local row (or whose row has no `cdmsPk`) matches
 * no CDMS record, so an `exact` on it sends no request at all.
 *
 * @example
 * ```ts
 * await resolveRelatedIds(services, resolved, { kind: 'lookup', field: 'organisation', lookup: 'exact', value: 7 });
 * // SELECT id, cdms_pk FROM organisation WHERE id IN (7)
 * // -> { …, value: RelatedKey { id: 7, cdmsPk: '…' } }
 * ```
 * @internal
 */
export function resolveRelatedIds(
  services: SyncServices,
  resolved: ResolvedModel,
  where: WhereNode,
): WhereNode | Promise<WhereNode> {
  // A model without foreign keys has nothing to resolve: answered without a promise.
  if (resolved.foreignKeys.size === 0) return where;
  return resolveForeignKeyIds(services, resolved, where);
}

async function resolveForeignKeyIds(
  services: SyncServices,
  resolved: ResolvedModel,
  where: WhereNode,
): Promise<WhereNode> {
  const wanted = new Map<string, Set<unknown>>();
  visitLookups(where, (node) => {
    if (!resolved.foreignKeys.has(node.field) || (node.lookup !== 'exact' && node.lookup !== 'in')) return;
    const values = node.lookup === 'in' ? (node.value as readonly unknown[]) : [node.value];
    for (const value of values) {
      if (value === null || isRelatedKey(value)) continue;
      const ids = wanted.get(node.field) ?? new Set<unknown>();
      wanted.set(node.field, ids);
      ids.add(value);
    }
  });
  if (wanted.size === 0) return where;
  const keys = new Map<string, Map<string, string | null>>();
  for (const [field, ids] of wanted) {
    const related = bindingOf(resolved.foreignKeys.get(field)?.related() as never).meta;
    const idColumn = (await related.resolve()).columns.find((column) => column.field === 'id');
    for (const id of ids) {
      if (idColumn?.type === 'integer' && !/^-?\d+$/.test(String(id))) {
        throw new ValidationError(`${field}: ${describeValue(id)} is not an id of ${related.Model.name}`, {
          field,
        });
      }
    }
    const rows = await services.store.find(related.table, {
      where: whereIn('id', [...ids]),
      fields: ['id', 'cdmsPk'],
    });
    keys.set(field, new Map(rows.map((row) => [String(row.id), (row.cdmsPk as string | null) ?? null])));
  }
  const keyOf = (field: string, value: unknown) =>
    value === null || isRelatedKey(value)
      ? value
      : relatedKey(value, keys.get(field)?.get(String(value)) ?? null);
  return mapLookups(where, (node) => {
    if (!keys.has(node.field) || (node.lookup !== 'exact' && node.lookup !== 'in')) return node;
    const value =
      node.lookup === 'in'
        ? Object.freeze((node.value as readonly unknown[]).map((item) => keyOf(node.field, item)))
        : keyOf(node.field, node.value);
    return Object.freeze({ ...node, value });
  });
}

function visitLookups(where: WhereNode, visit: (node: LookupNode) => void): void {
  switch (where.kind) {
    case 'lookup':
      visit(where);
      return;
    case 'and':
    case 'or':
      for (const child of where.children) visitLookups(child, visit);
      return;
    case 'not':
      visitLookups(where.child, visit);
      return;
    default:
      return;
  }
}

function mapLookups(where: WhereNode, map: (node: LookupNode) => LookupNode): WhereNode {
  switch (where.kind) {
    case 'lookup':
      return map(where);
    case 'and':
    case 'or':
      return Object.freeze({
        kind: where.kind,
        children: Object.freeze(where.children.map((child) => mapLookups(child, map))),
      });
    case 'not':
      return Object.freeze({ kind: 'not', child: mapLookups(where.child, map) });
    default:
      return where;
  }
}
