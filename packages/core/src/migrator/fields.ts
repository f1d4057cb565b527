import {
  type CdmsValue,
  entityReference,
  literal,
  money,
  type ODataLiteral,
  optionSetValue,
} from '@cdms-sync/cdms-client';
import { ValidationError } from '../errors/errors';
import { describeValue } from '../query/describe-value';
import { normaliseGuid } from '../query/guid';
import { EQUALITY_LOOKUPS, ORDERED_LOOKUPS, TEXT_MATCH_LOOKUPS } from '../query/lookup-groups';
import type { LookupName } from '../query/where-node';
import type { ColumnType } from '../store/local-store';
import { joinedTextCodec, objectCodec } from './composite-fields';
import type { FieldCodec, FieldCodecKind, ModelClass } from './field-codec';

/** Options shared by every codec. */
export interface FieldOptions {
  /** The local value may be `null`. @default false */
  nullable?: boolean;
}

/** Options of entity-reference codecs (`idRef`, `foreignKey`). */
export interface ReferenceFieldOptions extends FieldOptions {
  /** The CRM logical name of the referenced entity (`account`), sent as `LogicalName`. */
  logicalName?: string;
}

const EQUALITY = EQUALITY_LOOKUPS;
const ORDERED = ORDERED_LOOKUPS;
const TEXT: readonly LookupName[] = [...ORDERED, ...TEXT_MATCH_LOOKUPS];
const TEMPORAL: readonly LookupName[] = [...ORDERED, 'year'];

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;
const DATE_ONLY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const WCF_DATE_PATTERN = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/**
 * Codec factories, one per kind of CDMS attribute. Each maps one local field to one attribute.
 *
 * @example
 * class OrganisationMigrator extends Migrator {
 *   service = 'Account';
 *   fields = {
 *     name: fields.string('Name'),
 *     revenue: fields.money('Revenue', { nullable: true }),
 *     status: fields.optionSet('StateCode'),
 *     parent: fields.foreignKey('ParentAccountId', () => Organisation, { logicalName: 'account' }),
 *   };
 * }
 */
export const fields = Object.freeze({
  /**
   * `Edm.String`. CDMS `null` decodes to `''` unless `nullable`.
   * `$filter`: `Name eq 'Acme'`.
   */
  string(attribute: string, options: FieldOptions = {}): FieldCodec<string | null> {
    const nullable = options.nullable ?? false;
    return codec<string>({
      kind: 'string',
      attribute,
      nullable,
      columnType: 'string',
      lookups: TEXT,
      decode: (raw) => {
        if (typeof raw === 'string') return raw;
        if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
        throw cannotDecode(attribute, 'a string', raw);
      },
      encode: (local) => expectString(attribute, local),
      literal: (local) => literal.string(expectString(attribute, local)),
      nullDecodesTo: nullable ? null : '',
    });
  },

  /** `Edm.Int32` / `Edm.Int64` (Int64 arrives as text). `$filter`: `NumberOfEmployees gt 10`. */
  integer(attribute: string, options: FieldOptions = {}): FieldCodec<number | null> {
    return codec<number>({
      kind: 'integer',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'integer',
      lookups: ORDERED,
      decode: (raw) => {
        const number = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
        if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
        throw cannotDecode(attribute, 'a whole number', raw);
      },
      encode: (local) => expectInteger(attribute, local),
      literal: (local) => literal.integer(expectInteger(attribute, local)),
    });
  },

  /** `Edm.Decimal`, kept as a decimal string locally (`'12.50'`). `$filter`: `Rate ge 1.5M`. */
  decimal(attribute: string, options: FieldOptions = {}): FieldCodec<string | null> {
    return codec<string>({
      kind: 'decimal',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'decimal',
      lookups: ORDERED,
      decode: (raw) => decodeDecimal(attribute, raw),
      encode: (local) => expectDecimal(attribute, local),
      literal: (local) => literal.decimal(expectDecimal(attribute, local)),
    });
  },

  /** `Edm.Boolean` (two-option set). CDMS `null` decodes to `false` unless `nullable`. */
  boolean(attribute: string, options: FieldOptions = {}): FieldCodec<boolean | null> {
    const nullable = options.nullable ?? false;
    return codec<boolean>({
      kind: 'boolean',
      attribute,
      nullable,
      columnType: 'boolean',
      lookups: EQUALITY,
      decode: (raw) => {
        if (typeof raw === 'boolean') return raw;
        throw cannotDecode(attribute, 'a boolean', raw);
      },
      encode: (local) => expectBoolean(attribute, local),
      literal: (local) => literal.boolean(expectBoolean(attribute, local)),
      nullDecodesTo: nullable ? null : false,
    });
  },

  /**
   * `Edm.DateTime` as a UTC `Date`, truncated to the second (CRM's precision).
   * `$filter`: `ModifiedOn gt datetime'2016-02-28T00:00:00'`.
   */
  datetime(attribute: string, options: FieldOptions = {}): FieldCodec<Date | null> {
    return codec<Date>({
      kind: 'datetime',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'datetime',
      lookups: TEMPORAL,
      decode: (raw) => {
        const date = toDate(raw);
        if (date === undefined) throw cannotDecode(attribute, 'a date-time', raw);
        // CRM sends whole seconds: such a date is kept rather than copied.
        return date.getTime() % 1000 === 0 ? date : truncateToSecond(date);
      },
      encode: (local) => truncateToSecond(expectDate(attribute, local)),
      literal: (local) => literal.datetime(expectDate(attribute, local)),
    });
  },

  /**
   * A date-only attribute (`Edm.DateTime` at UTC midnight), kept locally as `'YYYY-MM-DD'`.
   * `$filter`: `BirthDate eq datetime'1980-05-01T00:00:00'`.
   */
  date(attribute: string, options: FieldOptions = {}): FieldCodec<string | null> {
    return codec<string>({
      kind: 'date',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'date',
      lookups: TEMPORAL,
      decode: (raw) => {
        if (typeof raw === 'string' && DATE_ONLY_PATTERN.test(raw)) return raw;
        const date = toDate(raw);
        if (date === undefined) throw cannotDecode(attribute, 'a date', raw);
        return date.toISOString().slice(0, 10);
      },
      encode: (local) => dateOnlyToDate(attribute, local),
      literal: (local) => literal.datetime(dateOnlyToDate(attribute, local)),
    });
  },

  /** `Edm.Guid`: a plain GUID attribute such as a primary key. `$filter`: `AccountId eq guid'…'`. */
  guid(attribute: string, options: FieldOptions = {}): FieldCodec<string | null> {
    return codec<string>({
      kind: 'guid',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'uuid',
      lookups: EQUALITY,
      decode: (raw) => {
        const guid = normaliseGuid(raw);
        if (guid === undefined) throw cannotDecode(attribute, 'a GUID', raw);
        return guid;
      },
      encode: (local) => expectGuid(attribute, local),
      literal: (local) => literal.guid(expectGuid(attribute, local)),
    });
  },

  /**
   * A lookup (`EntityReference`) kept locally as the referenced record's GUID.
   * `{ Id: null }` decodes to `null`. `$filter`: `OwnerId/Id eq guid'…'`.
   */
  idRef(attribute: string, options: ReferenceFieldOptions = {}): FieldCodec<string | null> {
    return referenceCodec('idRef', attribute, options);
  },

  /** An `OptionSetValue` kept locally as its number. `$filter`: `StateCode/Value eq 1`. */
  optionSet(attribute: string, options: FieldOptions = {}): FieldCodec<number | null> {
    return codec<number>({
      kind: 'optionSet',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'integer',
      lookups: ORDERED,
      filterPath: [attribute, 'Value'],
      decode: (raw) => {
        const inner = unwrapValue(raw);
        if (inner === null) return null;
        if (typeof inner === 'number' && Number.isInteger(inner)) return inner;
        throw cannotDecode(attribute, 'an option set value', raw);
      },
      encode: (local) => optionSetValue(expectInteger(attribute, local)),
      encodeNull: () => ({ Value: null }),
      literal: (local) => literal.integer(expectInteger(attribute, local)),
    });
  },

  /** A `Money` value kept locally as a decimal string. `$filter`: `Revenue/Value gt 1000M`. */
  money(attribute: string, options: FieldOptions = {}): FieldCodec<string | null> {
    return codec<string>({
      kind: 'money',
      attribute,
      nullable: options.nullable ?? false,
      columnType: 'decimal',
      lookups: ORDERED,
      filterPath: [attribute, 'Value'],
      decode: (raw) => {
        const inner = unwrapValue(raw);
        return inner === null ? null : decodeDecimal(attribute, inner);
      },
      encode: (local) => money(expectDecimal(attribute, local)),
      encodeNull: () => ({ Value: null }),
      literal: (local) => literal.decimal(expectDecimal(attribute, local)),
    });
  },

  /**
   * A lookup to another synced model. `decode` gives the related record's GUID (or `null`); the sync
   * layer resolves it to the local row. `encode` takes a GUID. `$filter`: `ParentCustomerId/Id eq guid'…'`.
   */
  foreignKey<TModel extends ModelClass>(
    attribute: string,
    relatedModel: () => TModel,
    options: ReferenceFieldOptions = {},
  ): FieldCodec<string | null> & { readonly relatedModel: () => TModel } {
    return Object.freeze({ ...referenceCodec('foreignKey', attribute, options), relatedModel });
  },

  /**
   * One local text field <-> several CDMS text attributes (`fullName` <-> `FirstName` + `LastName`).
   * See `joinedTextCodec` for how values split and which filters CDMS can express.
   */
  joined: joinedTextCodec,

  /**
   * One local object (a JSON column) <-> one CDMS attribute per key (`address` <-> `Address1_Line1`,
   * `Address1_City` …). See `objectCodec`.
   */
  object: objectCodec,
});

interface CodecSpec<T> {
  kind: FieldCodecKind;
  attribute: string;
  nullable: boolean;
  columnType: ColumnType;
  lookups: readonly LookupName[];
  filterPath?: readonly string[];
  logicalName?: string;
  decode(raw: CdmsValue): T | null;
  encode(local: unknown): CdmsValue;
  encodeNull?(): CdmsValue;
  literal(local: unknown): ODataLiteral;
  /** What CDMS `null` becomes locally. @default null */
  nullDecodesTo?: T | null;
}

/** Shared null handling, so each kind only describes its non-null values. */
function codec<T>(spec: CodecSpec<T>): FieldCodec<T | null> {
  const nullDecodesTo = spec.nullDecodesTo ?? null;
  return Object.freeze({
    kind: spec.kind,
    attribute: spec.attribute,
    nullable: spec.nullable,
    columnType: spec.columnType,
    lookups: Object.freeze([...spec.lookups]),
    filterPath: Object.freeze([...(spec.filterPath ?? [spec.attribute])]),
    ...(spec.logicalName === undefined ? {} : { logicalName: spec.logicalName }),
    decode: (raw: CdmsValue | undefined) =>
      raw === null || raw === undefined ? nullDecodesTo : spec.decode(raw),
    encode: (local: T | null) => {
      if (local !== null && local !== undefined) return spec.encode(local);
      if (!spec.nullable && spec.kind !== 'string') {
        throw new ValidationError(
          `CDMS attribute '${spec.attribute}' is not nullable; got ${describeValue(local)}.`,
        );
      }
      return spec.encodeNull ? spec.encodeNull() : null;
    },
    toLiteral: (local: T | null) =>
      local === null || local === undefined ? literal.null() : spec.literal(local),
  });
}

function referenceCodec(
  kind: 'idRef' | 'foreignKey',
  attribute: string,
  options: ReferenceFieldOptions,
): FieldCodec<string | null> {
  const logicalName = options.logicalName;
  return codec<string>({
    kind,
    attribute,
    nullable: options.nullable ?? kind === 'foreignKey',
    columnType: kind === 'foreignKey' ? 'unknown' : 'uuid',
    lookups: EQUALITY,
    filterPath: [attribute, 'Id'],
    ...(logicalName === undefined ? {} : { logicalName }),
    decode: (raw) => {
      const id =
        typeof raw === 'object' && raw !== null && !(raw instanceof Date) && 'Id' in raw ? raw.Id : raw;
      if (id === null || id === undefined || id === '') return null;
      const guid = normaliseGuid(id);
      if (guid === undefined) throw cannotDecode(attribute, 'an entity reference', raw);
      return guid;
    },
    encode: (local) => entityReference(expectGuid(attribute, local), logicalName),
    // CRM 2011 clears a lookup when it receives an empty reference.
    encodeNull: () => ({ Id: null, LogicalName: null }),
    literal: (local) => literal.guid(expectGuid(attribute, local)),
  });
}

function unwrapValue(raw: CdmsValue): CdmsValue {
  if (typeof raw === 'object' && raw !== null && !(raw instanceof Date) && 'Value' in raw) {
    return raw.Value === undefined || raw.Value === '' ? null : (raw.Value as CdmsValue);
  }
  return raw;
}

function decodeDecimal(attribute: string, raw: CdmsValue): string {
  if (typeof raw === 'string' && DECIMAL_PATTERN.test(raw)) return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  throw cannotDecode(attribute, 'a decimal', raw);
}

function expectString(attribute: string, local: unknown): string {
  if (typeof local === 'string') return local;
  throw cannotEncode(attribute, 'a string', local);
}

function expectInteger(attribute: string, local: unknown): number {
  if (typeof local === 'number' && Number.isSafeInteger(local)) return local;
  throw cannotEncode(attribute, 'a whole number', local);
}

function expectDecimal(attribute: string, local: unknown): string {
  if (typeof local === 'string' && DECIMAL_PATTERN.test(local)) return local;
  if (typeof local === 'number' && Number.isFinite(local)) return String(local);
  throw cannotEncode(attribute, "a decimal string such as '12.50'", local);
}

function expectBoolean(attribute: string, local: unknown): boolean {
  if (typeof local === 'boolean') return local;
  throw cannotEncode(attribute, 'a boolean', local);
}

function expectDate(attribute: string, local: unknown): Date {
  if (local instanceof Date && !Number.isNaN(local.getTime())) return local;
  throw cannotEncode(attribute, 'a valid Date', local);
}

function expectGuid(attribute: string, local: unknown): string {
  const guid = normaliseGuid(local);
  if (guid !== undefined) return guid;
  throw cannotEncode(attribute, 'a GUID', local);
}

function dateOnlyToDate(attribute: string, local: unknown): Date {
  if (local instanceof Date && !Number.isNaN(local.getTime())) {
    return new Date(`${local.toISOString().slice(0, 10)}T00:00:00.000Z`);
  }
  if (typeof local === 'string' && DATE_ONLY_PATTERN.test(local)) {
    const date = new Date(`${local}T00:00:00.000Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(local)) return date;
  }
  throw cannotEncode(attribute, "a date 'YYYY-MM-DD'", local);
}

/** Accepts what the client decodes (`Date`) and the raw wire forms (`/Date(ms)/`, ISO text, epoch ms). */
function toDate(raw: CdmsValue): Date | undefined {
  let date: Date | undefined;
  if (raw instanceof Date) date = raw;
  else if (typeof raw === 'number') date = new Date(raw);
  else if (typeof raw === 'string') {
    const wcf = WCF_DATE_PATTERN.exec(raw);
    date = wcf?.[1] === undefined ? new Date(raw) : new Date(Number(wcf[1]));
  }
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}

/** CRM keeps date-times to the second; truncating locally keeps `modified` comparable with `ModifiedOn`. */
export function truncateToSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function cannotDecode(attribute: string, expected: string, raw: unknown): ValidationError {
  return new ValidationError(
    `CDMS attribute '${attribute}' should hold ${expected}; got ${describeValue(raw)}.`,
  );
}

function cannotEncode(attribute: string, expected: string, local: unknown): ValidationError {
  return new ValidationError(
    `Cannot send ${describeValue(local)} to CDMS attribute '${attribute}': expected ${expected}.`,
  );
}
