import { formatCdmsDate, isCdmsDate, parseCdmsDate } from '../values/cdms-date';
import { isGuid } from '../values/guid';
import { CdmsEmulatorError } from './cdms-emulator-error';
import type { AttributeModel, EntityModel } from './entity-model';

/** A lookup as stored. @internal */
export interface StoredReference {
  Id: string | null;
  LogicalName: string | null;
  Name: string | null;
}

/** An option set (`Value` is a number) or money (`Value` is decimal text) as stored. @internal */
export interface StoredWrapper {
  Value: number | string | null;
}

/**
 * One attribute value as the store keeps it: `Edm.DateTime` as epoch milliseconds (whole seconds),
 * `Edm.Int64` as a number, `Edm.Decimal` as text, GUIDs lower-case. @internal
 */
export type StoredValue = string | number | boolean | null | StoredReference | StoredWrapper;

/** One record as stored: every attribute of its entity is present. @internal */
export type StoredRow = Record<string, StoredValue>;

/** Finds the display name of the record a lookup points at, when the emulator holds it. @internal */
export type ReferenceNameResolver = (logicalName: string, id: string) => string | null | undefined;

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const INTEGER = /^-?\d+$/;

/** CRM keeps date-times to the second. @internal */
export function truncateToSecond(milliseconds: number): number {
  return Math.floor(milliseconds / 1000) * 1000;
}

function invalid(entity: EntityModel, attribute: AttributeModel, value: unknown): CdmsEmulatorError {
  const shown = JSON.stringify(value) ?? String(value);
  return new CdmsEmulatorError(
    400,
    `Error processing request stream. The value ${shown.slice(0, 80)} is not valid for the property '${attribute.name}' of type '${attribute.type}' on '${entity.typeName}'.`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function decodeDate(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (isCdmsDate(value)) return parseCdmsDate(value).getTime();
  // ISO 8601; CRM treats a date-time without offset as UTC.
  const iso = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function decodeNumber(value: unknown, integer: boolean): number | undefined {
  const number =
    typeof value === 'string' && (integer ? INTEGER : DECIMAL).test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
  return integer && !Number.isInteger(number) ? undefined : number;
}

/**
 * Reads a value sent by a client (JSON wire form) or given to `seed`/`editAsCdmsUser` (also
 * `Date`s and numbers), checks it against the attribute's type and returns the stored form.
 *
 * @internal
 */
export function decodeAttributeValue(
  entity: EntityModel,
  attribute: AttributeModel,
  value: unknown,
): StoredValue {
  const fail = () => invalid(entity, attribute, value);
  switch (attribute.type) {
    case 'EntityReference': {
      if (value === null || value === undefined) return { Id: null, LogicalName: null, Name: null };
      if (!isPlainObject(value)) throw fail();
      const { Id: id, LogicalName: logicalName, Name: name } = value;
      if (id === null || id === undefined) return { Id: null, LogicalName: null, Name: null };
      if (typeof id !== 'string' || !isGuid(id)) throw fail();
      const resolvedLogicalName = typeof logicalName === 'string' ? logicalName : attribute.target;
      if (resolvedLogicalName === undefined) {
        throw new CdmsEmulatorError(
          400,
          `The LogicalName of the lookup '${attribute.name}' on '${entity.typeName}' is required.`,
        );
      }
      return {
        Id: id.toLowerCase(),
        LogicalName: resolvedLogicalName,
        Name: typeof name === 'string' ? name : null,
      };
    }
    case 'OptionSetValue':
    case 'Money': {
      if (value === null || value === undefined) return { Value: null };
      if (!isPlainObject(value)) throw fail();
      const inner = value.Value;
      if (inner === null || inner === undefined) return { Value: null };
      if (attribute.type === 'OptionSetValue') {
        const number = decodeNumber(inner, true);
        if (number === undefined) throw fail();
        return { Value: number };
      }
      const text = typeof inner === 'number' && Number.isFinite(inner) ? String(inner) : inner;
      if (typeof text !== 'string' || !DECIMAL.test(text)) throw fail();
      return { Value: text };
    }
    default:
      break;
  }
  if (value === null || value === undefined) return null;
  switch (attribute.type) {
    case 'Edm.String':
      if (typeof value !== 'string') throw fail();
      if (attribute.maxLength !== undefined && [...value].length > attribute.maxLength) {
        // CRM 2011's validation fault, as the OData endpoint returns it (400).
        throw new CdmsEmulatorError(
          400,
          `A validation error occurred.  The length of the '${attribute.name.toLowerCase()}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`,
        );
      }
      return value;
    case 'Edm.Guid':
      if (typeof value !== 'string' || !isGuid(value)) throw fail();
      return value.toLowerCase();
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw fail();
      return value;
    case 'Edm.DateTime': {
      const milliseconds = decodeDate(value);
      if (milliseconds === undefined || Number.isNaN(milliseconds)) throw fail();
      return truncateToSecond(milliseconds);
    }
    case 'Edm.Int32': {
      const number = decodeNumber(value, true);
      if (number === undefined || number < -2147483648 || number > 2147483647) throw fail();
      return number;
    }
    case 'Edm.Int64': {
      const number = decodeNumber(value, true);
      if (number === undefined) throw fail();
      return number;
    }
    case 'Edm.Double': {
      const number = decodeNumber(value, false);
      if (number === undefined) throw fail();
      return number;
    }
    case 'Edm.Decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text)) throw fail();
      return text;
    }
  }
}

/** The empty value of an attribute (what a new record holds when nothing was sent). @internal */
export function emptyValue(attribute: AttributeModel): StoredValue {
  switch (attribute.type) {
    case 'EntityReference':
      return { Id: null, LogicalName: null, Name: null };
    case 'OptionSetValue':
    case 'Money':
      return { Value: null };
    default:
      return null;
  }
}

/** A deep copy of a stored value (records handed out must not alias the store). @internal */
function copyStoredValue(value: StoredValue): StoredValue {
  return typeof value === 'object' && value !== null ? { ...value } : value;
}

function resolveReference(value: StoredReference, resolveName: ReferenceNameResolver): StoredReference {
  if (value.Id === null || value.LogicalName === null) return { ...value };
  const name = resolveName(value.LogicalName, value.Id);
  return { Id: value.Id, LogicalName: value.LogicalName, Name: name === undefined ? value.Name : name };
}

/**
 * The OData v2 JSON form of a stored value: `/Date(ms)/`, Int64 and Decimal as strings, lookups
 * with their current `Name`. @internal
 */
export function encodeWireValue(
  attribute: AttributeModel,
  value: StoredValue,
  resolveName: ReferenceNameResolver,
): unknown {
  if (attribute.type === 'EntityReference') return resolveReference(value as StoredReference, resolveName);
  if (attribute.type === 'OptionSetValue' || attribute.type === 'Money')
    return { ...(value as StoredWrapper) };
  if (value === null) return null;
  switch (attribute.type) {
    case 'Edm.DateTime':
      return formatCdmsDate(new Date(value as number));
    case 'Edm.Int64':
      return String(value);
    default:
      return value;
  }
}

/** The form `records()`/`seed()` hand out: dates as `Date`, everything else as stored. @internal */
export function encodeRecordValue(
  attribute: AttributeModel,
  value: StoredValue,
  resolveName: ReferenceNameResolver,
): unknown {
  if (attribute.type === 'EntityReference') return resolveReference(value as StoredReference, resolveName);
  if (attribute.type === 'Edm.DateTime' && value !== null) return new Date(value as number);
  return copyStoredValue(value);
}
