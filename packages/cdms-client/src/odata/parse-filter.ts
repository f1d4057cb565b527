import {
  and,
  compare,
  isPropertySegment,
  not,
  or,
  property,
  RESERVED_WORDS,
  tolower,
  toupper,
  value,
} from './filter-builder';
import { type Token, tokenize } from './filter-tokenizer';
import type {
  ODataComparisonOperator,
  ODataFilter,
  ODataOperand,
  ODataOrderBy,
  ODataStringFunction,
} from './filter-tree';
import { literal } from './literal';
import { ODataSyntaxError } from './odata-syntax-error';

/**
 * A recursive-descent parser for the `$filter` subset CRM 2011 accepts (the same
 * subset `serializeFilter` writes). The emulator uses it to evaluate requests, so it rejects what
 * CRM rejects (`year(…)`, arithmetic, `$filter` on unknown syntax) with a positioned error.
 *
 * Grammar (loosest first):
 * ```
 * or      := and ('or' and)*
 * and     := compare ('and' compare)*
 * compare := unary (('eq'|'ne'|'gt'|'ge'|'lt'|'le') unary)*
 * unary   := 'not' unary | primary
 * primary := '(' or ')' | literal | path | fn '(' or ',' or ')' | ('tolower'|'toupper') '(' or ')'
 * ```
 */

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const STRING_FUNCTIONS: ReadonlySet<string> = new Set(['substringof', 'startswith', 'endswith']);
/** Nesting depth (parentheses, `not`, calls) beyond which the text is rejected, not a stack overflow. */
const MAX_DEPTH = 256;

/** What a sub-expression turned out to be: a condition, or a value to compare. */
type Expression =
  | { readonly filter: ODataFilter; readonly position: number }
  | { readonly operand: ODataOperand; readonly position: number };

const describeToken = (token: Token): string =>
  token.type === 'end'
    ? 'end of input'
    : token.type === 'identifier'
      ? `'${token.text}'`
      : token.type === 'literal'
        ? 'a literal'
        : `'${token.type}'`;

class FilterParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): ODataFilter {
    const expression = this.parseOr();
    this.expect('end');
    return this.asFilter(expression);
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index += 1;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.type === 'identifier' && token.text === word;
  }

  private error(message: string, position: number): ODataSyntaxError {
    return new ODataSyntaxError(message, { position, text: this.text });
  }

  private expect(type: Token['type']): Token {
    const token = this.peek();
    if (token.type !== type) {
      const wanted = type === 'end' ? 'end of input' : `'${type}'`;
      throw this.error(`expected ${wanted} but found ${describeToken(token)}`, token.position);
    }
    return this.advance();
  }

  private asFilter(expression: Expression): ODataFilter {
    if ('filter' in expression) return expression.filter;
    throw this.error(
      'expected a condition (a comparison or a string function), found a value',
      expression.position,
    );
  }

  private asOperand(expression: Expression): ODataOperand {
    if ('operand' in expression) return expression.operand;
    throw this.error('expected a value, found a condition', expression.position);
  }

  private nested<T>(position: number, parse: () => T): T {
    if (this.depth >= MAX_DEPTH) throw this.error(`nesting deeper than ${MAX_DEPTH} levels`, position);
    this.depth += 1;
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private parseOr(): Expression {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.advance();
      const right = this.parseAnd();
      left = { filter: or(this.asFilter(left), this.asFilter(right)), position: left.position };
    }
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parseCompare();
    while (this.isWord('and')) {
      this.advance();
      const right = this.parseCompare();
      left = { filter: and(this.asFilter(left), this.asFilter(right)), position: left.position };
    }
    return left;
  }

  private parseCompare(): Expression {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.type !== 'identifier' || !COMPARISON_OPERATORS.has(token.text)) return left;
      this.advance();
      const right = this.parseUnary();
      left = {
        filter: this.combine(token.text as ODataComparisonOperator, left, right),
        position: left.position,
      };
    }
  }

  /**
   * `a op b` over two values is a comparison. A condition compared with `true`/`false`
   * (`substringof('x',Name) eq true`, as LINQ providers write it) has no node of its own: it
   * becomes the condition itself, or its `not` for `eq false` / `ne true`.
   */
  private combine(operator: ODataComparisonOperator, left: Expression, right: Expression): ODataFilter {
    if ('operand' in left && 'operand' in right) return compare(operator, left.operand, right.operand);
    const [condition, other] = 'filter' in left ? [left.filter, right] : [this.asFilter(right), left];
    const flag = 'operand' in other && other.operand.kind === 'literal' ? other.operand.literal : undefined;
    if ((operator !== 'eq' && operator !== 'ne') || flag?.kind !== 'boolean') {
      throw this.error(`a condition can only be compared with 'eq'/'ne' true or false`, other.position);
    }
    return flag.value === (operator === 'eq') ? condition : not(condition);
  }

  private parseUnary(): Expression {
    const token = this.peek();
    if (!this.isWord('not')) return this.parsePrimary();
    this.advance();
    return this.nested(token.position, () => ({
      filter: not(this.asFilter(this.parseUnary())),
      position: token.position,
    }));
  }

  private parsePrimary(): Expression {
    const token = this.advance();
    switch (token.type) {
      case '(':
        return this.nested(token.position, () => {
          const inner = this.parseOr();
          this.expect(')');
          return { ...inner, position: token.position };
        });
      case 'literal':
        return { operand: value(token.literal), position: token.position };
      case 'identifier':
        return this.parseWord(token.text, token.position);
      default:
        throw this.error(`unexpected ${describeToken(token)}`, token.position);
    }
  }

  private parseWord(word: string, position: number): Expression {
    if (word === 'true' || word === 'false')
      return { operand: value(literal.boolean(word === 'true')), position };
    if (word === 'null') return { operand: value(literal.null()), position };
    if (RESERVED_WORDS.has(word)) throw this.error(`unexpected '${word}'`, position);
    if (this.peek().type === '(') return this.nested(position, () => this.parseCall(word, position));
    const segments = [word];
    while (this.peek().type === '/') {
      this.advance();
      const segment = this.peek();
      if (segment.type !== 'identifier' || !isPropertySegment(segment.text)) {
        throw this.error(
          `expected a property name after '/' but found ${describeToken(segment)}`,
          segment.position,
        );
      }
      segments.push(segment.text);
      this.advance();
    }
    return { operand: property(segments), position };
  }

  private parseCall(name: string, position: number): Expression {
    this.expect('(');
    if (name === 'tolower' || name === 'toupper') {
      const argument = this.asOperand(this.parseOr());
      this.expect(')');
      return { operand: name === 'tolower' ? tolower(argument) : toupper(argument), position };
    }
    if (!STRING_FUNCTIONS.has(name)) throw this.error(`unsupported function '${name}'`, position);
    const first = this.asOperand(this.parseOr());
    this.expect(',');
    const second = this.asOperand(this.parseOr());
    this.expect(')');
    const filter: ODataFilter = Object.freeze({
      kind: 'function',
      name: name as ODataStringFunction,
      arguments: Object.freeze([first, second] as const),
    });
    return { filter, position };
  }
}

/**
 * Parses `$filter` text into a tree (the inverse of `serializeFilter`).
 *
 * `substringof(…)`/`startswith(…)`/`endswith(…)` may stand alone or be compared with a boolean:
 * `substringof('x',Name) eq true` parses as the function node itself and `… eq false` as
 * `not(…)`, since the tree has no function operand.
 *
 * @throws ODataSyntaxError with the `position` of the offending token.
 * @example
 * ```ts
 * parseFilter("ParentCustomerId/Id eq guid'7a4814f9-b0b8-ea11-a812-000d3a122b89' and not startswith(Name,'A')");
 * ```
 */
export function parseFilter(text: string): ODataFilter {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ODataSyntaxError('empty $filter', { position: 0, text: String(text) });
  }
  return new FilterParser(text, tokenize(text)).parse();
}

const ORDER_TERM = /^\s*([^\s,]+)(?:\s+(asc|desc))?\s*$/;

/**
 * Parses `$orderby` text: `Name asc,CreatedOn desc` (direction defaults to `asc`).
 *
 * @throws ODataSyntaxError for an empty key, an unknown direction or an invalid attribute path.
 */
export function parseOrderBy(text: string): ODataOrderBy[] {
  const terms: ODataOrderBy[] = [];
  let position = 0;
  for (const part of text.split(',')) {
    const match = ORDER_TERM.exec(part);
    const attribute = match?.[1] ?? '';
    if (!match || !attribute.split('/').every(isPropertySegment)) {
      throw new ODataSyntaxError(`invalid $orderby key ${JSON.stringify(part.trim())}`, { position, text });
    }
    terms.push({ attribute, direction: match[2] === 'desc' ? 'desc' : 'asc' });
    position += part.length + 1;
  }
  return terms;
}
