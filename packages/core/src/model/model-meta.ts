import { FieldError, NotSupportedError } from '../errors/errors';
import type { FieldCodec } from '../migrator/field-codec';
import type { Migrator } from '../migrator/migrator';
import type { ModelSchema } from '../query/model-schema';
import type { ColumnDescription, LocalStore, Row } from '../store/local-store';
import type { ModelClass } from './model-class';
import { buildModelSchema } from './model-schema-builder';
import { loadedValuesSlot, type SyncedModel } from './synced-model';

/** A mapped foreign key: migrator field `organisation`, stored as the local id in `organisationId`. */
export interface ForeignKeyField {
  /** The migrator's field name, e.g. `organisation`. */
  readonly field: string;
  /** The local field holding the related row's local id, e.g. `organisationId` (column `organisation_id`). */
  readonly localField: string;
  readonly codec: FieldCodec;
  /** The related model class. */
  readonly related: () => ModelClass;
}

/** What core knows about a model once its table has been described. @internal */
export interface ResolvedModel {
  readonly columns: readonly ColumnDescription[];
  /** `columns` by field name. */
  readonly columnsByField: ReadonlyMap<string, ColumnDescription>;
  /** Every local field (store field names, camelCase). */
  readonly localFields: ReadonlySet<string>;
  /** The migrator's mapped field names (a foreign key by its migrator name, `organisation`). */
  readonly mappedFields: readonly string[];
  /** Mapped foreign keys by migrator field name. */
  readonly foreignKeys: ReadonlyMap<string, ForeignKeyField>;
  readonly schema: ModelSchema;
  /**
   * The table has the optional `cdms_version` column (field `cdmsVersion`, a bigint): CDMS
   * `VersionNumber` is then read and kept there, and a record whose `ModifiedOn` equals the local
   * `modified` but whose `VersionNumber` is greater (two writes within one second) is refreshed.
   */
  readonly versioned: boolean;
  /** `$select` of every read: the migrator's attributes, plus `VersionNumber` when `versioned`. */
  readonly selectAttributes: readonly string[];
}

/** The optional local field that keeps CDMS `VersionNumber` (column `cdms_version`). @internal */
export const VERSION_FIELD = 'cdmsVersion';

/** The CDMS attribute `VERSION_FIELD` mirrors. @internal */
export const VERSION_ATTRIBUTE = 'VersionNumber';

/** The local field that stores foreign key `field`: `organisation` -> `organisationId`. */
export function foreignKeyLocalField(field: string): string {
  return `${field}Id`;
}

/**
 * Per-model runtime metadata: the table description (lazy, cached on first use), the mapped
 * fields, the foreign keys and the `ModelSchema` the query builders validate against.
 * @internal
 */
export class ModelMeta<T extends SyncedModel = SyncedModel> {
  #resolved: Promise<ResolvedModel> | undefined;
  #resolvedModel: ResolvedModel | undefined;
  /**
   * The loaded values of instances of another copy of this package's `SyncedModel` (ESM and
   * CommonJS side by side); the others keep them in their own slot (`loadedValuesSlot`).
   */
  readonly #foreignLoaded = new WeakMap<object, Row>();
  /** Related objects `prefetchRelated()` loaded, per instance and foreign key field. */
  readonly #prefetched = new WeakMap<object, Map<string, SyncedModel | null>>();

  constructor(
    readonly Model: ModelClass<T>,
    private readonly store: LocalStore,
    /** Checks each CDMS request body before it is sent (`createSync({ metadata })`). */
    readonly validateBody: (entitySetName: string, body: Record<string, unknown>) => void = () => {},
  ) {}

  get table(): string {
    return this.Model.table;
  }

  /**
   * True when the model has a migrator. A registered model without one is a plain local model (the
   * exit path once CDMS is retired): every call behaves as with `skipCdms`.
   */
  get synced(): boolean {
    return this.Model.migrator !== undefined && this.Model.migrator !== null;
  }

  /** The model's migrator; only the CDMS paths ask for it, and they never run for an unsynced model. */
  get migrator(): Migrator {
    const migrator = this.Model.migrator;
    if (!migrator)
      throw new NotSupportedError(`${this.Model.name} has no migrator: it is not synced with CDMS`);
    return migrator;
  }

  /** Describe the table once and derive the schema (cached; a failure is not cached). */
  resolve(): Promise<ResolvedModel> {
    if (!this.#resolved) {
      this.#resolved = this.#load().then(
        (resolved) => {
          this.#resolvedModel = resolved;
          return resolved;
        },
        (error: unknown) => {
          this.#resolved = undefined;
          throw error;
        },
      );
    }
    return this.#resolved;
  }

  /**
   * What `resolve()` resolved, once it has: hot paths read it without awaiting
   * (`meta.resolved ?? (await meta.resolve())`); `undefined` before.
   */
  get resolved(): ResolvedModel | undefined {
    return this.#resolvedModel;
  }

  /**
   * An instance of the model holding `row`'s values, `row` itself kept as its loaded values: the
   * caller hands `row` over (a row the store just returned) and never changes it afterwards.
   */
  instantiate(row: Row): T {
    // Assign after construction: subclass field initialisers must not reset the values.
    const instance = Object.assign(new this.Model(), row);
    this.#keepLoaded(instance, row);
    return instance;
  }

  /** Remember a copy of `row` as what `instance` holds in the local store (after a load or a save). */
  remember(instance: T, row: Row): void {
    this.#keepLoaded(instance, { ...row });
  }

  #keepLoaded(instance: T, row: Row): void {
    if (loadedValuesSlot.holds(instance)) loadedValuesSlot.set(instance, row);
    else this.#foreignLoaded.set(instance, row);
  }

  /** The values `instance` had when last loaded or saved; `undefined` for an object built with `new`. */
  loadedValues(instance: T): Readonly<Row> | undefined {
    return loadedValuesSlot.holds(instance)
      ? (loadedValuesSlot.get(instance) as Readonly<Row> | undefined)
      : this.#foreignLoaded.get(instance);
  }

  /** Keep the related object `prefetchRelated()` loaded for `instance`'s foreign key `field`. */
  cachePrefetched(instance: T, field: string, related: SyncedModel | null): void {
    let byField = this.#prefetched.get(instance);
    if (!byField) {
      byField = new Map();
      this.#prefetched.set(instance, byField);
    }
    byField.set(field, related);
  }

  /**
   * The related object `prefetchRelated()` loaded for `instance`'s foreign key `field`, while the
   * foreign key still holds `id` (a changed foreign key is loaded again); `undefined` when none.
   */
  prefetched(instance: T, field: string, id: unknown): { readonly object: SyncedModel | null } | undefined {
    const byField = this.#prefetched.get(instance);
    if (!byField?.has(field)) return undefined;
    const object = byField.get(field) ?? null;
    const cachedId = object === null ? null : object.id;
    return cachedId === (id ?? null) ? { object } : undefined;
  }

  async #load(): Promise<ResolvedModel> {
    const columns = await this.store.describe(this.table);
    if (columns.length === 0)
      throw new FieldError(`Table ${this.table} of model ${this.Model.name} has no columns`);
    const columnsByField = new Map(columns.map((column) => [column.field, column]));
    const localFields = new Set(columnsByField.keys());
    for (const base of ['id', 'cdmsPk', 'created', 'modified']) {
      if (!localFields.has(base)) {
        throw new FieldError(
          `Table ${this.table} of model ${this.Model.name} lacks the synced column for ${base}`,
        );
      }
    }
    const migrator = this.synced ? this.migrator : undefined;
    const codecs = (migrator?.fields ?? {}) as Record<string, FieldCodec>;
    const mappedFields = Object.keys(codecs);
    const foreignKeys = new Map<string, ForeignKeyField>();
    for (const field of mappedFields) {
      const codec = codecs[field] as FieldCodec;
      if (codec.kind === 'foreignKey' && codec.relatedModel) {
        const localField = foreignKeyLocalField(field);
        if (!localFields.has(localField)) {
          throw new FieldError(
            `Foreign key ${this.Model.name}.${field} needs the column for ${localField} in table ${this.table}`,
          );
        }
        foreignKeys.set(field, {
          field,
          localField,
          codec,
          related: codec.relatedModel as () => ModelClass,
        });
      } else if (!localFields.has(field)) {
        throw new FieldError(`Mapped field ${this.Model.name}.${field} has no column in table ${this.table}`);
      }
    }
    const schema = buildModelSchema({
      Model: this.Model,
      columns,
      foreignKeys,
      ...(migrator ? { migrator } : {}),
    });
    const versioned = migrator !== undefined && localFields.has(VERSION_FIELD);
    const selectAttributes = Object.freeze([
      ...(migrator?.selectAttributes() ?? []),
      ...(versioned ? [VERSION_ATTRIBUTE] : []),
    ]);
    return {
      columns,
      columnsByField,
      localFields,
      mappedFields,
      foreignKeys,
      schema,
      versioned,
      selectAttributes,
    };
  }
}
