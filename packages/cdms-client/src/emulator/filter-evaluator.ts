import type {
  ODataCaseCall,
  ODataComparisonOperator,
  ODataFilter,
  ODataLiteral,
  ODataOperand,
  ODataProperty,
} from '../odata/filter-tree';
import type { ReferenceNameResolver, StoredReference, StoredRow, StoredWrapper } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import { type ComparableValue, compareNonNull, foldCase } from './compare-values';
import type { EntityModel } from './entity-model';

/**
 * SQL's three-valued logic: `true`, `false` or `null` (unknown). A comparison with a null value is
 * unknown, `not unknown` is unknown, and a row matches only when the whole filter is `true`.
 *
 * @internal
 */
export type TruthValue = boolean | null;

/** The kinds of scalar a filter compares; operands of one comparison must share one. @internal */
export type ScalarKind = 'string' | 'number' | 'boolean' | 'datetime' | 'guid' | 'null';

/** An operand checked against the entity, ready to read from rows. @internal */
interface CompiledOperand {
  readonly kind: ScalarKind;
  /** The EDM name shown in error messages. */
  readonly typeName: string;
  read(row: StoredRow): ComparableValue;
}

/** A filter checked against the entity: call it for each row. @internal */
export type RowPredicate = (row: StoredRow) => TruthValue;

const SIMPLE_KINDS: Readonly<Record<string, ScalarKind>> = {
  'Edm.String': 'string',
  'Edm.Guid': 'guid',
  'Edm.DateTime': 'datetime',
  'Edm.Int32': 'number',
  'Edm.Int64': 'number',
  'Edm.Decimal': 'number',
  'Edm.Double': 'number',
  'Edm.Boolean': 'boolean',
};

const COMPARISONS: Readonly<Record<ODataComparisonOperator, (order: number) => boolean>> = {
  eq: (order) => order === 0,
  ne: (order) => order !== 0,
  gt: (order) => order > 0,
  ge: (order) => order >= 0,
  lt: (order) => order < 0,
  le: (order) => order <= 0,
};

function badRequest(message: string): CdmsEmulatorError {
  return new CdmsEmulatorError(400, message);
}

function toNumber(value: unknown): ComparableValue {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

/**
 * Compiles an `ODataFilter` tree against one entity (a visitor: one method per node kind) into a
 * row predicate with CRM's semantics:
 *
 * - string comparisons and `substringof`/`startswith`/`endswith` are case-insensitive
 *   (SQL Server's default collation);
 * - `X eq null` / `X ne null` test for null; any other comparison involving a null value is
 *   unknown (so `Name ne 'a'` does not match rows whose `Name` is null, as in SQL);
 * - `and`/`or`/`not` follow SQL's three-valued logic;
 * - lookups are compared through `Lookup/Id` (also `/LogicalName`, `/Name`), option sets and money
 *   through `/Value`.
 *
 * Unknown attributes, paths into simple attributes and operands of different types are rejected
 * (status 400) before any row is read, as WCF Data Services does.
 *
 * @internal
 */
export class FilterEvaluator {
  readonly #entity: EntityModel;
  readonly #resolveName: ReferenceNameResolver;

  constructor(entity: EntityModel, resolveName: ReferenceNameResolver) {
    this.#entity = entity;
    this.#resolveName = resolveName;
  }

  /** The predicate of a whole filter; throws a 400 `CdmsEmulatorError` when it does not fit the entity. */
  compile(filter: ODataFilter): RowPredicate {
    switch (filter.kind) {
      case 'and':
        return this.visitAnd(filter.left, filter.right);
      case 'or':
        return this.visitOr(filter.left, filter.right);
      case 'not':
        return this.visitNot(filter.operand);
      case 'compare':
        return this.visitCompare(filter.operator, filter.left, filter.right);
      case 'function':
        return this.visitFunction(filter.name, filter.arguments[0], filter.arguments[1]);
    }
  }

  visitAnd(left: ODataFilter, right: ODataFilter): RowPredicate {
    const first = this.compile(left);
    const second = this.compile(right);
    return (row) => {
      const a = first(row);
      if (a === false) return false;
      const b = second(row);
      if (b === false) return false;
      return a === null || b === null ? null : true;
    };
  }

  visitOr(left: ODataFilter, right: ODataFilter): RowPredicate {
    const first = this.compile(left);
    const second = this.compile(right);
    return (row) => {
      const a = first(row);
      if (a === true) return true;
      const b = second(row);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    };
  }

  visitNot(operand: ODataFilter): RowPredicate {
    const inner = this.compile(operand);
    return (row) => {
      const value = inner(row);
      return value === null ? null : !value;
    };
  }

  visitCompare(
    operator: ODataComparisonOperator,
    leftOperand: ODataOperand,
    rightOperand: ODataOperand,
  ): RowPredicate {
    const left = this.operand(leftOperand);
    const right = this.operand(rightOperand);
    const test = COMPARISONS[operator];
    if (left.kind === 'null' || right.kind === 'null') {
      // `eq null` / `ne null` are IS NULL / IS NOT NULL; other operators against null are unknown.
      if (operator !== 'eq' && operator !== 'ne') return () => null;
      const other = left.kind === 'null' ? right : left;
      return (row) => (other.read(row) === null) === (operator === 'eq');
    }
    if (left.kind !== right.kind) {
      throw badRequest(
        `Operator '${operator}' incompatible with operand types '${left.typeName}' and '${right.typeName}'.`,
      );
    }
    return (row) => {
      const a = left.read(row);
      const b = right.read(row);
      if (a === null || b === null) return null;
      return test(compareNonNull(a, b));
    };
  }

  visitFunction(
    name: 'substringof' | 'startswith' | 'endswith',
    firstOperand: ODataOperand,
    secondOperand: ODataOperand,
  ): RowPredicate {
    const first = this.#stringOperand(firstOperand, name);
    const second = this.#stringOperand(secondOperand, name);
    // substringof(needle, haystack); startswith(haystack, prefix); endswith(haystack, suffix).
    const [needle, haystack] = name === 'substringof' ? [first, second] : [second, first];
    const test =
      name === 'substringof'
        ? (text: string, part: string) => text.includes(part)
        : name === 'startswith'
          ? (text: string, part: string) => text.startsWith(part)
          : (text: string, part: string) => text.endsWith(part);
    return (row) => {
      const part = needle.read(row);
      const text = haystack.read(row);
      if (typeof part !== 'string' || typeof text !== 'string') return null;
      return test(foldCase(text), foldCase(part));
    };
  }

  #stringOperand(operand: ODataOperand, functionName: string): CompiledOperand {
    const compiled = this.operand(operand);
    if (compiled.kind !== 'string' && compiled.kind !== 'null') {
      throw badRequest(
        `No applicable function found for '${functionName}' with an argument of type '${compiled.typeName}'.`,
      );
    }
    return compiled;
  }

  /** An operand: a property path, a literal or a `tolower`/`toupper` call. */
  operand(operand: ODataOperand): CompiledOperand {
    switch (operand.kind) {
      case 'property':
        return this.visitProperty(operand);
      case 'literal':
        return this.visitLiteral(operand.literal);
      case 'call':
        return this.visitCall(operand);
    }
  }

  visitCall(call: ODataCaseCall): CompiledOperand {
    const argument = this.#stringOperand(call.argument, call.name);
    const convert =
      call.name === 'tolower' ? (text: string) => text.toLowerCase() : (text: string) => text.toUpperCase();
    return {
      kind: argument.kind,
      typeName: 'Edm.String',
      read: (row) => {
        const value = argument.read(row);
        return typeof value === 'string' ? convert(value) : null;
      },
    };
  }

  visitLiteral(literal: ODataLiteral): CompiledOperand {
    const constant = (kind: ScalarKind, typeName: string, value: ComparableValue): CompiledOperand => ({
      kind,
      typeName,
      read: () => value,
    });
    switch (literal.kind) {
      case 'string':
        return constant('string', 'Edm.String', literal.value);
      case 'guid':
        return constant('guid', 'Edm.Guid', literal.value.toLowerCase());
      case 'datetime':
        return constant('datetime', 'Edm.DateTime', literal.value.getTime());
      case 'integer':
        return constant('number', 'Edm.Int32', literal.value);
      case 'decimal':
        return constant('number', 'Edm.Decimal', Number(literal.value));
      case 'double':
        return constant('number', 'Edm.Double', literal.value);
      case 'boolean':
        return constant('boolean', 'Edm.Boolean', literal.value);
      case 'null':
        return constant('null', 'null', null);
    }
  }

  visitProperty(property: ODataProperty): CompiledOperand {
    const [name, member, ...rest] = property.path;
    const entity = this.#entity;
    const attribute = name === undefined ? undefined : entity.attributes.get(name);
    if (attribute === undefined) {
      throw badRequest(`No property '${property.path.join('/')}' exists in type '${entity.typeName}'.`);
    }
    const simpleKind = SIMPLE_KINDS[attribute.type];
    if (rest.length > 0 || (simpleKind !== undefined && member !== undefined)) {
      throw badRequest(`No property '${property.path.join('/')}' exists in type '${entity.typeName}'.`);
    }
    if (simpleKind !== undefined) {
      const read =
        attribute.type === 'Edm.Decimal'
          ? (row: StoredRow) => toNumber(row[attribute.name])
          : (row: StoredRow) => (row[attribute.name] ?? null) as ComparableValue;
      return { kind: simpleKind, typeName: attribute.type, read };
    }
    const complexType = `Microsoft.Crm.Sdk.Data.Services.${attribute.type}`;
    if (member === undefined) {
      throw badRequest(
        `The complex property '${attribute.name}' of type '${complexType}' cannot be compared; compare '${attribute.name}/${attribute.type === 'EntityReference' ? 'Id' : 'Value'}'.`,
      );
    }
    if (attribute.type === 'EntityReference') {
      const reference = (row: StoredRow) => row[attribute.name] as StoredReference | undefined;
      switch (member) {
        case 'Id':
          return { kind: 'guid', typeName: 'Edm.Guid', read: (row) => reference(row)?.Id ?? null };
        case 'LogicalName':
          return {
            kind: 'string',
            typeName: 'Edm.String',
            read: (row) => reference(row)?.LogicalName ?? null,
          };
        case 'Name':
          return {
            kind: 'string',
            typeName: 'Edm.String',
            read: (row) => {
              const value = reference(row);
              if (value?.Id == null || value.LogicalName === null) return null;
              const resolved = this.#resolveName(value.LogicalName, value.Id);
              return resolved === undefined ? value.Name : resolved;
            },
          };
      }
    } else if (member === 'Value') {
      return {
        kind: 'number',
        typeName: attribute.type === 'Money' ? 'Edm.Decimal' : 'Edm.Int32',
        read: (row) => toNumber((row[attribute.name] as StoredWrapper | undefined)?.Value),
      };
    }
    throw badRequest(`No property '${member}' exists in type '${complexType}'.`);
  }
}

/**
 * Compiles a filter for an entity. A row matches when the predicate returns `true` (not `null`).
 *
 * @example
 * ```ts
 * const matches = compileFilter(parseFilter("Name eq 'acme' and ParentAccountId/Id eq null"), account, store.resolveName);
 * rows.filter((row) => matches(row) === true);
 * ```
 *
 * @internal
 */
export function compileFilter(
  filter: ODataFilter,
  entity: EntityModel,
  resolveName: ReferenceNameResolver,
): RowPredicate {
  return new FilterEvaluator(entity, resolveName).compile(filter);
}
