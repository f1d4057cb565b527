import { FieldError } from '../errors/errors';
import { VERSION_FIELD } from '../model/model-meta';
import { didYouMean } from './did-you-mean';
import { type KnownMaxLength, knownMaxLength, type MaxLengthOverrides } from './max-lengths';
import { camelCase, kebabCase, pascalCase, snakeCase } from './naming';
import {
  type EdmKind,
  isSystemAttribute,
  type LookupTargets,
  type SchemaAttribute,
  type SchemaEntity,
  type SchemaMetadata,
} from './schema-metadata';

/** Options of `generateModels` that decide what is generated. */
export interface PlanModelsOptions {
  /** The entities, by set (`AccountSet`), schema (`Account`) or logical name (`account`). */
  entities: readonly string[];
  /**
   * The attributes to map. `Name` maps `Name` on every generated entity that has it,
   * `Contact.FirstName` only on `Contact`; an entity no item names gets the default.
   * @default every attribute a client can write: all but the primary key, the attributes CDMS
   * maintains (`CreatedOn`, `VersionNumber`, `OwningBusinessUnit` …, see `isSystemAttribute`),
   * computed ones (`FullName`, `StateCode`) and types with no codec (`BooleanManagedProperty`)
   */
  attributes?: readonly string[];
  /** String lengths `$metadata` does not publish, `'Entity.Attribute'` -> characters. @default {} */
  maxLengths?: MaxLengthOverrides;
  /** Lookup targets `$metadata` does not link, `'Entity.Attribute'` -> logical name. @default {} */
  lookupTargets?: LookupTargets;
  /** Put before every table name (`crm_` -> `crm_account`). @default '' */
  tablePrefix?: string;
}

/** One generated field. @internal */
export interface FieldPlan {
  readonly field: string;
  /** The local column (for a foreign key, the `…_id` column). */
  readonly column: string;
  readonly attribute: SchemaAttribute;
  readonly codec:
    | 'string'
    | 'integer'
    | 'decimal'
    | 'boolean'
    | 'datetime'
    | 'guid'
    | 'idRef'
    | 'foreignKey'
    | 'optionSet'
    | 'money';
  /** The declared TypeScript type of the model property. */
  readonly tsType: string;
  /** The declared property (`organisationId` for a foreign key `organisation`). */
  readonly property: string;
  readonly maxLength?: KnownMaxLength;
  /** For lookups: the target's logical name, when known. */
  readonly logicalName?: string;
  /** For foreign keys: the generated target. */
  readonly related?: EntityPlan;
}

/** One generated entity. @internal */
export interface EntityPlan {
  readonly entity: SchemaEntity;
  readonly className: string;
  readonly migratorName: string;
  readonly table: string;
  /** The file name without extension, `optevia-interaction`. */
  readonly fileBase: string;
  readonly fields: FieldPlan[];
  /** Attributes left out because no codec maps their type. */
  readonly unmapped: SchemaAttribute[];
}

/** Computed or CDMS-maintained attributes a client cannot set, besides `isSystemAttribute`. */
const NOT_WRITABLE = new Set([
  'statecode',
  'fullname',
  'yomifullname',
  'merged',
  'masterid',
  'deletionstatecode',
]);

/** Properties a model instance already has. */
const RESERVED_PROPERTIES = new Set([
  'id',
  'cdmsPk',
  'created',
  'modified',
  VERSION_FIELD,
  'save',
  'delete',
  'refreshFromDb',
  'related',
  'toJSON',
  'constructor',
]);

const CODECS: Partial<Record<EdmKind, { codec: FieldPlan['codec']; tsType: string }>> = {
  string: { codec: 'string', tsType: 'string | null' },
  int32: { codec: 'integer', tsType: 'number | null' },
  int64: { codec: 'integer', tsType: 'number | null' },
  decimal: { codec: 'decimal', tsType: 'string | null' },
  double: { codec: 'decimal', tsType: 'string | null' },
  boolean: { codec: 'boolean', tsType: 'boolean' },
  datetime: { codec: 'datetime', tsType: 'Date | null' },
  guid: { codec: 'guid', tsType: 'string | null' },
  lookup: { codec: 'idRef', tsType: 'string | null' },
  optionSet: { codec: 'optionSet', tsType: 'number | null' },
  money: { codec: 'money', tsType: 'string | null' },
};

/**
 * Resolves the entities and attributes to generate, and names every class, table, field and column.
 * Throws `FieldError` (with a "did you mean") for an unknown entity or attribute.
 *
 * @internal
 */
export function planModels(schema: SchemaMetadata, options: PlanModelsOptions): EntityPlan[] {
  const entities = options.entities.map((name) => {
    const entity = schema.entity(name);
    if (entity === undefined) {
      const suggestion = didYouMean(
        name,
        schema.entities.flatMap((known) => [known.name, known.setName]),
      );
      throw new FieldError(
        `Unknown CDMS entity '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      );
    }
    return entity;
  });
  const unique = [...new Set(entities)];
  const plans = new Map<SchemaEntity, EntityPlan>();
  for (const entity of unique) {
    const fileBase = kebabCase(entity.name);
    plans.set(entity, {
      entity,
      className: pascalCase(entity.name),
      migratorName: `${pascalCase(entity.name)}Migrator`,
      table: `${options.tablePrefix ?? ''}${snakeCase(entity.name)}`,
      fileBase,
      fields: [],
      unmapped: [],
    });
  }
  const wanted = selectAttributes(schema, unique, options.attributes ?? []);
  const byLogicalName = new Map(unique.map((entity) => [entity.logicalName, entity]));
  for (const [entity, plan] of plans) {
    const used = new Set(RESERVED_PROPERTIES);
    const selection = wanted.get(entity);
    for (const attribute of entity.attributes) {
      if (attribute.name === entity.primaryKey) continue;
      if (selection === undefined ? !writableByDefault(attribute) : !selection.has(attribute.name)) continue;
      const choice = CODECS[attribute.kind];
      if (choice === undefined) {
        plan.unmapped.push(attribute);
        continue;
      }
      const logicalName =
        attribute.kind === 'lookup'
          ? schema.lookupTarget(entity, attribute.name, options.lookupTargets)
          : undefined;
      const relatedEntity = logicalName === undefined ? undefined : byLogicalName.get(logicalName);
      const related = relatedEntity === undefined ? undefined : plans.get(relatedEntity);
      const baseName =
        attribute.kind === 'lookup' ? attribute.name.replace(/(?<=.)Id$/i, '') : attribute.name;
      const field = uniqueName(camelCase(snakeCase(baseName)), used, related !== undefined);
      const property = related === undefined ? field : `${field}Id`;
      const maxLength =
        attribute.kind === 'string' ? knownMaxLength(entity, attribute, options.maxLengths) : undefined;
      plan.fields.push({
        field,
        column: snakeCase(property),
        attribute,
        codec: related === undefined ? choice.codec : 'foreignKey',
        tsType: related === undefined ? choice.tsType : 'number | null',
        property,
        ...(maxLength === undefined ? {} : { maxLength }),
        ...(logicalName === undefined ? {} : { logicalName }),
        ...(related === undefined ? {} : { related }),
      });
    }
  }
  return [...plans.values()];
}

/** Whether the default selection maps the attribute. */
function writableByDefault(attribute: SchemaAttribute): boolean {
  return !isSystemAttribute(attribute.name) && !NOT_WRITABLE.has(attribute.name.toLowerCase());
}

/** A field name not used yet (`name`, else `name2` …); a foreign key also reserves `nameId`. */
function uniqueName(candidate: string, used: Set<string>, foreignKey: boolean): string {
  const base = /^[a-z_$][\w$]*$/i.test(candidate) ? candidate : `field${candidate}`;
  let name = base;
  for (let counter = 2; used.has(name) || (foreignKey && used.has(`${name}Id`)); counter++) {
    name = `${base}${counter}`;
  }
  used.add(name);
  if (foreignKey) used.add(`${name}Id`);
  return name;
}

/** `--attributes` resolved per entity; an entity absent from the map gets the default selection. */
function selectAttributes(
  schema: SchemaMetadata,
  entities: readonly SchemaEntity[],
  items: readonly string[],
): Map<SchemaEntity, Set<string>> {
  const selected = new Map<SchemaEntity, Set<string>>();
  const add = (entity: SchemaEntity, attribute: string) => {
    const set = selected.get(entity) ?? new Set<string>();
    selected.set(entity, set);
    set.add(attribute);
  };
  for (const item of items) {
    const dot = item.indexOf('.');
    const owners =
      dot < 0 ? entities : entities.filter((entity) => schema.entity(item.slice(0, dot)) === entity);
    const name = dot < 0 ? item : item.slice(dot + 1);
    if (owners.length === 0) {
      throw new FieldError(`--attributes '${item}' names an entity that is not being generated.`);
    }
    const having = owners.filter((entity) => schema.attribute(entity, name) !== undefined);
    if (having.length === 0) {
      const suggestion = didYouMean(
        name,
        owners.flatMap((entity) => entity.attributes.map((attribute) => attribute.name)),
      );
      throw new FieldError(
        `Unknown CDMS attribute '${item}' on ${owners.map((entity) => entity.name).join(', ')}` +
          `${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      );
    }
    for (const entity of having) add(entity, name);
  }
  return selected;
}
