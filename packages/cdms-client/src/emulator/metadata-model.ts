import type {
  CdmsAssociationMetadata,
  CdmsAssociationSetMetadata,
  CdmsComplexTypeMetadata,
  CdmsEntityTypeMetadata,
  CdmsMetadata,
  CdmsNavigationPropertyMetadata,
} from '../odata/metadata';
import { CRM_NAMESPACE, type EntityCatalog, type EntityModel } from './entity-model';

const COMPLEX_TYPES: Readonly<Record<string, CdmsComplexTypeMetadata>> = {
  EntityReference: {
    name: 'EntityReference',
    properties: [
      { name: 'Id', type: 'Edm.Guid', nullable: true },
      { name: 'LogicalName', type: 'Edm.String', nullable: true },
      { name: 'Name', type: 'Edm.String', nullable: true },
    ],
  },
  OptionSetValue: {
    name: 'OptionSetValue',
    properties: [{ name: 'Value', type: 'Edm.Int32', nullable: true }],
  },
  Money: { name: 'Money', properties: [{ name: 'Value', type: 'Edm.Decimal', nullable: true }] },
};

/** CRM 2011 names the relationship of a system lookup `lk_<entity>_<attribute>`. */
const SYSTEM_LOOKUPS = new Set(['createdby', 'modifiedby', 'createdonbehalfby', 'modifiedonbehalfby']);

/**
 * The relationship (association) name CRM gives a lookup: `lk_account_createdby` for the system
 * lookups, `<target>_<entity>_<Attribute>` (the shape of custom relationships such as
 * `optevia_optevia_country_account_Country`) otherwise, so the name ends with the attribute name.
 */
function relationshipName(entity: EntityModel, attribute: string, target: EntityModel): string {
  const lower = attribute.toLowerCase();
  return SYSTEM_LOOKUPS.has(lower)
    ? `lk_${entity.logicalName}_${lower}`
    : `${target.logicalName}_${entity.logicalName}_${attribute}`;
}

/**
 * The `$metadata` model of the configured entities (rendered by `renderMetadata`), shaped like CRM
 * 2011's: one entity type and set per entity (keys `Nullable="false"`, complex properties
 * `Nullable="false"` as WCF Data Services requires, `MaxLength` where the definition gives one),
 * CRM's complex types, and for every lookup whose target entity is configured a one-to-many
 * association, its association set, and a navigation property on both ends (role names
 * `Referenced<relationship>` / `Referencing<relationship>`).
 *
 * @internal
 */
export function buildMetadataModel(catalog: EntityCatalog, containerName: string): CdmsMetadata {
  const entitySets: Record<string, string> = {};
  const navigation = new Map<string, CdmsNavigationPropertyMetadata[]>();
  const associations: Record<string, CdmsAssociationMetadata> = {};
  const associationSets: CdmsAssociationSetMetadata[] = [];
  const navigationOf = (entity: EntityModel) => {
    const list = navigation.get(entity.name) ?? [];
    navigation.set(entity.name, list);
    return list;
  };
  for (const entity of catalog.entities) {
    entitySets[entity.setName] = entity.name;
    for (const attribute of entity.attributes.values()) {
      if (attribute.type !== 'EntityReference' || attribute.target === undefined) continue;
      const target = catalog.byLogicalName(attribute.target);
      if (target === undefined) continue;
      const name = relationshipName(entity, attribute.name, target);
      const referenced = `Referenced${name}`;
      const referencing = `Referencing${name}`;
      const relationship = `${CRM_NAMESPACE}.${name}`;
      associations[name] = {
        name,
        ends: [
          { type: target.typeName, role: referenced, multiplicity: '0..1' },
          { type: entity.typeName, role: referencing, multiplicity: '*' },
        ],
      };
      associationSets.push({
        name: `${entity.name}${name}${target.name}`,
        association: relationship,
        ends: [
          { role: referenced, entitySet: target.setName },
          { role: referencing, entitySet: entity.setName },
        ],
      });
      // An entity referring to itself gets both ends, prefixed as CRM does.
      const self = target === entity;
      navigationOf(entity).push({
        name: self ? `Referencing${name}` : name,
        relationship,
        fromRole: referencing,
        toRole: referenced,
      });
      navigationOf(target).push({
        name: self ? `Referenced${name}` : name,
        relationship,
        fromRole: referenced,
        toRole: referencing,
      });
    }
  }
  const entityTypes: Record<string, CdmsEntityTypeMetadata> = {};
  for (const entity of catalog.entities) {
    entityTypes[entity.name] = {
      name: entity.name,
      key: [entity.primaryKey],
      properties: [...entity.attributes.values()].map((attribute) => {
        const complex = !attribute.type.startsWith('Edm.');
        return {
          name: attribute.name,
          type: complex ? `${CRM_NAMESPACE}.${attribute.type}` : attribute.type,
          nullable: !complex && attribute.name !== entity.primaryKey,
          ...(attribute.maxLength === undefined ? {} : { maxLength: attribute.maxLength }),
        };
      }),
      navigationProperties: navigation.get(entity.name) ?? [],
    };
  }
  return {
    namespace: CRM_NAMESPACE,
    containerName,
    dataServiceVersion: '1.0',
    entitySets,
    entityTypes,
    complexTypes: COMPLEX_TYPES,
    associations,
    associationSets,
  };
}
