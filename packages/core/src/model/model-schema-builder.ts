import type { Migrator } from '../migrator/migrator';
import { createModelSchema, type ModelField, type ModelSchema } from '../query/model-schema';
import type { ColumnDescription } from '../store/local-store';
import type { ForeignKeyField } from './model-meta';

/**
 * The `ModelSchema` of a synced model: the base fields, the migrator's mapped fields (a foreign key
 * under its migrator name, `organisation`, compared by related object), then every other column of
 * the table as a local-only field (`organisationId`, local-only properties).
 * @internal
 */
export function buildModelSchema(input: {
  Model: { readonly name: string; readonly table: string };
  columns: readonly ColumnDescription[];
  /** Absent for a model that is not (or no longer) synced: every field is local-only. */
  migrator?: Migrator;
  foreignKeys: ReadonlyMap<string, ForeignKeyField>;
}): ModelSchema {
  const mapped = new Set(input.migrator?.mappedFields() ?? []);
  const localOnly: Record<string, Omit<ModelField, 'name'>> = {};
  for (const column of input.columns) {
    if (mapped.has(column.field) || ['cdmsPk', 'created', 'modified'].includes(column.field)) continue;
    if (column.field === 'id') {
      continue;
    }
    localOnly[column.field] = { type: column.type, nullable: column.nullable };
  }
  const idColumn = input.columns.find((column) => column.field === 'id');
  return createModelSchema({
    modelName: input.Model.name,
    table: input.Model.table,
    ...(input.migrator ? { migrator: input.migrator } : {}),
    fields: localOnly,
    ...(idColumn ? { idType: idColumn.type } : {}),
  });
}
