import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { DEFAULT_HISTORY_TABLE } from '../history/history-entry';
import { type EntityPlan, type PlanModelsOptions, planModels } from './plan-models';
import { renderMigrationFile } from './render-migration-file';
import { renderModelFile } from './render-model-file';
import { SchemaMetadata } from './schema-metadata';

/** One file `generateModels` produces, its path relative to the output folder. */
export interface GeneratedFile {
  /** `models/contact.ts`, `migrations/20261127120000-02-create-contact.ts`. */
  readonly path: string;
  readonly contents: string;
  readonly kind: 'model' | 'migration';
  /** The CDMS entity (schema name). */
  readonly entity: string;
  /** The table the model uses (and the migration creates). */
  readonly table: string;
}

/** Options of `generateModels`. */
export interface GenerateModelsOptions extends PlanModelsOptions {
  /**
   * Prefix of the migration file names, so they sort after existing ones.
   * @default the current UTC time, `YYYYMMDDHHmmss`
   */
  migrationPrefix?: string;
  /** The module the models import the library from. @default '@cdms-sync/core' */
  coreModule?: string;
  /** The module the migrations import the schema helpers from. @default '@cdms-sync/knex' */
  knexModule?: string;
  /** The history table the migrations create when missing. @default 'cdms_sync_history' */
  historyTable?: string;
}

/**
 * Generates, from a `$metadata` document, one model file (migrator + model class) and one Knex
 * migration per entity. Lookups become `fields.foreignKey` when their target is generated too, else
 * `fields.idRef`; strings get their `MaxLength` (from `$metadata`, else `maxLengths`, else a text
 * column). Migrations are ordered so that a related table is created first (a cycle keeps the
 * column and its index, without the database foreign key).
 *
 * @throws FieldError for an unknown entity or attribute (with a "did you mean").
 * @example
 * ```ts
 * const files = generateModels(await client.metadata(), { entities: ['Account', 'Contact'] }); // GET $metadata
 * files.map((file) => file.path);
 * // ['models/account.ts', 'models/contact.ts',
 * //  'migrations/20261127120000-01-create-account.ts', 'migrations/20261127120000-02-create-contact.ts']
 * ```
 */
export function generateModels(
  metadata: string | CdmsMetadata | SchemaMetadata,
  options: GenerateModelsOptions,
): GeneratedFile[] {
  const schema = SchemaMetadata.from(metadata);
  const plans = planModels(schema, options);
  const coreModule = options.coreModule ?? '@cdms-sync/core';
  const knexModule = options.knexModule ?? '@cdms-sync/knex';
  const historyTable = options.historyTable ?? DEFAULT_HISTORY_TABLE;
  const prefix = options.migrationPrefix ?? timestamp(new Date());
  const files: GeneratedFile[] = plans.map((plan) => ({
    path: `models/${plan.fileBase}.ts`,
    contents: renderModelFile(plan, coreModule),
    kind: 'model',
    entity: plan.entity.name,
    table: plan.table,
  }));
  const ordered = creationOrder(plans);
  const created = new Set<EntityPlan>();
  const width = Math.max(2, String(ordered.length).length);
  ordered.forEach((plan, index) => {
    files.push({
      path: `migrations/${prefix}-${String(index + 1).padStart(width, '0')}-create-${plan.fileBase}.ts`,
      contents: renderMigrationFile(plan, created, { knexModule, historyTable }),
      kind: 'migration',
      entity: plan.entity.name,
      table: plan.table,
    });
    created.add(plan);
  });
  return files;
}

/** Related tables first (depth-first); on a cycle, the entity met first goes first. */
function creationOrder(plans: readonly EntityPlan[]): EntityPlan[] {
  const ordered: EntityPlan[] = [];
  const visiting = new Set<EntityPlan>();
  const done = new Set<EntityPlan>();
  const visit = (plan: EntityPlan) => {
    if (done.has(plan) || visiting.has(plan)) return;
    visiting.add(plan);
    for (const field of plan.fields) if (field.related !== undefined) visit(field.related);
    visiting.delete(plan);
    done.add(plan);
    ordered.push(plan);
  };
  for (const plan of plans) visit(plan);
  return ordered;
}

/** `20261127120000` (UTC). */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
