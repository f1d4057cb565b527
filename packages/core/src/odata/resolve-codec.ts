import { NotSupportedError } from '../errors/errors';
import type { FieldCodec } from '../migrator/field-codec';
import { fields } from '../migrator/fields';
import { BASE_ATTRIBUTES, type Migrator } from '../migrator/migrator';
import type { ModelField, ModelSchema } from '../query/model-schema';

/** The migrator of a synced model, or a `NotSupportedError` for a local-only model. */
export function requireMigrator(schema: ModelSchema): Migrator {
  if (schema.migrator === undefined) {
    throw new NotSupportedError(
      `${schema.modelName} has no migrator, so it cannot be queried in CDMS; use skipCdms().`,
    );
  }
  return schema.migrator;
}

/**
 * The codec CDMS compares a field with: the field's own codec when it is mapped, the primary key for
 * `cdmsPk`, `CreatedOn`/`ModifiedOn` for `created`/`modified`; `undefined` for a local-only field.
 */
export function resolveCodec(field: ModelField, migrator: Migrator): FieldCodec | undefined {
  if (field.codec !== undefined) return field.codec;
  switch (field.name) {
    case 'cdmsPk':
      return fields.guid(migrator.primaryKeyAttribute, { nullable: true });
    case 'created':
      return fields.datetime(BASE_ATTRIBUTES.created, { nullable: true });
    case 'modified':
      return fields.datetime(BASE_ATTRIBUTES.modified, { nullable: true });
    default:
      return migrator.codecFor(field.name);
  }
}
