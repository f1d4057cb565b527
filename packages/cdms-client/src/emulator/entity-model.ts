import { CdmsEmulatorError } from './cdms-emulator-error';
import type { EmulatorAttributeType, EmulatorEntityDefinition } from './types';

/** The CRM namespace of entity and complex type names (`Microsoft.Crm.Sdk.Data.Services.Account`). */
export const CRM_NAMESPACE = 'Microsoft.Crm.Sdk.Data.Services';

/** One attribute of a resolved entity. @internal */
export interface AttributeModel {
  readonly name: string;
  readonly type: EmulatorAttributeType;
  readonly target?: string;
  /** For an `Edm.String`: the most characters a value may have (longer writes are a 400). */
  readonly maxLength?: number;
  /** Maintained by the emulator (primary key, `CreatedOn`, `ModifiedOn`, `VersionNumber`). */
  readonly system: boolean;
}

/** An entity definition with every default filled in. @internal */
export interface EntityModel {
  readonly name: string;
  readonly setName: string;
  readonly primaryKey: string;
  readonly logicalName: string;
  readonly typeName: string;
  readonly primaryNameAttribute?: string;
  /** Attributes by name, primary key first, in serialisation order. */
  readonly attributes: ReadonlyMap<string, AttributeModel>;
}

/** Turns a definition into its model, adding the system attributes. @internal */
function resolveEntity(definition: EmulatorEntityDefinition): EntityModel {
  const primaryKey = definition.primaryKey ?? `${definition.name}Id`;
  const attributes = new Map<string, AttributeModel>();
  attributes.set(primaryKey, { name: primaryKey, type: 'Edm.Guid', system: true });
  for (const [name, value] of Object.entries(definition.attributes)) {
    if (name === primaryKey) continue;
    const attribute = typeof value === 'string' ? { type: value } : value;
    const maxLength = 'maxLength' in attribute ? attribute.maxLength : undefined;
    if (
      maxLength !== undefined &&
      (!Number.isSafeInteger(maxLength) || maxLength < 1 || attribute.type !== 'Edm.String')
    ) {
      throw new CdmsEmulatorError(
        500,
        `Invalid maxLength of ${definition.name}.${name}: a positive integer on an Edm.String.`,
      );
    }
    attributes.set(name, { name, type: attribute.type, target: attribute.target, maxLength, system: false });
  }
  for (const [name, type] of [
    ['CreatedOn', 'Edm.DateTime'],
    ['ModifiedOn', 'Edm.DateTime'],
    ['VersionNumber', 'Edm.Int64'],
  ] as const) {
    attributes.set(name, { name, type, system: true });
  }
  return {
    name: definition.name,
    setName: definition.setName ?? `${definition.name}Set`,
    primaryKey,
    logicalName: definition.logicalName ?? definition.name.toLowerCase(),
    typeName: `${CRM_NAMESPACE}.${definition.name}`,
    primaryNameAttribute: definition.primaryNameAttribute,
    attributes,
  };
}

/** Every configured entity, found by schema name, set name or logical name. @internal */
export class EntityCatalog {
  readonly entities: readonly EntityModel[];
  readonly #bySetName = new Map<string, EntityModel>();
  readonly #byName = new Map<string, EntityModel>();
  readonly #byLogicalName = new Map<string, EntityModel>();

  constructor(definitions: readonly EmulatorEntityDefinition[]) {
    this.entities = definitions.map(resolveEntity);
    for (const entity of this.entities) {
      if (this.#bySetName.has(entity.setName)) {
        throw new CdmsEmulatorError(500, `Entity set ${entity.setName} is defined twice.`);
      }
      this.#bySetName.set(entity.setName, entity);
      this.#byName.set(entity.name, entity);
      this.#byLogicalName.set(entity.logicalName, entity);
    }
  }

  /** The entity served as `setName` (case-sensitive, like WCF Data Services). */
  bySetName(setName: string): EntityModel | undefined {
    return this.#bySetName.get(setName);
  }

  byLogicalName(logicalName: string): EntityModel | undefined {
    return this.#byLogicalName.get(logicalName);
  }

  /** `Account` or `AccountSet`; throws a 404 error when neither is configured. */
  require(service: string): EntityModel {
    const entity = this.#byName.get(service) ?? this.#bySetName.get(service);
    if (entity === undefined) {
      throw new CdmsEmulatorError(404, `Resource not found for the segment '${service}'.`);
    }
    return entity;
  }
}
