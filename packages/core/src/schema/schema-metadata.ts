import {
  type CdmsEntityTypeMetadata,
  type CdmsMetadata,
  type CdmsPropertyMetadata,
  parseMetadata,
} from '@cdms-sync/cdms-client';

/** What an attribute holds, read from its EDM type. */
export type EdmKind =
  | 'string'
  | 'int32'
  | 'int64'
  | 'decimal'
  | 'double'
  | 'boolean'
  | 'datetime'
  | 'guid'
  | 'lookup'
  | 'optionSet'
  | 'money'
  | 'managedBoolean'
  | 'other';

const PRIMITIVE_KINDS: Readonly<Record<string, EdmKind>> = {
  'Edm.String': 'string',
  'Edm.Int32': 'int32',
  'Edm.Int16': 'int32',
  'Edm.Byte': 'int32',
  'Edm.Int64': 'int64',
  'Edm.Decimal': 'decimal',
  'Edm.Double': 'double',
  'Edm.Single': 'double',
  'Edm.Boolean': 'boolean',
  'Edm.DateTime': 'datetime',
  'Edm.Guid': 'guid',
};

const COMPLEX_KINDS: Readonly<Record<string, EdmKind>> = {
  EntityReference: 'lookup',
  OptionSetValue: 'optionSet',
  Money: 'money',
  BooleanManagedProperty: 'managedBoolean',
};

/**
 * The kind of an EDM type name: `Edm.String` -> `string`,
 * `Microsoft.Crm.Sdk.Data.Services.EntityReference` -> `lookup`.
 *
 * @example
 * edmKindOf('Microsoft.Crm.Sdk.Data.Services.Money'); // 'money'
 */
export function edmKindOf(type: string): EdmKind {
  return PRIMITIVE_KINDS[type] ?? COMPLEX_KINDS[type.slice(type.lastIndexOf('.') + 1)] ?? 'other';
}

/** One attribute of an entity, with its kind. */
export interface SchemaAttribute extends CdmsPropertyMetadata {
  readonly kind: EdmKind;
}

/** One entity of the metadata, with its attributes by name. */
export interface SchemaEntity {
  /** The schema name (`Account`), the entity type's name. */
  readonly name: string;
  /** The entity set (`AccountSet`). */
  readonly setName: string;
  /** CRM's logical name, the lower-cased schema name (`account`). */
  readonly logicalName: string;
  readonly primaryKey: string;
  /** Attributes in document order. */
  readonly attributes: readonly SchemaAttribute[];
  readonly type: CdmsEntityTypeMetadata;
}

/**
 * A lookup's target given by the host, for lookups the metadata does not link to an entity:
 * `'Entity.Attribute'` -> target logical name, e.g. `{ 'Contact.ParentCustomerId': 'account' }`.
 */
export type LookupTargets = Readonly<Record<string, string>>;

/** Attributes CDMS maintains, never written by a client (left out of generated models). */
const SYSTEM_ATTRIBUTES = new Set(
  [
    'CreatedOn',
    'ModifiedOn',
    'CreatedBy',
    'ModifiedBy',
    'CreatedOnBehalfBy',
    'ModifiedOnBehalfBy',
    'OverriddenCreatedOn',
    'VersionNumber',
    'ImportSequenceNumber',
    'TimeZoneRuleVersionNumber',
    'UTCConversionTimeZoneCode',
    'OrganizationId',
    'OwningBusinessUnit',
    'OwningUser',
    'OwningTeam',
    'ExchangeRate',
    'TransactionCurrencyId',
    'EntityImage',
    'StageId',
    'ProcessId',
  ].map((name) => name.toLowerCase()),
);

/**
 * Whether CDMS maintains the attribute (`CreatedOn`, `VersionNumber`, `OwningBusinessUnit`, the
 * `_Base` money copies …). CRM 2011's OData metadata has no "valid for create/update" flags, so
 * this list (and the primary key) stands in for them.
 */
export function isSystemAttribute(name: string): boolean {
  const lower = name.toLowerCase();
  return SYSTEM_ATTRIBUTES.has(lower) || lower.endsWith('_base') || lower.startsWith('yomi');
}

/**
 * A `$metadata` document indexed for code generation and checks: entities by set, schema or logical
 * name (case-insensitive), attributes by name, lookup targets inferred from the associations.
 *
 * @example
 * ```ts
 * const schema = SchemaMetadata.from(await client.metadata()); // GET $metadata
 * schema.entity('ContactSet')?.primaryKey; // 'ContactId'
 * schema.lookupTarget(schema.entity('Contact')!, 'ParentCustomerId'); // 'account' (from the association)
 * ```
 */
export class SchemaMetadata {
  readonly entities: readonly SchemaEntity[];
  readonly #byName = new Map<string, SchemaEntity>();
  readonly #attributes = new Map<SchemaEntity, Map<string, SchemaAttribute>>();
  readonly #targets = new Map<SchemaEntity, { relationship: string; target: string }[]>();

  constructor(readonly document: CdmsMetadata) {
    const entities: SchemaEntity[] = [];
    for (const [setName, typeName] of Object.entries(document.entitySets)) {
      const type = document.entityTypes[typeName];
      if (type === undefined) continue;
      const entity: SchemaEntity = {
        name: type.name,
        setName,
        logicalName: type.name.toLowerCase(),
        primaryKey: type.key[0] ?? `${type.name}Id`,
        attributes: type.properties.map((property) => ({ ...property, kind: edmKindOf(property.type) })),
        type,
      };
      entities.push(entity);
      for (const key of [setName, type.name]) this.#byName.set(key.toLowerCase(), entity);
      this.#attributes.set(
        entity,
        new Map(entity.attributes.map((attribute) => [attribute.name, attribute])),
      );
    }
    this.entities = entities;
    this.#indexLookups();
  }

  /** Reads an EDMX document (text) or takes an already parsed one. */
  static from(metadata: string | CdmsMetadata | SchemaMetadata): SchemaMetadata {
    if (metadata instanceof SchemaMetadata) return metadata;
    return new SchemaMetadata(typeof metadata === 'string' ? parseMetadata(metadata) : metadata);
  }

  /** The entity named by its set (`AccountSet`), schema name (`Account`) or logical name (`account`). */
  entity(name: string): SchemaEntity | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** The attribute of `entity` with exactly this name (CRM attribute names are case-sensitive in OData). */
  attribute(entity: SchemaEntity, name: string): SchemaAttribute | undefined {
    return this.#attributes.get(entity)?.get(name);
  }

  /**
   * The logical name of the entity a lookup points at: the host's `overrides` first
   * (`'Contact.ParentCustomerId'`), else the one-to-many association from this entity whose name
   * ends with the attribute name (`optevia_optevia_country_account_Country`, `lk_account_createdby`),
   * with or without its publisher prefix and `Id` suffix, else ignoring underscores
   * (`ParentAccountId` ~ `account_parent_account`), else an attribute named after the target
   * (`TransactionCurrencyId` -> `transactioncurrency`). `undefined` when nothing (or more than one thing) matches: CRM
   * 2011's metadata has no referential constraints to say so.
   */
  lookupTarget(entity: SchemaEntity, attribute: string, overrides: LookupTargets = {}): string | undefined {
    const override = overrides[`${entity.name}.${attribute}`];
    if (override !== undefined) return override.toLowerCase();
    const lower = attribute.toLowerCase();
    const names = new Set([lower, lower.slice(lower.indexOf('_') + 1)]);
    for (const name of [...names]) if (name.length > 2 && name.endsWith('id')) names.add(name.slice(0, -2));
    const candidates = this.#targets.get(entity) ?? [];
    const targetsWhere = (test: (relationship: string, name: string) => boolean) =>
      new Set(
        candidates
          .filter(({ relationship }) => [...names].some((name) => test(relationship, name)))
          .map(({ target }) => target),
      );
    // `…_country` first; then ignoring underscores (`ParentAccountId` ~ `account_parent_account`).
    let matches = targetsWhere((relationship, name) => relationship.endsWith(`_${name}`));
    if (matches.size === 0) {
      matches = targetsWhere(
        (relationship, name) => name.length >= 4 && squash(relationship).endsWith(squash(name)),
      );
    }
    // `TransactionCurrencyId` -> the one association to `transactioncurrency`.
    if (matches.size === 0) {
      matches = new Set(candidates.map(({ target }) => target).filter((target) => names.has(target)));
    }
    return matches.size === 1 ? [...matches][0] : undefined;
  }

  /** One-to-many associations, indexed by their dependent (`*`) entity. */
  #indexLookups(): void {
    const byType = new Map(this.entities.map((entity) => [entity.name, entity]));
    for (const association of Object.values(this.document.associations)) {
      const [first, second] = association.ends;
      if (first === undefined || second === undefined) continue;
      const pairs = [
        [first, second],
        [second, first],
      ] as const;
      for (const [dependent, principal] of pairs) {
        if (dependent.multiplicity !== '*' || principal.multiplicity === '*') continue;
        const from = byType.get(unqualified(dependent.type));
        const to = byType.get(unqualified(principal.type));
        if (from === undefined || to === undefined) continue;
        const list = this.#targets.get(from) ?? [];
        this.#targets.set(from, list);
        list.push({ relationship: association.name.toLowerCase(), target: to.logicalName });
      }
    }
  }
}

function squash(name: string): string {
  return name.replaceAll('_', '');
}

function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
