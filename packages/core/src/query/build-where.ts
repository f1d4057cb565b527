import { FieldError, NotSupportedError, ValidationError } from '../errors/errors';
import { describeValue } from './describe-value';
import { normaliseGuid } from './guid';
import { EQUALITY_LOOKUPS, ORDERED_LOOKUPS, TEXT_MATCH_LOOKUPS } from './lookup-groups';
import type { ModelField, ModelSchema } from './model-schema';
import { isQNode, type QNode } from './q';
import { isRelatedKey, type RelatedKey, relatedKey } from './related-key';
import {
  LOOKUP_NAMES,
  LOOKUP_SEP,
  type LookupName,
  type LookupNode,
  type OrderByTerm,
  type RelatedNode,
  type WhereNode,
} from './where-node';

export type { RelatedKey } from './related-key';

/**
 * Options of `buildWhere`. Filters across a relation (`organisation__name`) need the related
 * model's schema; `loadRelatedSchemas` finds and loads the ones a filter names.
 */
export interface BuildWhereOptions {
  /**
   * The schema of the model a foreign key points at; `undefined` when unknown (filtering across that
   * relation then throws `NotSupportedError`).
   */
  readonly relatedSchema?: (field: ModelField) => ModelSchema | undefined;
}

const NO_OPTIONS: BuildWhereOptions = Object.freeze({});

/** How values of a field are checked and normalised. */
type ValueKind =
  | 'string'
  | 'guid'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'foreignKey'
  | 'any';

const EQUALITY = EQUALITY_LOOKUPS;
const ORDERED = ORDERED_LOOKUPS;
const TEXT: readonly LookupName[] = [...TEXT_MATCH_LOOKUPS, 'regex', 'iregex'];
const DATE_PARTS: readonly LookupName[] = ['year', 'month', 'day', 'week_day'];
const TIME_PARTS: readonly LookupName[] = ['hour', 'minute', 'second'];

/** The lookups each kind of field accepts. */
const LOOKUPS_BY_KIND: Readonly<Record<ValueKind, ReadonlySet<LookupName>>> = {
  string: new Set([...ORDERED, ...TEXT]),
  guid: new Set([...EQUALITY, ...TEXT]),
  integer: new Set(ORDERED),
  decimal: new Set(ORDERED),
  float: new Set(ORDERED),
  boolean: new Set(EQUALITY),
  datetime: new Set([...ORDERED, ...DATE_PARTS, ...TIME_PARTS]),
  date: new Set([...ORDERED, ...DATE_PARTS]),
  foreignKey: new Set(EQUALITY),
  any: new Set(LOOKUP_NAMES),
};

/** Inclusive bounds of each date-part lookup (`week_day`: 1 = Sunday … 7 = Saturday, as in Django). */
const DATE_PART_BOUNDS: Readonly<Partial<Record<LookupName, readonly [number, number]>>> = {
  year: [1, 9999],
  month: [1, 12],
  day: [1, 31],
  week_day: [1, 7],
  hour: [0, 23],
  minute: [0, 59],
  second: [0, 59],
};

const DATE_ONLY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;
const LOOKUP_SET: ReadonlySet<string> = new Set(LOOKUP_NAMES);

/**
 * Validates a conditions object or a `Q` against a model and builds the where tree. Every check runs
 * here, before any I/O: unknown fields and lookups, value shapes, GUIDs. Several keys are ANDed; a key
 * without a lookup means `exact`; a related model instance becomes a `RelatedKey`.
 *
 * @example
 * buildWhere({ name__icontains: 'acme', ukOrganisation: true }, schema);
 * // { kind: 'and', children: [{ kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acme' }, …] }
 * // -> $filter=substringof('acme', Name) and optevia_ukorganisation eq true
 *
 * A key across a foreign key (`organisation__name__icontains`, nested: `organisation__parent__name`)
 * becomes a `related` node, validated against the related model's schema (from `options`); only the
 * local store can evaluate it (the OData compiler rejects it: use `skipCdms()`).
 *
 * @example
 * buildWhere({ organisation__name__icontains: 'acme' }, contactSchema, { relatedSchema: () => organisationSchema });
 * // { kind: 'related', field: 'organisationId', relation: 'organisation', table: 'organisation',
 * //   where: { kind: 'lookup', field: 'name', lookup: 'icontains', value: 'acme' } }
 * @throws FieldError for an unknown field or a lookup the field does not have (on the related model too).
 * @throws NotSupportedError for a filter across a relation whose model schema is not given, or chained lookups.
 * @throws ValidationError for a value of the wrong shape (`in` without an array, a malformed GUID …).
 */
export function buildWhere(
  input: Record<string, unknown> | QNode,
  schema: ModelSchema,
  options: BuildWhereOptions = NO_OPTIONS,
): WhereNode {
  if (isQNode(input)) return buildFromQ(input, schema, options);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(
      `Filter conditions for ${schema.modelName} must be an object or a Q; got ${describeValue(input)}.`,
    );
  }
  return buildFromConditions(input, schema, options);
}

/**
 * Validates `orderBy()` keys: `'name'` ascending, `'-name'` descending (`'+name'` also ascending).
 *
 * @example
 * buildOrderBy(['-modified', 'name'], schema); // [{ field: 'modified', direction: 'desc' }, { field: 'name', direction: 'asc' }]
 * @throws FieldError naming the unknown field and the known ones.
 */
export function buildOrderBy(fields: readonly string[], schema: ModelSchema): OrderByTerm[] {
  return fields.map((key) => {
    if (typeof key !== 'string' || key === '' || key === '-' || key === '+') {
      throw new FieldError(`Invalid ordering key ${describeValue(key)} for ${schema.modelName}.`);
    }
    const descending = key.startsWith('-');
    const name = descending || key.startsWith('+') ? key.slice(1) : key;
    const field = resolveField(name, schema, key);
    if (field === undefined) {
      const head = resolveField(name.split(LOOKUP_SEP)[0] ?? '', schema, key);
      if (head !== undefined && isForeignKey(head)) {
        throw new NotSupportedError(
          `Cannot order ${schema.modelName} by '${key}': ordering across relations is not supported.`,
        );
      }
      throw unknownField(name, key, schema);
    }
    return Object.freeze({ field: field.name, direction: descending ? 'desc' : 'asc' });
  });
}

/**
 * Splits a filter key into a model field and a lookup: on the last `__` that names a lookup, so a
 * field named `in_house` still works. No suffix means `exact`.
 *
 * @example
 * parseFilterKey('name__icontains', schema); // { field: <name>, lookup: 'icontains' }
 */
export function parseFilterKey(key: string, schema: ModelSchema): { field: ModelField; lookup: LookupName } {
  const separator = key.lastIndexOf(LOOKUP_SEP);
  const suffix = separator > 0 ? key.slice(separator + LOOKUP_SEP.length) : '';
  const hasLookup = LOOKUP_SET.has(suffix);
  const fieldName = hasLookup ? key.slice(0, separator) : key;
  const lookup = (hasLookup ? suffix : 'exact') as LookupName;
  const field = resolveField(fieldName, schema, key);
  if (field !== undefined) {
    if (!LOOKUPS_BY_KIND[valueKind(field)].has(lookup)) throw unsupportedLookup(field, lookup, key, schema);
    return { field, lookup };
  }
  // Not a field: say why as precisely as possible.
  const [head = '', next = ''] = fieldName.split(LOOKUP_SEP);
  const headField = resolveField(head, schema, key);
  if (headField !== undefined && head !== fieldName) {
    if (isForeignKey(headField)) {
      throw new NotSupportedError(
        `Cannot filter ${schema.modelName} by '${key}': filtering across relations is not supported ` +
          `('${head}' is a foreign key). Filter by the related object instead ({ ${head}: relatedObject }).`,
      );
    }
    if (LOOKUP_SET.has(next)) {
      throw new NotSupportedError(
        `Cannot filter ${schema.modelName} by '${key}': chained lookups are not supported.`,
      );
    }
    throw unsupportedLookup(headField, next, key, schema);
  }
  throw unknownField(fieldName, key, schema);
}

function buildFromQ(q: QNode, schema: ModelSchema, options: BuildWhereOptions): WhereNode {
  const children = q.children.map((child) =>
    isQNode(child) ? buildFromQ(child, schema, options) : buildFromConditions(child, schema, options),
  );
  const combined: WhereNode =
    children.length === 1
      ? children[0]!
      : Object.freeze({ kind: q.connector === 'AND' ? 'and' : 'or', children: Object.freeze(children) });
  return q.negated ? Object.freeze({ kind: 'not', child: combined }) : combined;
}

function buildFromConditions(
  conditions: Readonly<Record<string, unknown>>,
  schema: ModelSchema,
  options: BuildWhereOptions,
): WhereNode {
  const leaves = Object.entries(conditions).map(([key, value]) =>
    buildCondition(key, value, schema, options),
  );
  return leaves.length === 1 ? leaves[0]! : Object.freeze({ kind: 'and', children: Object.freeze(leaves) });
}

/** One key: a lookup on a field of `schema`, or a `related` node for a key across a foreign key. */
function buildCondition(
  key: string,
  value: unknown,
  schema: ModelSchema,
  options: BuildWhereOptions,
): WhereNode {
  const across = splitAcrossRelation(key, schema);
  if (across === undefined) return buildLookup(key, value, schema);
  const relatedSchema = options.relatedSchema?.(across.field);
  if (relatedSchema === undefined) {
    throw new NotSupportedError(
      `Cannot filter ${schema.modelName} by '${key}': filtering across relations is not supported here ` +
        `(the schema of the model '${across.field.name}' points at is not known). ` +
        `Filter by the related object instead ({ ${across.field.name}: relatedObject }).`,
    );
  }
  let where: WhereNode;
  try {
    where = toLocalKeys(buildCondition(across.rest, value, relatedSchema, options), relatedSchema);
  } catch (error) {
    throw inRelation(error, key, across.field.name, schema);
  }
  const node: RelatedNode = {
    kind: 'related',
    field: foreignKeyIdField(across.field.name),
    relation: across.field.name,
    table: relatedSchema.table,
    where,
  };
  return Object.freeze(node);
}

/**
 * `organisation__name__icontains` on a model whose `organisation` is a foreign key:
 * `{ field: <organisation>, rest: 'name__icontains' }`. `undefined` for a key on the model's own
 * fields, including `organisation__in` (a lookup on the foreign key itself).
 * @internal
 */
export function splitAcrossRelation(
  key: string,
  schema: ModelSchema,
): { field: ModelField; rest: string } | undefined {
  const separator = key.indexOf(LOOKUP_SEP);
  if (separator <= 0) return undefined;
  const head = key.slice(0, separator);
  const rest = key.slice(separator + LOOKUP_SEP.length);
  if (rest === '' || LOOKUP_SET.has(rest) || schema.fields.has(key)) return undefined;
  const field = resolveField(head, schema, key);
  if (field === undefined || !isForeignKey(field)) return undefined;
  return { field, rest };
}

/** The local field storing foreign key `name` (`organisation` -> `organisationId`, as `foreignKeyLocalField`). */
function foreignKeyIdField(name: string): string {
  return `${name}Id`;
}

/**
 * The related where tree in local-store form: a foreign key of the related model compares its
 * local id field (`parent = <RelatedKey>` -> `parentId = 7`), as the store has no `parent` column.
 */
function toLocalKeys(where: WhereNode, schema: ModelSchema): WhereNode {
  switch (where.kind) {
    case 'and':
    case 'or':
      return Object.freeze({
        kind: where.kind,
        children: Object.freeze(where.children.map((child) => toLocalKeys(child, schema))),
      });
    case 'not':
      return Object.freeze({ kind: 'not', child: toLocalKeys(where.child, schema) });
    case 'related':
      return where;
    case 'lookup': {
      const field = schema.fields.get(where.field);
      if (field === undefined || !isForeignKey(field)) return where;
      const localId = (item: unknown) => (isRelatedKey(item) ? item.id : item);
      const value = Array.isArray(where.value)
        ? Object.freeze(where.value.map(localId))
        : localId(where.value);
      return Object.freeze({ ...where, field: foreignKeyIdField(field.name), value });
    }
  }
}

/** An error from the related model's part of a key, re-raised naming the whole key. */
function inRelation(error: unknown, key: string, relation: string, schema: ModelSchema): unknown {
  const context = `In '${key}' on ${schema.modelName} (across '${relation}'): `;
  if (error instanceof FieldError) return new FieldError(context + error.message);
  if (error instanceof ValidationError) return new ValidationError(context + error.message);
  if (error instanceof NotSupportedError) return new NotSupportedError(context + error.message);
  return error;
}

function buildLookup(key: string, value: unknown, schema: ModelSchema): LookupNode {
  const { field, lookup } = parseFilterKey(key, schema);
  const normalised = validateValue(field, lookup, value, key, schema);
  return Object.freeze({ kind: 'lookup', field: field.name, lookup, value: normalised });
}

function validateValue(
  field: ModelField,
  lookup: LookupName,
  value: unknown,
  key: string,
  schema: ModelSchema,
): unknown {
  const invalid = (reason: string) =>
    new ValidationError(
      `Invalid value for '${key}' on ${schema.modelName}: ${describeValue(value)} ${reason}.`,
    );
  if (value === undefined) throw invalid('is not a value (use null, or leave the key out)');
  const kind = valueKind(field);
  switch (lookup) {
    case 'exact':
    case 'iexact':
      return value === null ? null : comparable(kind, value, invalid, lookup);
    case 'in': {
      if (!Array.isArray(value)) throw invalid("is not an array ('in' needs a list of values)");
      return Object.freeze(
        value.map((item) => {
          if (item === null || item === undefined)
            throw invalid("holds null ('in' cannot match null; use __isnull)");
          return comparable(kind, item, invalid, lookup);
        }),
      );
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2)
        throw invalid("is not a [low, high] pair ('range' needs two values)");
      if (value[0] === null || value[0] === undefined || value[1] === null || value[1] === undefined) {
        throw invalid('has a null bound');
      }
      return Object.freeze([
        comparable(kind, value[0], invalid, lookup),
        comparable(kind, value[1], invalid, lookup),
      ]);
    }
    case 'isnull':
      if (typeof value !== 'boolean') throw invalid("is not a boolean ('isnull' takes true or false)");
      return value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (value === null) throw invalid(`cannot be compared with '${lookup}'`);
      return comparable(kind, value, invalid, lookup);
    case 'contains':
    case 'icontains':
    case 'startswith':
    case 'istartswith':
    case 'endswith':
    case 'iendswith':
    case 'regex':
    case 'iregex':
      if (typeof value !== 'string') throw invalid(`is not a string ('${lookup}' matches text)`);
      checkStorableText(value, invalid);
      if (lookup.endsWith('regex')) checkRegex(value, invalid);
      return value;
    default: {
      const [low, high] = DATE_PART_BOUNDS[lookup] ?? [0, 0];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
        throw invalid(`is not a whole number from ${low} to ${high} ('${lookup}')`);
      }
      return value;
    }
  }
}

/** Checks and normalises one value compared with a field (GUIDs lower-cased, decimals as text). */
function comparable(
  kind: ValueKind,
  value: unknown,
  invalid: (reason: string) => Error,
  lookup: LookupName,
): unknown {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw invalid('is not a string');
      checkStorableText(value, invalid);
      return value;
    case 'guid': {
      const guid = normaliseGuid(value);
      if (guid === undefined) throw invalid('is not a GUID');
      return guid;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('is not a whole number');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('is not a finite number');
      return value;
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return value;
      throw invalid("is not a decimal (a number or a string such as '12.50')");
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid('is not a boolean');
      return value;
    case 'datetime': {
      const date =
        value instanceof Date
          ? new Date(value.getTime())
          : typeof value === 'string'
            ? new Date(value)
            : undefined;
      if (date === undefined || Number.isNaN(date.getTime())) throw invalid('is not a valid Date');
      return date;
    }
    case 'date': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      if (typeof value === 'string' && DATE_ONLY_PATTERN.test(value) && !Number.isNaN(Date.parse(value)))
        return value;
      throw invalid("is not a date (a Date or 'YYYY-MM-DD')");
    }
    case 'foreignKey':
      return toRelatedValue(value, invalid, lookup);
    default:
      return value;
  }
}

/** A related model instance becomes a `RelatedKey`; a bare value is taken as the related row's local id. */
function toRelatedValue(value: unknown, invalid: (reason: string) => Error, lookup: LookupName): unknown {
  if (isRelatedKey(value)) return value;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value)) {
    const instance = value as { id?: unknown; cdmsPk?: unknown };
    if (instance.id === undefined || instance.id === null)
      throw invalid(`is an unsaved object ('${lookup}' needs a saved one)`);
    const cdmsPk =
      instance.cdmsPk === undefined || instance.cdmsPk === null ? null : normaliseGuid(instance.cdmsPk);
    if (cdmsPk === undefined) throw invalid('has a cdmsPk that is not a GUID');
    return relatedKey(instance.id, cdmsPk) satisfies RelatedKey;
  }
  throw invalid('is not a related object or its id');
}

/** A NUL character: no request is sent for a value the local database cannot compare (PostgreSQL rejects it). */
function checkStorableText(value: string, invalid: (reason: string) => Error): void {
  if (value.includes('\u0000')) throw invalid('contains a NUL character, which the database cannot store');
}

function checkRegex(pattern: string, invalid: (reason: string) => Error): void {
  try {
    new RegExp(pattern);
  } catch {
    throw invalid('is not a valid regular expression');
  }
}

function resolveField(name: string, schema: ModelSchema, _key: string): ModelField | undefined {
  // `pk` is Django's alias of the primary key.
  return schema.fields.get(name === 'pk' && !schema.fields.has('pk') ? 'id' : name);
}

function isForeignKey(field: ModelField): boolean {
  return field.relatedModel !== undefined || field.codec?.kind === 'foreignKey';
}

function valueKind(field: ModelField): ValueKind {
  if (isForeignKey(field)) return 'foreignKey';
  if (field.name === 'cdmsPk') return 'guid';
  switch (field.codec?.kind) {
    case 'string':
      return 'string';
    case 'integer':
    case 'optionSet':
      return 'integer';
    case 'decimal':
    case 'money':
      return 'decimal';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'datetime';
    case 'date':
      return 'date';
    case 'guid':
    case 'idRef':
      return 'guid';
  }
  switch (field.type) {
    case 'string':
    case 'integer':
    case 'decimal':
    case 'float':
    case 'boolean':
    case 'datetime':
    case 'date':
      return field.type;
    case 'uuid':
      return 'guid';
    default:
      return 'any';
  }
}

function unknownField(name: string, key: string, schema: ModelSchema): FieldError {
  const where = name === key ? '' : ` (in '${key}')`;
  return new FieldError(
    `Cannot resolve field '${name}'${where} on ${schema.modelName}. Known fields: ${[...schema.fields.keys()].join(', ')}.`,
  );
}

function unsupportedLookup(field: ModelField, lookup: string, key: string, schema: ModelSchema): FieldError {
  const known = [...LOOKUPS_BY_KIND[valueKind(field)]].join(', ');
  return new FieldError(
    `Unsupported lookup '${lookup}' (in '${key}') for field '${field.name}' of ${schema.modelName}. Its lookups: ${known}.`,
  );
}
