import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { ValidationError } from '../errors/errors';
import { describeValue } from '../query/describe-value';
import { normaliseGuid } from '../query/guid';
import { didYouMean } from './did-you-mean';
import { describeMaxLength, knownMaxLength, type MaxLengthOverrides } from './max-lengths';
import { type SchemaAttribute, type SchemaEntity, SchemaMetadata } from './schema-metadata';

/** Options of `createMetadataValidator` (and of `createSync({ metadata })`). */
export interface MetadataValidationOptions {
  /**
   * Maximum lengths of string attributes `$metadata` does not publish (CRM 2011 often publishes
   * none), `'Entity.Attribute'` -> characters. `$metadata`'s own `MaxLength` wins. @default {}
   */
  maxLengths?: MaxLengthOverrides;
}

/** Checks one request body against `$metadata`; throws `ValidationError`. */
export type MetadataValidator = (entitySetName: string, body: Readonly<Record<string, unknown>>) => void;

const INT32 = [-2_147_483_648, 2_147_483_647] as const;
/** CRM 2011 money: ±922,337,203,685,477. */
const MONEY_LIMIT = 922_337_203_685_477;
/** CRM 2011 keeps date-times from 1900-01-01 to 9999-12-31. */
const DATE_RANGE = [Date.UTC(1900, 0, 1), Date.UTC(10000, 0, 1)] as const;

/**
 * A validator of request bodies against `$metadata`, run before every create and update when
 * `createSync({ metadata })` is given: an unknown attribute, a value of the wrong type, an
 * integer, money or date-time out of CRM's range, a decimal with more digits than the published
 * precision/scale, or a string longer than the known maximum length is a `ValidationError`, and no
 * request is sent. The message says where the maximum length came from (`$metadata` or the
 * `maxLengths` override).
 *
 * @example
 * ```ts
 * const validate = createMetadataValidator(await client.metadata(), { maxLengths: { 'Account.Name': 160 } });
 * validate('AccountSet', { Name: 'x'.repeat(200) });
 * // ValidationError: AccountSet.Name is 200 characters long; CDMS holds at most 160 (from the host's maxLengths override)
 * ```
 */
export function createMetadataValidator(
  metadata: string | CdmsMetadata | SchemaMetadata,
  options: MetadataValidationOptions = {},
): MetadataValidator {
  const schema = SchemaMetadata.from(metadata);
  const overrides = options.maxLengths ?? {};
  return (entitySetName, body) => {
    const entity =
      schema.document.entitySets[entitySetName] === undefined ? undefined : schema.entity(entitySetName);
    if (entity === undefined) {
      const suggestion = didYouMean(entitySetName, Object.keys(schema.document.entitySets));
      throw new ValidationError(
        `$metadata has no entity set '${entitySetName}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      );
    }
    for (const [name, value] of Object.entries(body)) {
      if (value === undefined) continue;
      const attribute = schema.attribute(entity, name);
      if (attribute === undefined) {
        const suggestion = didYouMean(
          name,
          entity.attributes.map((known) => known.name),
        );
        throw new ValidationError(
          `${entitySetName} has no attribute '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        );
      }
      const problem = checkValue(entity, attribute, value, overrides);
      if (problem !== undefined) {
        throw new ValidationError(`${entitySetName}.${name} ${problem} (${describeValue(value)})`);
      }
    }
  };
}

/** Why `value` cannot be sent to `attribute`, or `undefined` when it can. */
function checkValue(
  entity: SchemaEntity,
  attribute: SchemaAttribute,
  value: unknown,
  overrides: MaxLengthOverrides,
): string | undefined {
  if (value === null) return undefined;
  switch (attribute.kind) {
    case 'string': {
      if (typeof value !== 'string') return 'expects a string';
      const known = knownMaxLength(entity, attribute, overrides);
      if (known !== undefined && value.length > known.maxLength) {
        return `is ${value.length} characters long; CDMS holds at most ${describeMaxLength(known)}`;
      }
      return undefined;
    }
    case 'int32':
      return checkInteger(value, INT32[0], INT32[1]);
    case 'int64':
      return typeof value === 'string' && /^-?\d+$/.test(value)
        ? undefined
        : checkInteger(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'decimal':
    case 'double':
      return checkDecimal(value, attribute);
    case 'money': {
      const inner = unwrap(value);
      if (inner === null) return undefined;
      const problem = checkDecimal(inner, attribute);
      if (problem !== undefined) return problem;
      return Math.abs(Number(inner)) > MONEY_LIMIT
        ? `is out of CRM's money range ±${MONEY_LIMIT}`
        : undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expects a boolean';
    case 'datetime': {
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) return 'expects a valid Date';
      const time = value.getTime();
      return time < DATE_RANGE[0] || time >= DATE_RANGE[1]
        ? "is out of CRM's date-time range (1900-01-01 to 9999-12-31)"
        : undefined;
    }
    case 'guid':
      return normaliseGuid(value) === undefined ? 'expects a GUID' : undefined;
    case 'optionSet': {
      const inner = unwrap(value);
      return inner === null ? undefined : checkInteger(inner, INT32[0], INT32[1]);
    }
    case 'lookup': {
      if (typeof value !== 'object' || value === null || !('Id' in value))
        return 'expects an entity reference { Id }';
      const id = (value as { Id: unknown }).Id;
      return id === null || normaliseGuid(id) !== undefined
        ? undefined
        : 'expects an entity reference with a GUID Id';
    }
    default:
      return undefined;
  }
}

function unwrap(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'Value' in value
    ? (value as { Value: unknown }).Value
    : value;
}

function checkInteger(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'expects a whole number';
  return value < min || value > max ? `is out of range (${min} to ${max})` : undefined;
}

/** A decimal string or number; more digits than the published precision/scale is out of range. */
function checkDecimal(value: unknown, attribute: SchemaAttribute): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text)) return 'expects a decimal';
  const [whole = '', fraction = ''] = text.replace('-', '').split('.');
  const { precision, scale } = attribute;
  if (scale !== undefined && fraction.replace(/0+$/, '').length > scale) {
    return `has more than ${scale} decimal places (Scale from $metadata)`;
  }
  if (precision !== undefined && whole.replace(/^0+/, '').length > precision - (scale ?? 0)) {
    return `has more than ${precision - (scale ?? 0)} digits before the point (Precision ${precision} from $metadata)`;
  }
  return undefined;
}
