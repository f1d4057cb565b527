import {
  encodeWireValue,
  type ReferenceNameResolver,
  type StoredReference,
  type StoredRow,
  type StoredWrapper,
} from './attribute-values';
import { escapeXml } from './emulator-response';
import { type AttributeModel, CRM_NAMESPACE, type EntityModel } from './entity-model';

/** How to write records of one request. @internal */
export interface SerializeContext {
  readonly entity: EntityModel;
  readonly serviceUrl: string;
  /** The attributes to write (`$select`), in order; all when undefined. */
  readonly select?: readonly AttributeModel[];
  readonly resolveName: ReferenceNameResolver;
}

/** `AccountSet(guid'…')`, relative to the service root. @internal */
export function entityPath(entity: EntityModel, row: StoredRow): string {
  return `${entity.setName}(guid'${String(row[entity.primaryKey])}')`;
}

function selectedAttributes(context: SerializeContext): readonly AttributeModel[] {
  return context.select ?? [...context.entity.attributes.values()];
}

/**
 * One record in OData v2 JSON: `__metadata: {uri, type}` then the attributes, dates as
 * `/Date(ms)/`, Int64/Decimal as strings, lookups `{Id, LogicalName, Name}`, option sets `{Value}`,
 * money `{Value: '12.50'}`.
 *
 * @example
 * ```ts
 * serializeEntityJson(row, context);
 * // { __metadata: { uri: 'http://127.0.0.1:1234/ORG/XRMServices/2011/OrganizationData.svc/AccountSet(guid\'…\')',
 * //                 type: 'Microsoft.Crm.Sdk.Data.Services.Account' }, Name: 'Acme', … }
 * ```
 *
 * @internal
 */
export function serializeEntityJson(row: StoredRow, context: SerializeContext): Record<string, unknown> {
  const json: Record<string, unknown> = {
    __metadata: {
      uri: `${context.serviceUrl}/${entityPath(context.entity, row)}`,
      type: context.entity.typeName,
    },
  };
  for (const attribute of selectedAttributes(context)) {
    json[attribute.name] = encodeWireValue(attribute, row[attribute.name] ?? null, context.resolveName);
  }
  return json;
}

function atomScalar(type: string, value: unknown): string {
  if (type === 'Edm.DateTime') return new Date(value as number).toISOString().replace('.000Z', 'Z');
  return escapeXml(String(value));
}

function atomProperty(attribute: AttributeModel, row: StoredRow, resolveName: ReferenceNameResolver): string {
  const value = row[attribute.name] ?? null;
  const name = `d:${attribute.name}`;
  if (
    attribute.type === 'EntityReference' ||
    attribute.type === 'OptionSetValue' ||
    attribute.type === 'Money'
  ) {
    const members =
      attribute.type === 'EntityReference'
        ? Object.entries(encodeWireValue(attribute, value, resolveName) as StoredReference).map(
            ([member, inner]) =>
              inner === null
                ? `<d:${member} m:null="true" />`
                : `<d:${member}${member === 'Id' ? ' m:type="Edm.Guid"' : ''}>${escapeXml(String(inner))}</d:${member}>`,
          )
        : [
            (value as StoredWrapper).Value === null
              ? '<d:Value m:null="true" />'
              : `<d:Value m:type="${attribute.type === 'Money' ? 'Edm.Decimal' : 'Edm.Int32'}">${escapeXml(String((value as StoredWrapper).Value))}</d:Value>`,
          ];
    return `<${name} m:type="${CRM_NAMESPACE}.${attribute.type}">${members.join('')}</${name}>`;
  }
  const typeAttribute = attribute.type === 'Edm.String' ? '' : ` m:type="${attribute.type}"`;
  if (value === null) return `<${name}${typeAttribute} m:null="true" />`;
  return `<${name}${typeAttribute}>${atomScalar(attribute.type, value)}</${name}>`;
}

function atomEntry(row: StoredRow, context: SerializeContext, updated: string): string {
  const path = entityPath(context.entity, row);
  const properties = selectedAttributes(context)
    .map((attribute) => atomProperty(attribute, row, context.resolveName))
    .join('');
  return (
    `<entry><id>${escapeXml(`${context.serviceUrl}/${path}`)}</id><title type="text"></title>` +
    `<updated>${updated}</updated><author><name /></author>` +
    `<link rel="edit" title="${escapeXml(context.entity.name)}" href="${escapeXml(path)}" />` +
    `<category term="${escapeXml(context.entity.typeName)}" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme" />` +
    `<content type="application/xml"><m:properties>${properties}</m:properties></content></entry>`
  );
}

const NAMESPACES =
  'xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" ' +
  'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns="http://www.w3.org/2005/Atom"';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>';

/** One record as an Atom entry (what CRM answers without `Accept: application/json`). @internal */
export function serializeEntityAtom(row: StoredRow, context: SerializeContext, now: Date): string {
  const entry = atomEntry(row, context, now.toISOString());
  return `${XML_DECLARATION}${entry.replace('<entry>', `<entry xml:base="${escapeXml(`${context.serviceUrl}/`)}" ${NAMESPACES}>`)}`;
}

/** A page of records as an Atom feed, with `<link rel="next">` when there are more. @internal */
export function serializeFeedAtom(
  rows: readonly StoredRow[],
  context: SerializeContext,
  now: Date,
  next: string | undefined,
): string {
  const setName = escapeXml(context.entity.setName);
  const updated = now.toISOString();
  return (
    `${XML_DECLARATION}<feed xml:base="${escapeXml(`${context.serviceUrl}/`)}" ${NAMESPACES}>` +
    `<title type="text">${setName}</title><id>${escapeXml(`${context.serviceUrl}/${context.entity.setName}`)}</id>` +
    `<updated>${updated}</updated><link rel="self" title="${setName}" href="${setName}" />` +
    rows.map((row) => atomEntry(row, context, updated)).join('') +
    (next === undefined ? '' : `<link rel="next" href="${escapeXml(next)}" />`) +
    '</feed>'
  );
}
