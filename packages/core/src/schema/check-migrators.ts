import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import type { FieldCodec, FieldCodecKind } from '../migrator/field-codec';
import type { Migrator } from '../migrator/migrator';
import type { ColumnDescription } from '../store/local-store';
import { didYouMean } from './did-you-mean';
import {
  describeMaxLength,
  type KnownMaxLength,
  knownMaxLength,
  type MaxLengthOverrides,
} from './max-lengths';
import { type EdmKind, type LookupTargets, type SchemaEntity, SchemaMetadata } from './schema-metadata';
import type { SchemaProblem } from './schema-problem';

/**
 * A local column as `store.describe()` reports it: a string column's `maxLength` is its declared
 * length (`varchar(100)` -> 100); a string column without one is unbounded (`text`).
 */
export type CheckedColumn = ColumnDescription;

/** One model to check: a synced model class fits (`name`, `static migrator`). */
export interface CheckedModel {
  readonly name: string;
  readonly migrator?: Migrator | null;
  /**
   * The model's local columns (`store.describe(table)`); without them the length checks are skipped.
   * A string column without `maxLength` counts as unbounded.
   */
  readonly columns?: readonly CheckedColumn[];
}

/** Options of `checkMigrators`. */
export interface CheckMigratorsOptions {
  /** Lengths `$metadata` does not publish, `'Entity.Attribute'` -> characters. @default {} */
  maxLengths?: MaxLengthOverrides;
  /** Lookup targets `$metadata` does not link, `'Entity.Attribute'` -> logical name. @default {} */
  lookupTargets?: LookupTargets;
}

/** The EDM kinds each codec reads and writes. */
const COMPATIBLE: Readonly<Record<Exclude<FieldCodecKind, 'composite'>, readonly EdmKind[]>> = {
  string: ['string'],
  integer: ['int32', 'int64'],
  decimal: ['decimal', 'double'],
  boolean: ['boolean'],
  datetime: ['datetime'],
  date: ['datetime'],
  guid: ['guid'],
  idRef: ['lookup'],
  foreignKey: ['lookup'],
  optionSet: ['optionSet'],
  money: ['money'],
};

/**
 * Compares every model's migrator with `$metadata`: the entity set and each mapped attribute exist
 * (else a "did you mean"), each codec suits its attribute's EDM type, string columns and CDMS
 * lengths agree (when both are known), and lookups point at the related model's entity.
 * Models without a migrator are skipped. Makes no request: pass the document.
 *
 * @example
 * ```ts
 * const problems = checkMigrators([Organisation, Contact], await client.metadata()); // GET $metadata
 * if (problems.length > 0) throw new Error(formatSchemaProblems(problems));
 * ```
 */
export function checkMigrators(
  models: readonly CheckedModel[],
  metadata: string | CdmsMetadata | SchemaMetadata,
  options: CheckMigratorsOptions = {},
): SchemaProblem[] {
  const schema = SchemaMetadata.from(metadata);
  const problems: SchemaProblem[] = [];
  for (const model of models) {
    const migrator = model.migrator;
    if (migrator === undefined || migrator === null) continue;
    const setName = migrator.entitySetName;
    const entity = schema.document.entitySets[setName] === undefined ? undefined : schema.entity(setName);
    if (entity === undefined) {
      const suggestion = didYouMean(setName, Object.keys(schema.document.entitySets));
      problems.push({
        kind: 'unknown-entity',
        model: model.name,
        attribute: setName,
        message: `$metadata has no entity set '${setName}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        ...(suggestion ? { suggestion } : {}),
      });
      continue;
    }
    if (!entity.type.key.includes(migrator.primaryKeyAttribute)) {
      problems.push(
        unknownAttribute(
          model.name,
          'cdmsPk',
          entity,
          migrator.primaryKeyAttribute,
          entity.type.key,
          'primary key',
        ),
      );
    }
    const columns = new Map((model.columns ?? []).map((column) => [column.field, column]));
    for (const [field, codec] of Object.entries(migrator.fields)) {
      problems.push(...checkField(schema, entity, model, field, codec, columns.get(field), options));
    }
  }
  return problems;
}

function checkField(
  schema: SchemaMetadata,
  entity: SchemaEntity,
  model: CheckedModel,
  field: string,
  codec: FieldCodec,
  column: CheckedColumn | undefined,
  options: CheckMigratorsOptions,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const names = entity.attributes.map((attribute) => attribute.name);
  for (const name of codec.attributes ?? [codec.attribute]) {
    const attribute = schema.attribute(entity, name);
    if (attribute === undefined) {
      problems.push(unknownAttribute(model.name, field, entity, name, names, 'attribute'));
      continue;
    }
    if (codec.kind !== 'composite' && !COMPATIBLE[codec.kind].includes(attribute.kind)) {
      problems.push({
        kind: 'incompatible-codec',
        model: model.name,
        field,
        attribute: name,
        message: `fields.${codec.kind}() cannot map ${entity.name}.${name}, an ${attribute.type}`,
      });
      continue;
    }
    if (attribute.kind === 'string' && column !== undefined && codec.attributes === undefined) {
      const problem = checkLength(
        entity,
        model.name,
        field,
        name,
        column,
        knownMaxLength(entity, attribute, options.maxLengths),
      );
      if (problem !== undefined) problems.push(problem);
    }
    if (attribute.kind === 'lookup') {
      const problem = checkLookupTarget(schema, entity, model.name, field, codec, options);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return problems;
}

/**
 * Both directions of a string attribute with a known CDMS length: a declared column length below it
 * (`column-too-short`), or above it, or no length at all on a string column (`text`: it allows
 * anything), so CDMS cannot hold every local value (`attribute-too-short`).
 */
function checkLength(
  entity: SchemaEntity,
  model: string,
  field: string,
  attribute: string,
  column: CheckedColumn,
  known: KnownMaxLength | undefined,
): SchemaProblem | undefined {
  if (known === undefined || column.type !== 'string') return undefined;
  const cdms = `CDMS ${entity.name}.${attribute}`;
  if (column.maxLength === undefined) {
    return {
      kind: 'attribute-too-short',
      model,
      field,
      attribute,
      message: `column ${column.column} has no maximum length, ${cdms} holds at most ${describeMaxLength(known)}`,
    };
  }
  if (column.maxLength < known.maxLength) {
    return {
      kind: 'column-too-short',
      model,
      field,
      attribute,
      message: `column ${column.column} holds ${column.maxLength} characters, ${cdms} up to ${describeMaxLength(known)}`,
    };
  }
  if (column.maxLength > known.maxLength) {
    return {
      kind: 'attribute-too-short',
      model,
      field,
      attribute,
      message: `column ${column.column} allows ${column.maxLength} characters, ${cdms} holds at most ${describeMaxLength(known)}`,
    };
  }
  return undefined;
}

function checkLookupTarget(
  schema: SchemaMetadata,
  entity: SchemaEntity,
  model: string,
  field: string,
  codec: FieldCodec,
  options: CheckMigratorsOptions,
): SchemaProblem | undefined {
  const target = schema.lookupTarget(entity, codec.attribute, options.lookupTargets);
  const related = codec.relatedModel?.() as { name?: string; migrator?: Migrator | null } | undefined;
  const relatedMigrator = related?.migrator ?? undefined;
  const relatedEntity =
    relatedMigrator === undefined ? undefined : schema.entity(relatedMigrator.entitySetName);
  const claims: [string, string][] = [];
  if (relatedEntity !== undefined)
    claims.push([`the related model ${related?.name}`, relatedEntity.logicalName]);
  if (codec.logicalName !== undefined) claims.push(['its logicalName', codec.logicalName.toLowerCase()]);
  const expected = target ?? claims[0]?.[1];
  const wrong = claims.find(([, logicalName]) => logicalName !== expected);
  if (expected === undefined || wrong === undefined) return undefined;
  const source = target === undefined ? claims[0]?.[0] : '$metadata';
  return {
    kind: 'lookup-target',
    model,
    field,
    attribute: codec.attribute,
    message: `${entity.name}.${codec.attribute} points at '${expected}' (per ${source}), but ${wrong[0]} is '${wrong[1]}'`,
  };
}

function unknownAttribute(
  model: string,
  field: string,
  entity: SchemaEntity,
  name: string,
  known: readonly string[],
  what: string,
): SchemaProblem {
  const suggestion = didYouMean(name, known);
  return {
    kind: 'unknown-attribute',
    model,
    field,
    attribute: name,
    message: `${entity.name} has no ${what} '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
    ...(suggestion ? { suggestion } : {}),
  };
}
