import type { FieldCodec } from '../migrator/field-codec';
import type { Migrator } from '../migrator/migrator';
import type { ColumnType } from '../store/local-store';

/** The fields every synced model has: local key, CDMS GUID, and the mirrors of `CreatedOn`/`ModifiedOn`. */
export const BASE_FIELD_NAMES = Object.freeze(['id', 'cdmsPk', 'created', 'modified'] as const);

/** One field of a model, as queries and the OData compiler see it. */
export interface ModelField {
  /** The model field name (camelCase), as used in filter keys. */
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** The codec when the field is mapped to a CDMS attribute; absent for local-only fields. */
  readonly codec?: FieldCodec;
  /** For foreign keys: the related model (a thunk, so models may reference each other). */
  readonly relatedModel?: () => unknown;
}

/** What the query builder and the OData compiler know about a model. */
export interface ModelSchema {
  /** The model's name for messages, e.g. `Organisation`. */
  readonly modelName: string;
  readonly table: string;
  /** Every field by name, base fields included. */
  readonly fields: ReadonlyMap<string, ModelField>;
  /** Present for synced models. */
  readonly migrator?: Migrator;
}

/** Input of `createModelSchema`. */
export interface ModelSchemaInput {
  modelName: string;
  table: string;
  migrator?: Migrator;
  /** Local-only fields (and overrides of the derived ones), by name. */
  fields?: Record<string, Omit<ModelField, 'name'>>;
  /** The local type of `id`. @default 'integer' */
  idType?: ColumnType;
}

/**
 * Builds a `ModelSchema`: the base fields, one field per migrator codec (typed by the codec), then
 * the given `fields` (local-only ones, or overrides).
 *
 * @example
 * createModelSchema({ modelName: 'Organisation', table: 'organisation', migrator: new OrganisationMigrator(),
 *   fields: { notes: { type: 'string', nullable: true } } });
 */
export function createModelSchema(input: ModelSchemaInput): ModelSchema {
  const fields = new Map<string, ModelField>();
  const add = (field: ModelField) => fields.set(field.name, Object.freeze(field));
  add({ name: 'id', type: input.idType ?? 'integer', nullable: false });
  add({ name: 'cdmsPk', type: 'uuid', nullable: true });
  add({ name: 'created', type: 'datetime', nullable: true });
  add({ name: 'modified', type: 'datetime', nullable: true });
  for (const name of input.migrator?.mappedFields() ?? []) {
    const codec = input.migrator?.codecFor(name);
    if (codec === undefined) continue;
    add({
      name,
      type: codec.columnType,
      nullable: codec.nullable,
      codec,
      ...(codec.relatedModel === undefined ? {} : { relatedModel: codec.relatedModel }),
    });
  }
  for (const [name, field] of Object.entries(input.fields ?? {})) {
    add({ ...fields.get(name), ...field, name });
  }
  return Object.freeze({
    modelName: input.modelName,
    table: input.table,
    fields,
    ...(input.migrator === undefined ? {} : { migrator: input.migrator }),
  });
}
