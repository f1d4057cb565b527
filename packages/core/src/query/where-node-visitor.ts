import type { AndNode, LookupNode, NotNode, OrNode, RelatedNode, WhereNode } from './where-node';

/**
 * Walks a where tree; one subclass per target (the OData compiler here, the SQL compiler in
 * `@cdms-sync/knex`). Subclasses decide whether and how to visit children.
 *
 * @example
 * class CountLookups extends WhereNodeVisitor<number> {
 *   visitAnd(node: AndNode) { return node.children.reduce((sum, child) => sum + this.visit(child), 0); }
 *   …
 * }
 */
export abstract class WhereNodeVisitor<TResult> {
  /** Dispatches on the node kind. */
  visit(node: WhereNode): TResult {
    switch (node.kind) {
      case 'and':
        return this.visitAnd(node);
      case 'or':
        return this.visitOr(node);
      case 'not':
        return this.visitNot(node);
      case 'lookup':
        return this.visitLookup(node);
      case 'related':
        return this.visitRelated(node);
    }
  }

  abstract visitAnd(node: AndNode): TResult;
  abstract visitOr(node: OrNode): TResult;
  abstract visitNot(node: NotNode): TResult;
  abstract visitLookup(node: LookupNode): TResult;
  /** A condition across a foreign key (see `RelatedNode`). */
  abstract visitRelated(node: RelatedNode): TResult;
}
