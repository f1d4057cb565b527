import { splitAcrossRelation } from './build-where';
import type { ModelField, ModelSchema } from './model-schema';
import { isQNode, type QNode } from './q';

/** Loads the schema of a related model (e.g. by describing its table); `relatedModel()` of the foreign key. */
export type RelatedSchemaLoader = (relatedModel: unknown) => Promise<ModelSchema | undefined>;

/**
 * Loads the schemas of the related models that filter keys across relations name
 * (`organisation__name`, nested `organisation__parent__name`), so that `buildWhere` can then
 * validate them synchronously. Keys on the model's own fields load nothing.
 *
 * @example
 * const relatedSchema = await loadRelatedSchemas([{ organisation__name__icontains: 'acme' }], contactSchema,
 *   async (Model) => (await metaOf(Model).resolve()).schema);
 * buildWhere({ organisation__name__icontains: 'acme' }, contactSchema, { relatedSchema });
 */
export async function loadRelatedSchemas(
  inputs: readonly unknown[],
  schema: ModelSchema,
  load: RelatedSchemaLoader,
): Promise<(field: ModelField) => ModelSchema | undefined> {
  const schemas = new Map<unknown, ModelSchema | undefined>();
  const visitKey = async (key: string, on: ModelSchema): Promise<void> => {
    const across = splitAcrossRelation(key, on);
    if (across === undefined) return;
    const model = relatedModelOf(across.field);
    if (model === undefined) return;
    if (!schemas.has(model)) schemas.set(model, await load(model));
    const related = schemas.get(model);
    if (related !== undefined) await visitKey(across.rest, related);
  };
  const visitInput = async (input: unknown): Promise<void> => {
    if (isQNode(input)) {
      for (const child of (input as QNode).children) await visitInput(child);
    } else if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      for (const key of Object.keys(input)) await visitKey(key, schema);
    }
  };
  for (const input of inputs) await visitInput(input);
  return (field) => {
    const model = relatedModelOf(field);
    return model === undefined ? undefined : schemas.get(model);
  };
}

/**
 * True when some filter key crosses a relation (`organisation__name`), so `loadRelatedSchemas` has
 * schemas to load; checked without awaiting anything, so the common query skips it.
 *
 * @example
 * crossesRelations([{ name__startswith: 'A' }], organisationSchema); // false
 * crossesRelations([{ organisation__name: 'Acme' }], contactSchema); // true
 */
export function crossesRelations(inputs: readonly unknown[], schema: ModelSchema): boolean {
  const crosses = (input: unknown): boolean => {
    if (isQNode(input)) return (input as QNode).children.some(crosses);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
    for (const key of Object.keys(input)) {
      const across = splitAcrossRelation(key, schema);
      if (across !== undefined && relatedModelOf(across.field) !== undefined) return true;
    }
    return false;
  };
  return inputs.some(crosses);
}

/** The related model class of a foreign key field, from the field or its codec. */
function relatedModelOf(field: ModelField): unknown {
  return (field.relatedModel ?? field.codec?.relatedModel)?.();
}
