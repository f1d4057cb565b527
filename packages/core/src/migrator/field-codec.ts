import type { CdmsEntity, CdmsValue, ODataFilter, ODataLiteral } from '@cdms-sync/cdms-client';
import type { LookupName } from '../query/where-node';
import type { ColumnType } from '../store/local-store';

/** What a codec maps: the kind of CDMS attribute and the local value it becomes. */
export type FieldCodecKind =
  | 'string'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'guid'
  | 'idRef'
  | 'optionSet'
  | 'money'
  | 'foreignKey'
  | 'composite';

/**
 * A model class, as a foreign key codec points at it. Any class constructor fits; the sync layer
 * knows the concrete `SyncedModel` type.
 */
export type ModelClass = abstract new (...args: never[]) => unknown;

/**
 * How one local field maps to one CDMS attribute. Built by the `fields` factory; a migrator holds
 * one per mapped field.
 *
 * @example
 * const name = fields.string('Name');
 * name.decode(null); // ''
 * name.encode('Acme'); // 'Acme'
 * name.filterPath; // ['Name']
 */
export interface FieldCodec<TLocal = unknown> {
  readonly kind: FieldCodecKind;
  /** The CDMS attribute (schema name), e.g. `Name`, `ParentCustomerId`. */
  readonly attribute: string;
  /** Whether the local value may be `null`. */
  readonly nullable: boolean;
  /** The local column type this codec produces. */
  readonly columnType: ColumnType;
  /** The `$filter` path of the attribute: `['Name']`, `['ParentCustomerId', 'Id']`, `['StateCode', 'Value']`. */
  readonly filterPath: readonly string[];
  /** Lookups CDMS can evaluate on this attribute; others fail with `NotSupportedError` in CDMS mode. */
  readonly lookups?: readonly LookupName[];
  /** The CRM logical name of the target entity, sent with entity references (`contact`). */
  readonly logicalName?: string;
  /** For foreign keys: the related model class (a thunk, so models may reference each other). */
  readonly relatedModel?: () => ModelClass;
  /** CDMS value (as the client decoded it) -> local value. `undefined` counts as `null`. */
  decode(cdmsValue: CdmsValue | undefined): TLocal;
  /** Local value -> the value to put in a CDMS request body. Throws `ValidationError` on a bad value. */
  encode(local: TLocal): CdmsValue;
  /** Local value -> the typed `$filter` literal (the client escapes it). */
  toLiteral(local: TLocal): ODataLiteral;
  /**
   * For a field mapped to several CDMS attributes (`fields.joined`, `fields.object`): every attribute,
   * in order (`attribute` is the first). Absent for one-to-one codecs.
   */
  readonly attributes?: readonly string[];
  /** Composite codecs: local value -> the attributes of a request body (`{ FirstName, LastName }`). */
  encodeAttributes?(local: TLocal): CdmsEntity;
  /** Composite codecs: the received attributes -> local value. */
  decodeAttributes?(entity: CdmsEntity): TLocal;
  /**
   * Composite codecs: a lookup on the field as a `$filter` over its attributes. `exact: false` when
   * the filter only over-approximates (the local store then gives the exact answer); `undefined` when
   * CDMS cannot express it (the compiler then throws `NotSupportedError` before any request).
   */
  compileLookup?(lookup: LookupName, value: unknown): CompositeFilter | undefined;
}

/** A lookup on a composite field, compiled over its attributes. */
export interface CompositeFilter {
  readonly filter: ODataFilter;
  readonly exact: boolean;
}
