import { FieldError } from '../errors/errors';
import type { FieldCodec } from '../migrator/field-codec';
import type { Migrator } from '../migrator/migrator';
import type { ModelSchema } from '../query/model-schema';
import type { ColumnDescription, LocalStore, Row } from '../store/local-store';
import type { ModelClass } from './model-class';
import { buildModelSchema } from './model-schema-builder';
import type { SyncedModel } from './synced-model';

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
  /** Every local field (store field names, camelCase). */
  readonly localFields: ReadonlySet<string>;
  /** The migrator's mapped field names (a foreign key by its migrator name, `organisation`). */
  readonly mappedFields: readonly string[];
  /** Mapped foreign keys by migrator field name. */
  readonly foreignKeys: ReadonlyMap<string, ForeignKeyField>;
  readonly schema: ModelSchema;
}

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

  constructor(
    readonly Model: ModelClass<T>,
    private readonly store: LocalStore,
  ) {}

  get table(): string {
    return this.Model.table;
  }

  get migrator(): Migrator {
    return this.Model.migrator;
  }

  /** Describe the table once and derive the schema (cached; a failure is not cached). */
  resolve(): Promise<ResolvedModel> {
    if (!this.#resolved) {
      this.#resolved = this.#load().catch((error: unknown) => {
        this.#resolved = undefined;
        throw error;
      });
    }
    return this.#resolved;
  }

  /** An instance of the model holding `row`'s values. */
  instantiate(row: Row): T {
    // Assign after construction: subclass field initialisers must not reset the values.
    return Object.assign(new this.Model(), row);
  }

  async #load(): Promise<ResolvedModel> {
    const columns = await this.store.describe(this.table);
    if (columns.length === 0)
      throw new FieldError(`Table ${this.table} of model ${this.Model.name} has no columns`);
    const localFields = new Set(columns.map((column) => column.field));
    for (const base of ['id', 'cdmsPk', 'created', 'modified']) {
      if (!localFields.has(base)) {
        throw new FieldError(
          `Table ${this.table} of model ${this.Model.name} lacks the synced column for ${base}`,
        );
      }
    }
    const codecs = this.migrator.fields as Record<string, FieldCodec>;
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
    const schema = buildModelSchema({ Model: this.Model, columns, migrator: this.migrator, foreignKeys });
    return { columns, localFields, mappedFields, foreignKeys, schema };
  }
}
