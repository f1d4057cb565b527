import type {
  AndNode,
  LookupName,
  LookupNode,
  NotNode,
  OrderByTerm,
  OrNode,
  RelatedNode,
  WhereNode,
} from '@cdms-sync/core';
import { NotSupportedError, ValidationError, WhereNodeVisitor } from '@cdms-sync/core';
import type { StoreDialect } from '../store/dialect';
import type { StoreColumn } from '../store/store-column';
import { type CompileContext, type CompiledSql, joinSql } from './compiled-sql';
import { likeCondition, type PatternPosition } from './like-pattern';

/** Compiles one lookup on one column. `value` is the raw model value from the tree. */
export type LookupCompiler = (column: StoreColumn, value: unknown) => CompiledSql;

/** A lookup -> SQL map; a dialect overrides only the entries where it differs. */
export type LookupSqlMap = { readonly [Name in LookupName]?: LookupCompiler };

/** A date part lookup and the part it extracts. */
export type DatePart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'week_day';

const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'hour', 'minute', 'second', 'week_day'];

const WHERE_NODE_KINDS: ReadonlySet<unknown> = new Set<WhereNode['kind']>([
  'and',
  'or',
  'not',
  'lookup',
  'related',
]);

const MATCHES_NOTHING: CompiledSql = { sql: '1 = 0', bindings: [] };
const MATCHES_EVERYTHING: CompiledSql = { sql: '1 = 1', bindings: [] };

/**
 * Compiles a `WhereNode` tree into one SQL condition, as a visitor
 * (`visitAnd`/`visitOr`/`visitNot`/`visitLookup`); one subclass per dialect supplies the lookups
 * whose SQL differs.
 *
 * NULL semantics follow Django's `exclude()`: under a `not`, a lookup on a nullable column becomes
 * `(lookup AND col IS NOT NULL)`, so `NOT (name = 'x')` also keeps the rows where `name` is NULL
 * (plain SQL would drop them, because `NULL = 'x'` is unknown). `isnull` and `exact: null` are never
 * unknown and are left alone.
 *
 * A condition across a relation (`related` node) is a subquery, so it never duplicates rows:
 * `"organisation_id" IN (SELECT "id" FROM "organisation" WHERE …)`. Under a `not` it follows the
 * same rule: a row whose foreign key is NULL is kept by `exclude({ organisation__name: 'x' })`.
 *
 * @example
 * // { kind: 'not', child: { kind: 'lookup', field: 'name', lookup: 'icontains', value: '50%' } } on PostgreSQL:
 * // NOT ((CAST("name" AS text) ILIKE '%50!%%' ESCAPE '!' AND "name" IS NOT NULL))
 */
export abstract class WhereCompiler extends WhereNodeVisitor<CompiledSql> {
  abstract readonly dialect: StoreDialect;
  /** How many `not` nodes enclose the node being compiled. */
  #negationDepth = 0;
  #lookups: LookupSqlMap | undefined;
  /** The table being compiled against: the query's, or a related one inside a subquery. */
  #context: CompileContext;

  constructor(context: CompileContext) {
    super();
    this.#context = context;
  }

  /** Columns and value encoding of the table being compiled against. */
  protected get context(): CompileContext {
    return this.#context;
  }

  /** Lookups this dialect cannot evaluate; compiling one throws `NotSupportedError`. */
  get unsupportedLookups(): readonly LookupName[] {
    return [];
  }

  /** Compiles a tree into one condition. */
  compile(node: WhereNode): CompiledSql {
    this.#negationDepth = 0;
    return this.visit(node);
  }

  /** Compiles an ordering: NULLs sort as larger than every value (last ascending, first descending) on every dialect. */
  compileOrderBy(terms: readonly OrderByTerm[]): CompiledSql {
    return joinSql(
      terms.map((term) => {
        const column = this.context.columnFor(term.field);
        if (term.direction !== 'asc' && term.direction !== 'desc') {
          throw new ValidationError(
            `Ordering by "${term.field}" needs direction 'asc' or 'desc', got ${String(term.direction)}.`,
          );
        }
        return this.orderByTerm(column, term.direction);
      }),
      ', ',
    );
  }

  protected orderByTerm(column: StoreColumn, direction: 'asc' | 'desc'): CompiledSql {
    return {
      sql: `?? ${direction} nulls ${direction === 'asc' ? 'last' : 'first'}`,
      bindings: [column.column],
    };
  }

  /** Dispatches on the node kind (see `WhereNodeVisitor`). */
  override visit(node: WhereNode): CompiledSql {
    // A tree from untyped code may hold any kind: say so instead of compiling `undefined`.
    const kind: unknown = node.kind;
    if (!WHERE_NODE_KINDS.has(kind))
      throw new ValidationError(`Unknown where node kind ${JSON.stringify(kind)}.`);
    return super.visit(node);
  }

  override visitAnd(node: AndNode): CompiledSql {
    if (node.children.length === 0) return MATCHES_EVERYTHING;
    return this.group(
      node.children.map((child) => this.visit(child)),
      ' AND ',
    );
  }

  override visitOr(node: OrNode): CompiledSql {
    if (node.children.length === 0) return MATCHES_NOTHING;
    return this.group(
      node.children.map((child) => this.visit(child)),
      ' OR ',
    );
  }

  override visitNot(node: NotNode): CompiledSql {
    this.#negationDepth += 1;
    try {
      const child = this.visit(node.child);
      return { sql: `NOT (${child.sql})`, bindings: child.bindings };
    } finally {
      this.#negationDepth -= 1;
    }
  }

  override visitLookup(node: LookupNode): CompiledSql {
    const column = this.context.columnFor(node.field);
    const compileLookup = this.lookups()[node.lookup];
    if (compileLookup === undefined || this.unsupportedLookups.includes(node.lookup)) {
      throw new NotSupportedError(
        `The lookup "${node.lookup}" (on field "${node.field}") is not supported by the ${this.dialect} store.`,
      );
    }
    const compiled = compileLookup(column, node.value);
    if (this.#negationDepth > 0 && column.nullable && !isNullSafe(node)) {
      return { sql: `(${compiled.sql} AND ?? IS NOT NULL)`, bindings: [...compiled.bindings, column.column] };
    }
    return compiled;
  }

  /**
   * `fk IN (SELECT id FROM related WHERE …)`: the related condition compiles against the related
   * table, outside any enclosing `not` (the negation applies to the whole `IN`).
   */
  override visitRelated(node: RelatedNode): CompiledSql {
    const local = this.context.columnFor(node.field);
    const relatedContext = this.context.relatedContext?.(node.table);
    if (relatedContext === undefined) {
      throw new NotSupportedError(
        `Filtering across the relation "${node.relation}" (table "${node.table}") is not supported here.`,
      );
    }
    const key = relatedContext.columnFor('id');
    const outer = { context: this.#context, negationDepth: this.#negationDepth };
    let condition: CompiledSql;
    this.#context = relatedContext;
    this.#negationDepth = 0;
    try {
      condition = this.visit(node.where);
    } finally {
      this.#context = outer.context;
      this.#negationDepth = outer.negationDepth;
    }
    const compiled = this.relatedSubquery(local, node.table, key, condition);
    if (this.#negationDepth > 0 && local.nullable) {
      return { sql: `(${compiled.sql} AND ?? IS NOT NULL)`, bindings: [...compiled.bindings, local.column] };
    }
    return compiled;
  }

  /** `fk IN (SELECT key FROM table WHERE condition)`; a dialect may wrap it. */
  protected relatedSubquery(
    local: StoreColumn,
    table: string,
    key: StoreColumn,
    condition: CompiledSql,
  ): CompiledSql {
    return {
      sql: `?? IN (SELECT ?? FROM ?? WHERE ${condition.sql})`,
      bindings: [local.column, key.column, table, ...condition.bindings],
    };
  }

  private lookups(): LookupSqlMap {
    this.#lookups ??= this.lookupSql();
    return this.#lookups;
  }

  private group(parts: readonly CompiledSql[], separator: string): CompiledSql {
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    const joined = joinSql(parts, separator);
    return { sql: `(${joined.sql})`, bindings: joined.bindings };
  }

  /** The lookup -> SQL map. Subclasses spread `super.lookupSql()` and override what differs. */
  protected lookupSql(): LookupSqlMap {
    const comparison =
      (operator: string): LookupCompiler =>
      (column, value) => {
        if (value === null || value === undefined) {
          throw new ValidationError(
            `The lookup "${operator}" on field "${column.field}" cannot compare with null; use isnull.`,
          );
        }
        return { sql: `?? ${operator} ?`, bindings: [column.column, this.context.encode(column, value)] };
      };
    const textMatch =
      (position: PatternPosition, caseSensitive: boolean): LookupCompiler =>
      (column, value) =>
        caseSensitive
          ? this.likeCaseSensitive(column, textValue(column, value), position)
          : this.likeCaseInsensitive(column, textValue(column, value), position);
    const datePart =
      (part: DatePart): LookupCompiler =>
      (column, value) => {
        if (column.type !== 'datetime' && column.type !== 'date' && column.type !== 'unknown') {
          throw new ValidationError(
            `The lookup "${part}" needs a date or date-time field; "${column.field}" is ${column.type}.`,
          );
        }
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          throw new ValidationError(
            `The lookup "${part}" on field "${column.field}" expects a whole number, got ${String(value)}.`,
          );
        }
        const extracted = this.datePart(column, part);
        return { sql: `${extracted.sql} = ?`, bindings: [...extracted.bindings, value] };
      };

    const map: { -readonly [Name in LookupName]?: LookupCompiler } = {
      exact: (column, value) => (value === null ? isNull(column) : this.exact(column, value)),
      iexact: (column, value) =>
        value === null ? isNull(column) : this.iexact(column, textValue(column, value)),
      contains: textMatch('contains', true),
      startswith: textMatch('startswith', true),
      endswith: textMatch('endswith', true),
      icontains: textMatch('contains', false),
      istartswith: textMatch('startswith', false),
      iendswith: textMatch('endswith', false),
      gt: comparison('>'),
      gte: comparison('>='),
      lt: comparison('<'),
      lte: comparison('<='),
      in: (column, value) => {
        if (!Array.isArray(value))
          throw new ValidationError(
            `The lookup "in" on field "${column.field}" expects an array, got ${typeof value}.`,
          );
        // Like Django, NULL never matches `IN`; an empty list matches nothing.
        const values = value.filter((item) => item !== null && item !== undefined);
        return values.length === 0 ? MATCHES_NOTHING : this.in(column, values);
      },
      range: (column, value) => {
        if (
          !Array.isArray(value) ||
          value.length !== 2 ||
          value.some((bound) => bound === null || bound === undefined)
        ) {
          throw new ValidationError(
            `The lookup "range" on field "${column.field}" expects a [low, high] pair.`,
          );
        }
        return {
          sql: '?? BETWEEN ? AND ?',
          bindings: [
            column.column,
            this.context.encode(column, value[0]),
            this.context.encode(column, value[1]),
          ],
        };
      },
      isnull: (column, value) => {
        if (typeof value !== 'boolean')
          throw new ValidationError(`The lookup "isnull" on field "${column.field}" expects true or false.`);
        return value ? isNull(column) : { sql: '?? IS NOT NULL', bindings: [column.column] };
      },
      regex: (column, value) => this.regex(column, regexValue(column, value), true),
      iregex: (column, value) => this.regex(column, regexValue(column, value), false),
    };
    for (const part of DATE_PARTS) map[part] = datePart(part);
    return map;
  }

  /** `col = ?`; MySQL makes it case-sensitive. */
  protected exact(column: StoreColumn, value: unknown): CompiledSql {
    return { sql: '?? = ?', bindings: [column.column, this.context.encode(column, value)] };
  }

  /** `col IN (?, ?)` for a non-empty list. */
  protected in(column: StoreColumn, values: readonly unknown[]): CompiledSql {
    return {
      sql: `?? IN (${values.map(() => '?').join(', ')})`,
      bindings: [column.column, ...values.map((value) => this.context.encode(column, value))],
    };
  }

  protected iexact(column: StoreColumn, value: string): CompiledSql {
    return { sql: 'lower(??) = lower(?)', bindings: [column.column, value] };
  }

  protected likeCaseSensitive(column: StoreColumn, value: string, position: PatternPosition): CompiledSql {
    return likeCondition('?? LIKE ?', column, value, position);
  }

  protected likeCaseInsensitive(column: StoreColumn, value: string, position: PatternPosition): CompiledSql {
    return likeCondition('lower(??) LIKE lower(?)', column, value, position);
  }

  /** The SQL extracting `part` from `column` in UTC, as an integer (`week_day`: 1 = Sunday … 7 = Saturday). */
  protected abstract datePart(column: StoreColumn, part: DatePart): CompiledSql;

  protected regex(column: StoreColumn, _pattern: string, caseSensitive: boolean): CompiledSql {
    throw new NotSupportedError(
      `The lookup "${caseSensitive ? 'regex' : 'iregex'}" (on field "${column.field}") is not supported by the ${this.dialect} store.`,
    );
  }
}

function isNull(column: StoreColumn): CompiledSql {
  return { sql: '?? IS NULL', bindings: [column.column] };
}

/** Lookups that are never unknown (NULL), so a `not` around them needs no `IS NOT NULL` guard. */
function isNullSafe(node: LookupNode): boolean {
  if (node.lookup === 'isnull') return true;
  if ((node.lookup === 'exact' || node.lookup === 'iexact') && node.value === null) return true;
  return (
    node.lookup === 'in' &&
    Array.isArray(node.value) &&
    node.value.every((item) => item === null || item === undefined)
  );
}

function textValue(column: StoreColumn, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new ValidationError(
    `A text lookup on field "${column.field}" expects a string, got ${value === null ? 'null' : typeof value}.`,
  );
}

function regexValue(column: StoreColumn, value: unknown): string {
  if (typeof value !== 'string')
    throw new ValidationError(`The lookup "regex" on field "${column.field}" expects a pattern string.`);
  return value;
}
