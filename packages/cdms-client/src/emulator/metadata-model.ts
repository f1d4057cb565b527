import type { CdmsComplexTypeMetadata, CdmsEntityTypeMetadata, CdmsMetadata } from '../odata/metadata';
import { CRM_NAMESPACE, type EntityCatalog } from './entity-model';

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

/**
 * The `$metadata` model of the configured entities (rendered by `renderMetadata`): one entity type
 * and set per entity, CRM's complex types, and no associations (the emulator does not serve
 * navigation properties).
 *
 * @internal
 */
export function buildMetadataModel(catalog: EntityCatalog, containerName: string): CdmsMetadata {
  const entityTypes: Record<string, CdmsEntityTypeMetadata> = {};
  const entitySets: Record<string, string> = {};
  for (const entity of catalog.entities) {
    entitySets[entity.setName] = entity.name;
    entityTypes[entity.name] = {
      name: entity.name,
      key: [entity.primaryKey],
      properties: [...entity.attributes.values()].map((attribute) => ({
        name: attribute.name,
        type: attribute.type.startsWith('Edm.') ? attribute.type : `${CRM_NAMESPACE}.${attribute.type}`,
        nullable: attribute.name !== entity.primaryKey,
      })),
      navigationProperties: [],
    };
  }
  return {
    namespace: CRM_NAMESPACE,
    containerName,
    dataServiceVersion: '1.0',
    entitySets,
    entityTypes,
    complexTypes: COMPLEX_TYPES,
    associations: {},
    associationSets: [],
  };
}
