import type { ODataLiteral } from './filter-tree';
import { literal, parseDateTimeText } from './literal';
import { isInvalidLiteralError, ODataSyntaxError } from './odata-syntax-error';

/**
 * The tokenizer of `$filter` text: identifiers, punctuation and fully built literals (strings
 * with `''` unescaped, `guid'…'`, `datetime'…'`, numbers with their `M`/`d`/`L` suffix).
 * @internal used by `parseFilter`.
 */

/** One token; `position` is its offset in the text, for error messages. @internal */
export type Token =
  | { readonly type: 'identifier'; readonly text: string; readonly position: number }
  | { readonly type: 'literal'; readonly literal: ODataLiteral; readonly position: number }
  | { readonly type: '(' | ')' | ',' | '/' | 'end'; readonly position: number };

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?([A-Za-z]?)/y;
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/** Turns a literal builder's `InvalidLiteralError` into a syntax error at the literal's position. */
function buildLiteral(text: string, position: number, build: () => ODataLiteral): ODataLiteral {
  try {
    return build();
  } catch (error) {
    if (isInvalidLiteralError(error))
      throw new ODataSyntaxError(error.message, { position, text, cause: error });
    throw error;
  }
}

function readNumber(text: string, position: number): { literal: ODataLiteral; end: number } {
  NUMBER.lastIndex = position;
  const match = NUMBER.exec(text);
  if (!match) throw new ODataSyntaxError("expected a number after '-'", { position, text });
  const [whole, fraction, exponent, suffix = ''] = [match[0], match[1], match[2], match[3]];
  const digits = whole.slice(0, whole.length - suffix.length);
  const end = position + whole.length;
  if (IDENTIFIER_PART.test(text[end] ?? '')) {
    throw new ODataSyntaxError(`invalid number ${JSON.stringify(text.slice(position, end + 1))}`, {
      position,
      text,
    });
  }
  const fail = (reason: string): never => {
    throw new ODataSyntaxError(`invalid number ${JSON.stringify(whole)}: ${reason}`, { position, text });
  };
  const make = (build: () => ODataLiteral) => ({ literal: buildLiteral(text, position, build), end });
  switch (suffix) {
    case 'M':
    case 'm':
      if (exponent) fail('a decimal has no exponent');
      return make(() => literal.decimal(digits));
    case 'd':
    case 'D':
      return make(() => literal.double(Number(digits)));
    case 'L':
    case 'l':
      if (fraction || exponent) fail('an Int64 is a whole number');
      return make(() => literal.integer(Number(digits)));
    case '':
      // As in WCF Data Services: a fraction or an exponent without a suffix makes a double.
      return make(() =>
        fraction || exponent ? literal.double(Number(digits)) : literal.integer(Number(digits)),
      );
    default:
      return fail(`unsupported suffix '${suffix}'`);
  }
}

/** Reads a quoted literal starting at the opening quote; `''` stands for one quote. */
function readQuoted(text: string, quote: number): { content: string; end: number } {
  let content = '';
  let from = quote + 1;
  for (;;) {
    const next = text.indexOf("'", from);
    if (next === -1) throw new ODataSyntaxError('unterminated string literal', { position: quote, text });
    content += text.slice(from, next);
    if (text[next + 1] !== "'") return { content, end: next + 1 };
    content += "'";
    from = next + 2;
  }
}

/** Splits `$filter` text into tokens, ending with an `end` token. @internal */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const char = text[position]!;
    if (WHITESPACE.has(char)) {
      position += 1;
    } else if (char === '(' || char === ')' || char === ',' || char === '/') {
      tokens.push({ type: char, position });
      position += 1;
    } else if (char === "'") {
      const { content, end } = readQuoted(text, position);
      tokens.push({
        type: 'literal',
        literal: buildLiteral(text, position, () => literal.string(content)),
        position,
      });
      position = end;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const { literal: number, end } = readNumber(text, position);
      tokens.push({ type: 'literal', literal: number, position });
      position = end;
    } else if (IDENTIFIER_START.test(char)) {
      let end = position + 1;
      while (end < text.length && IDENTIFIER_PART.test(text[end]!)) end += 1;
      const word = text.slice(position, end);
      if (text[end] === "'") {
        // A typed literal: guid'…' or datetime'…' (no space allowed between prefix and quote).
        const { content, end: after } = readQuoted(text, end);
        const start = position;
        if (word === 'guid') {
          tokens.push({
            type: 'literal',
            literal: buildLiteral(text, start, () => literal.guid(content)),
            position,
          });
        } else if (word === 'datetime') {
          const build = () => literal.datetime(parseDateTimeText(content));
          tokens.push({ type: 'literal', literal: buildLiteral(text, start, build), position });
        } else {
          throw new ODataSyntaxError(`unsupported literal type ${JSON.stringify(word)}`, { position, text });
        }
        position = after;
      } else {
        tokens.push({ type: 'identifier', text: word, position });
        position = end;
      }
    } else {
      throw new ODataSyntaxError(`unexpected character ${JSON.stringify(char)}`, { position, text });
    }
  }
  tokens.push({ type: 'end', position: text.length });
  return tokens;
}
