import type { CdmsEntity, CdmsValue } from '@cdms-sync/cdms-client';
import { isCdmsSyncError } from '../errors/cdms-sync-error';
import { ValidationError } from '../errors/errors';
import type { FieldCodec } from './field-codec';
import { fields as codecs } from './fields';
import type { ReadPolicy } from './read-policy';

/** What `beforeSend` is told about the write in progress. */
export interface MigratorSendContext {
  /** `create` for a POST, `update` for a MERGE. */
  readonly operation: 'create' | 'update';
  /** The local values the body was encoded from. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The fields the caller asked to send (an update of some fields), when given. */
  readonly onlyFields?: readonly string[];
}

/** The local base fields every synced model has, and the CDMS attributes they mirror. */
export const BASE_ATTRIBUTES = Object.freeze({ created: 'CreatedOn', modified: 'ModifiedOn' });

/** The codecs `fromCdms` decodes `CreatedOn`/`ModifiedOn` with, built once (codecs are immutable). */
const BASE_CODECS: ReadonlyArray<readonly [field: string, attribute: string, codec: FieldCodec]> =
  Object.freeze(
    Object.entries(BASE_ATTRIBUTES).map(
      ([field, attribute]) => [field, attribute, codecs.datetime(attribute, { nullable: true })] as const,
    ),
  );

/** Primary key codecs by attribute, built once each (codecs are immutable). */
const PRIMARY_KEY_CODECS = new Map<string, { send: FieldCodec; receive: FieldCodec }>();

/** The codec of primary key `attribute`: not nullable to send (a create's id), nullable to receive. */
function primaryKeyCodec(attribute: string, direction: 'send' | 'receive'): FieldCodec {
  let pair = PRIMARY_KEY_CODECS.get(attribute);
  if (pair === undefined) {
    pair = { send: codecs.guid(attribute), receive: codecs.guid(attribute, { nullable: true }) };
    PRIMARY_KEY_CODECS.set(attribute, pair);
  }
  return pair[direction];
}

/**
 * Declares how one model maps to one CDMS entity: the entity (`service`) and a codec per mapped
 * local field. Local fields not listed are local-only; CDMS never sees them.
 *
 * @example
 * class OrganisationMigrator extends Migrator {
 *   service = 'Account';
 *   fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
 *   override beforeSend(data: CdmsEntity) {
 *     return { ...data, optevia_PAFOverride: true }; // CDMS validates addresses unless told not to
 *   }
 * }
 * new OrganisationMigrator().selectAttributes(); // ['AccountId', 'CreatedOn', 'ModifiedOn', 'Name', 'optevia_ukorganisation']
 */
export abstract class Migrator {
  /** The CDMS entity schema name, e.g. `Account`. */
  abstract readonly service: string;
  /** Local field name -> codec of its CDMS attribute. */
  abstract readonly fields: Record<string, FieldCodec>;
  /** The entity set to talk to. @default `${service}Set` */
  declare readonly entitySetName: string;
  /** The primary key attribute (a GUID). @default `${service}Id` */
  declare readonly primaryKeyAttribute: string;
  /**
   * How reads of the model use CDMS (see `ReadPolicy`); `'delta'` and staleness apply once the
   * model has a completed backfill, until then reads behave as `'always'`. A query overrides it
   * with `.fresh(policy)`. @default 'always'
   */
  declare readonly readPolicy?: ReadPolicy;

  constructor() {
    // Defaults that read `service`, which a subclass sets after this constructor ran. A subclass may
    // override either one with a plain field (`entitySetName = 'optevia_interactionSet'`).
    overridableDefault(this, 'entitySetName', () => `${this.service}Set`);
    overridableDefault(this, 'primaryKeyAttribute', () => `${this.service}Id`);
  }

  /**
   * Adjusts every request body before it is sent (after the fields were encoded). Default: unchanged.
   * @example
   * override beforeSend(data: CdmsEntity) { return { ...data, optevia_PAFOverride: true }; }
   */
  beforeSend(data: CdmsEntity, _context: MigratorSendContext): CdmsEntity {
    return data;
  }

  /** Adjusts every entity received from CDMS before its fields are decoded. Default: unchanged. */
  afterReceive(entity: CdmsEntity): CdmsEntity {
    return entity;
  }

  /** The local names of the mapped fields, in declaration order. */
  mappedFields(): readonly string[] {
    return Object.keys(this.fields);
  }

  /** The codec of a mapped field, or `undefined` for a local-only field. */
  codecFor(field: string): FieldCodec | undefined {
    return Object.hasOwn(this.fields, field) ? this.fields[field] : undefined;
  }

  /**
   * `$select` for reads: the primary key, `CreatedOn`, `ModifiedOn`, then every mapped attribute,
   * without duplicates.
   */
  selectAttributes(): string[] {
    const attributes = [
      this.primaryKeyAttribute,
      BASE_ATTRIBUTES.created,
      BASE_ATTRIBUTES.modified,
      ...Object.values(this.fields).flatMap((codec) => codec.attributes ?? [codec.attribute]),
    ];
    return [...new Set(attributes)];
  }

  /**
   * Encodes local values into a CDMS request body: each mapped field present in `values` (and in
   * `onlyFields` when given), plus the primary key when `values.cdmsPk` is set (a client-chosen id on
   * create); then `beforeSend`. Local-only fields are ignored. A bad value throws `ValidationError`
   * naming the field, before anything is sent.
   *
   * @example
   * migrator.toCdms({ name: 'Acme', notes: 'local only' }); // { Name: 'Acme' }
   */
  toCdms(
    values: Record<string, unknown>,
    onlyFields?: readonly string[],
    options: { operation?: 'create' | 'update' } = {},
  ): CdmsEntity {
    const wanted = onlyFields === undefined ? undefined : new Set(onlyFields);
    const body: CdmsEntity = {};
    const cdmsPk = values.cdmsPk;
    if (cdmsPk !== undefined && cdmsPk !== null && (wanted === undefined || wanted.has('cdmsPk'))) {
      body[this.primaryKeyAttribute] = this.encodeField(
        'cdmsPk',
        primaryKeyCodec(this.primaryKeyAttribute, 'send'),
        cdmsPk,
      );
    }
    for (const [field, codec] of Object.entries(this.fields)) {
      if (wanted !== undefined && !wanted.has(field)) continue;
      if (!Object.hasOwn(values, field) || values[field] === undefined) continue;
      if (codec.encodeAttributes) Object.assign(body, this.encodeComposite(field, codec, values[field]));
      else body[codec.attribute] = this.encodeField(field, codec, values[field]);
    }
    const context: MigratorSendContext = {
      operation: options.operation ?? (onlyFields === undefined ? 'create' : 'update'),
      values,
      ...(onlyFields === undefined ? {} : { onlyFields }),
    };
    return this.beforeSend(body, context);
  }

  /**
   * Decodes a CDMS entity into local values: `afterReceive`, then `cdmsPk` from the primary key,
   * `created`/`modified` from `CreatedOn`/`ModifiedOn`, and every mapped attribute the entity carries
   * (attributes absent from the entity are left out, so a partial `$select` never blanks a field).
   */
  fromCdms(entity: CdmsEntity): Record<string, unknown> {
    const received = this.afterReceive(entity);
    const values: Record<string, unknown> = {};
    const primaryKey = received[this.primaryKeyAttribute];
    if (primaryKey !== undefined) {
      values.cdmsPk = this.decodeField(
        'cdmsPk',
        primaryKeyCodec(this.primaryKeyAttribute, 'receive'),
        primaryKey,
      );
    }
    for (const [field, attribute, codec] of BASE_CODECS) {
      const raw = received[attribute];
      if (raw !== undefined) values[field] = this.decodeField(field, codec, raw);
    }
    for (const [field, codec] of Object.entries(this.fields)) {
      if (codec.decodeAttributes) {
        // A composite field is decoded when the entity carries any of its attributes.
        if (codec.attributes?.some((attribute) => received[attribute] !== undefined)) {
          values[field] = this.decodeComposite(field, codec, received);
        }
        continue;
      }
      const raw = received[codec.attribute];
      if (raw !== undefined) values[field] = this.decodeField(field, codec, raw);
    }
    return values;
  }

  private encodeField(field: string, codec: FieldCodec, value: unknown): CdmsValue {
    try {
      return codec.encode(value);
    } catch (error) {
      throw this.fieldError(field, error);
    }
  }

  private encodeComposite(field: string, codec: FieldCodec, value: unknown): CdmsEntity {
    try {
      return codec.encodeAttributes?.(value) ?? {};
    } catch (error) {
      throw this.fieldError(field, error);
    }
  }

  private decodeComposite(field: string, codec: FieldCodec, entity: CdmsEntity): unknown {
    try {
      return codec.decodeAttributes?.(entity);
    } catch (error) {
      throw this.fieldError(field, error);
    }
  }

  private decodeField(field: string, codec: FieldCodec, raw: CdmsValue): unknown {
    try {
      return codec.decode(raw);
    } catch (error) {
      throw this.fieldError(field, error);
    }
  }

  private fieldError(field: string, error: unknown): unknown {
    if (!isCdmsSyncError(error)) return error;
    return new ValidationError(`${this.service} field '${field}': ${error.message}`);
  }
}

function overridableDefault(target: object, key: string, compute: () => string): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get: compute,
    // Assignment semantics (useDefineForClassFields: false) turn the default into a plain value.
    set(value: string) {
      Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value });
    },
  });
}
