import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ODataSyntaxError } from './odata-syntax-error';

/**
 * A typed view of the `$metadata` (EDMX/CSDL) document of CRM 2011's Organization Data Service,
 * and a writer of the same document (the emulator serves `$metadata` from a model).
 */

/** One structural property: `<Property Name="Name" Type="Edm.String" Nullable="true" />`. */
export interface CdmsPropertyMetadata {
  readonly name: string;
  /** `Edm.String`, `Edm.Guid`, … or a complex type, e.g. `Microsoft.Crm.Sdk.Data.Services.EntityReference`. */
  readonly type: string;
  /** CSDL's default when the attribute is absent is `true`. */
  readonly nullable: boolean;
  /** `MaxLength` of a string, when the document publishes one (CRM 2011 often does not). */
  readonly maxLength?: number;
  /** `Precision` of a decimal, when published. */
  readonly precision?: number;
  /** `Scale` of a decimal, when published. */
  readonly scale?: number;
}

/** `<NavigationProperty Name="contact_customer_accounts" Relationship="…" FromRole="…" ToRole="…" />`. */
export interface CdmsNavigationPropertyMetadata {
  readonly name: string;
  /** The qualified association name. */
  readonly relationship: string;
  readonly fromRole: string;
  readonly toRole: string;
}

/** An entity type such as `Account`. */
export interface CdmsEntityTypeMetadata {
  readonly name: string;
  /** Key property names, e.g. `['AccountId']`. */
  readonly key: readonly string[];
  readonly properties: readonly CdmsPropertyMetadata[];
  readonly navigationProperties: readonly CdmsNavigationPropertyMetadata[];
}

/** A complex type such as `EntityReference`, `OptionSetValue` or `Money`. */
export interface CdmsComplexTypeMetadata {
  readonly name: string;
  readonly properties: readonly CdmsPropertyMetadata[];
}

/** One end of an association: `<End Type="….Account" Role="…" Multiplicity="0..1" />`. */
export interface CdmsAssociationEndMetadata {
  /** The qualified entity type name. */
  readonly type: string;
  readonly role: string;
  /** `0..1`, `1` or `*`. */
  readonly multiplicity: string;
}

/** A relationship between two entity types. */
export interface CdmsAssociationMetadata {
  readonly name: string;
  readonly ends: readonly CdmsAssociationEndMetadata[];
}

/** An association bound to entity sets in the container. */
export interface CdmsAssociationSetMetadata {
  readonly name: string;
  /** The qualified association name. */
  readonly association: string;
  readonly ends: readonly { readonly role: string; readonly entitySet: string }[];
}

/** The model of a `$metadata` document. Type names are unqualified keys (`Account`). */
export interface CdmsMetadata {
  /** The schema namespace. @default 'Microsoft.Crm.Sdk.Data.Services' in CRM 2011 */
  readonly namespace: string;
  /** The entity container, e.g. `ContosoContext`. */
  readonly containerName: string;
  /** `m:DataServiceVersion` of the document (`1.0` for CRM 2011). */
  readonly dataServiceVersion: string;
  /** Entity set name -> unqualified entity type name: `{ AccountSet: 'Account' }`. */
  readonly entitySets: Readonly<Record<string, string>>;
  readonly entityTypes: Readonly<Record<string, CdmsEntityTypeMetadata>>;
  readonly complexTypes: Readonly<Record<string, CdmsComplexTypeMetadata>>;
  readonly associations: Readonly<Record<string, CdmsAssociationMetadata>>;
  readonly associationSets: readonly CdmsAssociationSetMetadata[];
}

const EDMX_NAMESPACE = 'http://schemas.microsoft.com/ado/2007/06/edmx';
const METADATA_NAMESPACE = 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata';
const DATA_NAMESPACE = 'http://schemas.microsoft.com/ado/2007/08/dataservices';
const EDM_NAMESPACE = 'http://schemas.microsoft.com/ado/2006/04/edm';

/** Elements that may repeat; the parser returns them as arrays even when there is only one. */
const REPEATED = new Set([
  'Schema',
  'EntityType',
  'ComplexType',
  'Association',
  'EntityContainer',
  'EntitySet',
  'AssociationSet',
  'End',
  'Property',
  'PropertyRef',
  'NavigationProperty',
]);

type XmlElement = Record<string, unknown>;

const children = (element: XmlElement | undefined, name: string): XmlElement[] =>
  (element?.[name] as XmlElement[] | undefined) ?? [];

const attribute = (element: XmlElement, name: string): string => {
  const text = element[`@_${name}`];
  return typeof text === 'string' ? text : '';
};

/** `Microsoft.Crm.Sdk.Data.Services.Account` -> `Account`. */
const unqualified = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/** A numeric facet (`MaxLength="100"`); absent, `Max` or not a number: `undefined`. */
const facet = (element: XmlElement, name: string): number | undefined => {
  const value = Number.parseInt(attribute(element, name), 10);
  return Number.isSafeInteger(value) ? value : undefined;
};

const readProperties = (element: XmlElement): CdmsPropertyMetadata[] =>
  children(element, 'Property').map((property) => {
    const maxLength = facet(property, 'MaxLength');
    const precision = facet(property, 'Precision');
    const scale = facet(property, 'Scale');
    return {
      name: attribute(property, 'Name'),
      type: attribute(property, 'Type'),
      nullable: attribute(property, 'Nullable') !== 'false',
      ...(maxLength === undefined ? {} : { maxLength }),
      ...(precision === undefined ? {} : { precision }),
      ...(scale === undefined ? {} : { scale }),
    };
  });

function readEntityType(element: XmlElement): CdmsEntityTypeMetadata {
  const key = element.Key as XmlElement | undefined;
  return {
    name: attribute(element, 'Name'),
    key: children(key, 'PropertyRef').map((reference) => attribute(reference, 'Name')),
    properties: readProperties(element),
    navigationProperties: children(element, 'NavigationProperty').map((navigation) => ({
      name: attribute(navigation, 'Name'),
      relationship: attribute(navigation, 'Relationship'),
      fromRole: attribute(navigation, 'FromRole'),
      toRole: attribute(navigation, 'ToRole'),
    })),
  };
}

/**
 * Reads a `$metadata` EDMX document.
 *
 * @throws ODataSyntaxError when the text is not well-formed XML or not an EDMX document.
 * @example
 * ```ts
 * const metadata = parseMetadata(await client.metadata());
 * metadata.entityTypes[metadata.entitySets.AccountSet!]!.key; // ['AccountId']
 * ```
 */
export function parseMetadata(edmxXml: string): CdmsMetadata {
  const valid = XMLValidator.validate(edmxXml);
  if (valid !== true) {
    throw new ODataSyntaxError(`$metadata is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => REPEATED.has(name),
  });
  const document = parser.parse(edmxXml) as XmlElement;
  const dataServices = (document.Edmx as XmlElement | undefined)?.DataServices as XmlElement | undefined;
  const schemas = children(dataServices, 'Schema');
  if (dataServices === undefined || schemas.length === 0) {
    throw new ODataSyntaxError('$metadata is not an EDMX document (no edmx:Edmx/edmx:DataServices/Schema)');
  }
  const entityTypes = schemas.flatMap((schema) => children(schema, 'EntityType')).map(readEntityType);
  const complexTypes = schemas.flatMap((schema) => children(schema, 'ComplexType'));
  const associations = schemas.flatMap((schema) => children(schema, 'Association'));
  const container = schemas.flatMap((schema) => children(schema, 'EntityContainer'))[0];
  return {
    namespace: attribute(schemas[0]!, 'Namespace'),
    containerName: container === undefined ? '' : attribute(container, 'Name'),
    dataServiceVersion: attribute(dataServices, 'DataServiceVersion'),
    entitySets: Object.fromEntries(
      children(container, 'EntitySet').map((set) => [
        attribute(set, 'Name'),
        unqualified(attribute(set, 'EntityType')),
      ]),
    ),
    entityTypes: Object.fromEntries(entityTypes.map((type) => [type.name, type])),
    complexTypes: Object.fromEntries(
      complexTypes.map((type) => [
        attribute(type, 'Name'),
        { name: attribute(type, 'Name'), properties: readProperties(type) },
      ]),
    ),
    associations: Object.fromEntries(
      associations.map((association) => [
        attribute(association, 'Name'),
        {
          name: attribute(association, 'Name'),
          ends: children(association, 'End').map((end) => ({
            type: attribute(end, 'Type'),
            role: attribute(end, 'Role'),
            multiplicity: attribute(end, 'Multiplicity'),
          })),
        },
      ]),
    ),
    associationSets: children(container, 'AssociationSet').map((set) => ({
      name: attribute(set, 'Name'),
      association: attribute(set, 'Association'),
      ends: children(set, 'End').map((end) => ({
        role: attribute(end, 'Role'),
        entitySet: attribute(end, 'EntitySet'),
      })),
    })),
  };
}

const renderProperties = (properties: readonly CdmsPropertyMetadata[]) =>
  properties.map((property) => ({
    '@_Name': property.name,
    '@_Type': property.type,
    '@_Nullable': String(property.nullable),
    ...(property.maxLength === undefined ? {} : { '@_MaxLength': String(property.maxLength) }),
    ...(property.precision === undefined ? {} : { '@_Precision': String(property.precision) }),
    ...(property.scale === undefined ? {} : { '@_Scale': String(property.scale) }),
  }));

/**
 * Writes a model as a `$metadata` EDMX document in CRM 2011's shape (the inverse of
 * `parseMetadata`). The emulator serves it for the entities it is configured with.
 *
 * @example
 * ```ts
 * response.end(renderMetadata(parseMetadata(fixtureXml)));
 * ```
 */
export function renderMetadata(model: CdmsMetadata): string {
  const qualified = (name: string) => `${model.namespace}.${name}`;
  const schema = {
    '@_Namespace': model.namespace,
    '@_xmlns:d': DATA_NAMESPACE,
    '@_xmlns:m': METADATA_NAMESPACE,
    '@_xmlns': EDM_NAMESPACE,
    EntityType: Object.values(model.entityTypes).map((type) => ({
      '@_Name': type.name,
      Key: { PropertyRef: type.key.map((name) => ({ '@_Name': name })) },
      Property: renderProperties(type.properties),
      NavigationProperty: type.navigationProperties.map((navigation) => ({
        '@_Name': navigation.name,
        '@_Relationship': navigation.relationship,
        '@_FromRole': navigation.fromRole,
        '@_ToRole': navigation.toRole,
      })),
    })),
    ComplexType: Object.values(model.complexTypes).map((type) => ({
      '@_Name': type.name,
      Property: renderProperties(type.properties),
    })),
    Association: Object.values(model.associations).map((association) => ({
      '@_Name': association.name,
      End: association.ends.map((end) => ({
        '@_Type': end.type,
        '@_Role': end.role,
        '@_Multiplicity': end.multiplicity,
      })),
    })),
    EntityContainer: {
      '@_Name': model.containerName,
      '@_m:IsDefaultEntityContainer': 'true',
      EntitySet: Object.entries(model.entitySets).map(([name, type]) => ({
        '@_Name': name,
        '@_EntityType': qualified(type),
      })),
      AssociationSet: model.associationSets.map((set) => ({
        '@_Name': set.name,
        '@_Association': set.association,
        End: set.ends.map((end) => ({ '@_Role': end.role, '@_EntitySet': end.entitySet })),
      })),
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
    // Otherwise `Nullable="true"` is written as a bare `Nullable`, which is not XML.
    suppressBooleanAttributes: false,
  });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8', '@_standalone': 'yes' },
    'edmx:Edmx': {
      '@_Version': '1.0',
      '@_xmlns:edmx': EDMX_NAMESPACE,
      'edmx:DataServices': {
        '@_xmlns:m': METADATA_NAMESPACE,
        '@_m:DataServiceVersion': model.dataServiceVersion || '1.0',
        Schema: schema,
      },
    },
  });
}
