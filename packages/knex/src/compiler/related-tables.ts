import type { WhereNode } from '@cdms-sync/core';

/**
 * The tables a where tree filters across (its `related` nodes, nested ones included), each once:
 * the store loads their columns before compiling the tree.
 *
 * @example
 * relatedTables(buildWhere({ organisation__parent__name: 'Acme' }, contactSchema, options)); // ['organisation']
 * @internal
 */
export function relatedTables(where: WhereNode | undefined): string[] {
  const tables = new Set<string>();
  const visit = (node: WhereNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const child of node.children) visit(child);
        return;
      case 'not':
        visit(node.child);
        return;
      case 'related':
        tables.add(node.table);
        visit(node.where);
        return;
      default:
        return;
    }
  };
  if (where !== undefined) visit(where);
  return [...tables];
}
