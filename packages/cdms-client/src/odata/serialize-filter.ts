import { property } from './filter-builder';
import type { ODataFilter, ODataOperand, ODataOrderBy } from './filter-tree';
import { formatLiteral } from './literal';
import { ODataSyntaxError } from './odata-syntax-error';

/**
 * Binding strength of each node kind, loosest first. A child that binds looser than its parent is
 * parenthesised; so is the RIGHT child of an `and`/`or` of the same kind, because the parser folds
 * `a and b and c` to the left: `a and (b and c)` must keep its parentheses to round-trip.
 */
const PRECEDENCE: Record<ODataFilter['kind'], number> = { or: 1, and: 2, compare: 3, function: 4, not: 4 };

function serializeOperand(operand: ODataOperand): string {
  switch (operand.kind) {
    case 'property':
      return operand.path.join('/');
    case 'literal':
      return formatLiteral(operand.literal);
    case 'call':
      return `${operand.name}(${serializeOperand(operand.argument)})`;
  }
}

function serializeChild(child: ODataFilter, parentPrecedence: number, parenthesiseEqual: boolean): string {
  const text = serializeFilter(child);
  const childPrecedence = PRECEDENCE[child.kind];
  const needsParentheses =
    childPrecedence < parentPrecedence || (parenthesiseEqual && childPrecedence === parentPrecedence);
  return needsParentheses ? `(${text})` : text;
}

/**
 * The `$filter` text of a tree, with the fewest parentheses that keep its meaning and shape
 * (`not` binds tightest, then comparisons, then `and`, then `or`). Every literal is escaped by
 * `formatLiteral`; `parseFilter(serializeFilter(tree))` deep-equals `tree`.
 *
 * @example
 * ```ts
 * serializeFilter(and(or(a, b), not(eq(property('Name'), literal.string("O'Neil")))));
 * // (A eq 1 or B eq 2) and not (Name eq 'O''Neil')
 * serializeFilter(substringof(literal.string('acme'), property('Name')));
 * // substringof('acme',Name)
 * ```
 */
export function serializeFilter(tree: ODataFilter): string {
  switch (tree.kind) {
    case 'and':
    case 'or': {
      // Walk the left spine in a loop: a long `or` chain (an `in` lookup) must not exhaust the stack.
      const precedence = PRECEDENCE[tree.kind];
      const rights: ODataFilter[] = [];
      let node: ODataFilter = tree;
      while ((node.kind === 'and' || node.kind === 'or') && node.kind === tree.kind) {
        rights.push(node.right);
        node = node.left;
      }
      const parts = [node, ...rights.reverse()].map((child, index) =>
        serializeChild(child, precedence, index > 0),
      );
      return parts.join(` ${tree.kind} `);
    }
    case 'not':
      return `not ${serializeChild(tree.operand, PRECEDENCE.not, false)}`;
    case 'compare':
      return `${serializeOperand(tree.left)} ${tree.operator} ${serializeOperand(tree.right)}`;
    case 'function':
      return `${tree.name}(${serializeOperand(tree.arguments[0])},${serializeOperand(tree.arguments[1])})`;
  }
}

/**
 * The `$orderby` text of sort keys. Attribute names are validated (they are not escaped text).
 *
 * @example
 * ```ts
 * formatOrderBy([{ attribute: 'Name', direction: 'asc' }, { attribute: 'CreatedOn', direction: 'desc' }]);
 * // Name asc,CreatedOn desc
 * ```
 */
export function formatOrderBy(terms: readonly ODataOrderBy[]): string {
  return terms
    .map((term) => {
      if (term.direction !== 'asc' && term.direction !== 'desc') {
        throw new ODataSyntaxError(
          `invalid $orderby direction ${JSON.stringify(term.direction)} for ${term.attribute}`,
        );
      }
      return `${property(term.attribute).path.join('/')} ${term.direction}`;
    })
    .join(',');
}
