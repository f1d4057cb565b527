import type { ModelMeta } from '../model/model-meta';
import { compileODataQuery, type ODataQueryInput } from '../odata/compile-odata-query';
import { relatedKey } from '../query/related-key';
import type { WhereNode } from '../query/where-node';
import { syncMatching } from './list-sync';
import { fitListQueryToUrl, type PreparedQuery } from './prepare-query';
import { relatedMeta } from './read-policy';
import type { SyncServices } from './sync-services';

/** Stands for the related records while the rest of the query is validated (never sent). */
const PLACEHOLDER_GUID = '00000000-0000-0000-0000-000000000000';

/** True when a where tree filters across a relation (`organisation__name`). @internal */
export function hasRelated(node: WhereNode): boolean {
  switch (node.kind) {
    case 'related':
      return true;
    case 'not':
      return hasRelated(node.child);
    case 'and':
    case 'or':
      return node.children.some(hasRelated);
    case 'lookup':
      return false;
  }
}

/**
 * A filter across a relation under the `'always'` read policy, in two steps, since CDMS's
 * `$filter` cannot follow a lookup: first the related records matching the relation's condition
 * are listed (and imported) in CDMS, then the condition becomes a `{Lookup}/Id eq guid'…' or …`
 * chain on the foreign key, which `fitListQuery` splits to the URL limit. Returns `where` with each
 * relation condition replaced so; the local store still answers with its subquery (the related
 * rows it joins were just refreshed). The rest of the query is compiled (validated) first, so a
 * query CDMS cannot run fails before any request.
 *
 * @example
 * ```ts
 * await Contact.objects.filter({ organisation__name__icontains: 'acme' });
 * // GET AccountSet?$filter=substringof('acme',Name)&$select=…                 (step 1)
 * // GET ContactSet?$filter=ParentCustomerId/Id eq guid'…' or …&$select=…      (step 2, split to the URL limit)
 * // SELECT … FROM contact WHERE organisation_id IN (SELECT id FROM organisation WHERE name ILIKE '%acme%')
 * ```
 * @internal
 */
export async function relatedInCdms(
  services: SyncServices,
  meta: ModelMeta,
  where: WhereNode,
  rest: Omit<ODataQueryInput, 'where'>,
): Promise<WhereNode> {
  const { schema } = await meta.resolve();
  compileODataQuery(
    { ...rest, where: await replaceRelated(meta, where, async () => [PLACEHOLDER_GUID]) },
    schema,
  );
  return replaceRelated(meta, where, (related, condition) => guidsMatching(services, related, condition));
}

/** `where` with every relation condition of `owner` replaced by `{relation}__in` the GUIDs `keysOf` finds. */
async function replaceRelated(
  owner: ModelMeta,
  node: WhereNode,
  keysOf: (related: ModelMeta, condition: WhereNode) => Promise<readonly string[]>,
): Promise<WhereNode> {
  switch (node.kind) {
    case 'lookup':
      return node;
    case 'not':
      return { kind: 'not', child: await replaceRelated(owner, node.child, keysOf) };
    case 'and':
    case 'or': {
      const children: WhereNode[] = [];
      for (const child of node.children) children.push(await replaceRelated(owner, child, keysOf));
      return { kind: node.kind, children };
    }
    case 'related': {
      const related = await relatedMeta(owner, node.relation);
      // A relation that is not a mapped foreign key stays: the OData compiler refuses it.
      if (!related?.synced) return node;
      const guids = await keysOf(related, node.where);
      return {
        kind: 'lookup',
        field: node.relation,
        lookup: 'in',
        value: guids.map((guid) => relatedKey(null, guid)),
      };
    }
  }
}

/** List (and import) the CDMS records of `related` matching `condition`; their GUIDs. */
async function guidsMatching(
  services: SyncServices,
  related: ModelMeta,
  condition: WhereNode,
): Promise<string[]> {
  const resolved = await related.resolve();
  const where = hasRelated(condition) ? await relatedInCdms(services, related, condition, {}) : condition;
  const compiled = compileODataQuery({ where }, resolved.schema);
  if (compiled.matchesNothing) return [];
  const fitted = fitListQueryToUrl(services, related, {
    ...compiled.query,
    select: resolved.selectAttributes,
  });
  const prepared: PreparedQuery = {
    resolved,
    where: condition,
    storeWhere: condition,
    orderBy: [],
    storeOrderBy: [
      { field: 'modified', direction: 'asc' },
      { field: 'id', direction: 'asc' },
    ],
    cdms: { queries: fitted.queries, exact: compiled.exact && fitted.exact },
    matchesNothing: false,
  };
  return syncMatching(services, related, prepared);
}
