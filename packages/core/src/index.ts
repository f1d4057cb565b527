// The public API. This file only re-exports; each section belongs to one area of the package.

// #region errors
export { CdmsSyncError, isCdmsSyncError } from './errors/cdms-sync-error';
export type { CdmsSyncErrorCode } from './errors/cdms-sync-error';
export {
  ConflictError,
  DoesNotExistError,
  FieldError,
  ImportRowError,
  isImportRowError,
  isWriteQueueTimeoutError,
  MultipleObjectsReturnedError,
  LeaseHeldError,
  NotBackfilledError,
  NotRegisteredError,
  NotSupportedError,
  ObjectsNotInSyncError,
  ValidationError,
  WriteQueueTimeoutError,
} from './errors/errors';
// #endregion errors

// #region query-and-migrator
/** Q objects: immutable and/or/not combinations of filter conditions. */
export { isQ, Q } from './query/q';
export type { QChild, QConnector, QNode, UnboundQ, UnboundQFor } from './query/q';
/** Filter keys -> validated where tree; ordering keys -> terms. */
export { buildOrderBy, buildWhere, parseFilterKey } from './query/build-where';
export type { BuildWhereOptions } from './query/build-where';
/** Filters across relations (`organisation__name`): the related schemas and the tree node. */
export { loadRelatedSchemas } from './query/load-related-schemas';
export type { RelatedSchemaLoader } from './query/load-related-schemas';
export type { RelatedNode } from './query/where-node';
export { isRelatedKey, relatedKey } from './query/related-key';
export type { RelatedKey } from './query/related-key';
export { WhereNodeVisitor } from './query/where-node-visitor';
export { BASE_FIELD_NAMES, createModelSchema } from './query/model-schema';
export type { ModelField, ModelSchema, ModelSchemaInput } from './query/model-schema';
export type {
  CreateValues,
  DatePartLookupName,
  EqualityLookupName,
  FilterConditions,
  LookupsFor,
  LookupValue,
  ModelFieldName,
  OrderByField,
  OrderedLookupName,
  RelatedValue,
  RelationName,
  TextLookupName,
} from './query/filter-types';
export { isGuid, normaliseGuid } from './query/guid';
/** Migrators and field codecs. */
export { BASE_ATTRIBUTES, Migrator } from './migrator/migrator';
export type { MigratorSendContext } from './migrator/migrator';
export type { ReadPolicy } from './migrator/read-policy';
export { fields } from './migrator/fields';
export type { FieldOptions, ReferenceFieldOptions } from './migrator/fields';
export type {
  CompositeFilter,
  FieldCodec,
  FieldCodecKind,
  ModelClass as RelatedModelClass,
} from './migrator/field-codec';
export { joinedTextCodec, objectCodec } from './migrator/composite-fields';
export type { JoinedFieldOptions, ObjectFieldOptions, ObjectFieldValue } from './migrator/composite-fields';
/** The OData compiler: where tree + ordering + slice -> CDMS list query. */
export { compileODataOrderBy, compileODataQuery, DEFAULT_ODATA_ORDER } from './odata/compile-odata-query';
export type { CompiledODataQuery, ODataQueryInput } from './odata/compile-odata-query';
export { compileODataFilter, ODataFilterCompiler } from './odata/odata-filter-compiler';
export type { CompiledODataFilter } from './odata/odata-filter-compiler';
export { ODATA_LOOKUPS, ODATA_UNSUPPORTED_LOOKUPS } from './odata/odata-lookups';
export type { ODataLiteralResult, ODataLookup, ODataLookupContext } from './odata/odata-lookups';
export type { ODataCondition } from './odata/odata-condition';
/** Splitting list requests whose URL would be too long for CRM 2011. */
export { DEFAULT_MAX_URL_LENGTH, fitListQuery, listUrlLength } from './odata/fit-list-query';
export type { FitListQueryOptions, FitStrategy, FittedListQueries } from './odata/fit-list-query';
/** Aggregates of `QuerySet.aggregate(…)`, named as in Django. */
export { Avg, Count, Max, Min, Sum } from './query/aggregation';
export type { AggregateResult, Aggregation } from './query/aggregation';
// #endregion query-and-migrator

// #region sync-and-models
export { createSync } from './setup/create-sync';
export type { Sync, SyncOptions } from './setup/create-sync';
export type { ImportErrorHandler } from './sync/import-failures';
export type { CdmsSyncClient } from './sync/cdms-sync-client';
export type { SyncContext } from './context/sync-context';
export { SyncedModel } from './model/synced-model';
export type { DeleteOptions, SaveOptions } from './model/synced-model';
export type { ModelClass as SyncedModelClass } from './model/model-class';
export { foreignKeyLocalField } from './model/model-meta';
export { Manager } from './manager/manager';
export { QuerySet } from './manager/query-set';
export type { ForeignKeyName, InBulkOptions, QueryInput, ValuesListOptions } from './manager/query-set';
export { API_SUPPORT, renderApiSupportTable } from './manager/api-support';
export type { ApiSupportRow } from './manager/api-support';
export { CDMS_REFRESH_COMMENT, CDMS_REFRESH_USER, DEFAULT_HISTORY_TABLE } from './history/history-entry';
export type { HistoryEntry, HistoryKind } from './history/history-entry';
export type { RawOptions } from './store/local-store';
// #endregion sync-and-models

// #region schema (generate models from $metadata, check migrators against it, validate by it)
export { camelCase, snakeCase } from './schema/naming';
export { didYouMean } from './schema/did-you-mean';
export { edmKindOf, isSystemAttribute, SchemaMetadata } from './schema/schema-metadata';
export type { EdmKind, LookupTargets, SchemaAttribute, SchemaEntity } from './schema/schema-metadata';
export { knownMaxLength } from './schema/max-lengths';
export type { KnownMaxLength, MaxLengthOverrides } from './schema/max-lengths';
export { generateModels } from './schema/generate-models';
export type { GeneratedFile, GenerateModelsOptions } from './schema/generate-models';
export type { PlanModelsOptions } from './schema/plan-models';
export { writeGeneratedFiles } from './schema/write-generated-files';
export type { WriteGeneratedFilesOptions, WriteGeneratedFilesReport } from './schema/write-generated-files';
export { checkMigrators } from './schema/check-migrators';
export type { CheckedColumn, CheckedModel, CheckMigratorsOptions } from './schema/check-migrators';
export { formatSchemaProblems } from './schema/schema-problem';
export type { SchemaProblem, SchemaProblemKind } from './schema/schema-problem';
export { createMetadataValidator } from './schema/metadata-validator';
export type { MetadataValidationOptions, MetadataValidator } from './schema/metadata-validator';
export type { SyncCheckOptions } from './schema/check-sync-models';
// #endregion schema

// #region operations
/** Backfill, poll, reconcile and status: the methods of `Sync` for a months-long migration. */
export type { SyncOperations } from './operations/sync-operations';
export { DEFAULT_BACKFILL_CONCURRENCY } from './operations/backfill';
export type {
  BackfillOptions,
  BackfillProgress,
  BackfillReport,
  ModelBackfillReport,
} from './operations/backfill';
export { DEFAULT_RANGE_LEASE_MS } from './operations/backfill-range';
export type { BackfillRangeOptions, BackfillRangeResult } from './operations/backfill-range';
export { DEFAULT_RANGE_ROWS } from './operations/plan-backfill';
export type { PlanBackfillOptions } from './operations/plan-backfill';
export type { ImportHistory } from './operations/page-history';
export { DEFAULT_POLL_OVERLAP_SECONDS } from './operations/poll';
export type { ModelPollReport, PollOptions, PollProgress, PollReport } from './operations/poll';
export type { Poller, StartPollingOptions } from './operations/start-polling';
export type {
  ModelReconcileReport,
  ReconcileOptions,
  ReconcileProgress,
  ReconcileReport,
} from './operations/reconcile-models';
export type { ModelSyncStatus } from './operations/model-sync-status';
export { DEFAULT_SYNC_STATE_TABLE } from './operations/sync-state';
export type { BackfillRangeState, ReconcileSummary } from './operations/sync-state';
// #endregion operations

// #region contracts (shared types of the query tree and the local store)
export { LOOKUP_NAMES, LOOKUP_SEP } from './query/where-node';
export type {
  AndNode,
  LookupName,
  LookupNode,
  NotNode,
  OrderByTerm,
  OrNode,
  WhereNode,
} from './query/where-node';
export type {
  AggregateFunction,
  ColumnDescription,
  ColumnType,
  FindOptions,
  LocalStore,
  Row,
  StoreAggregation,
  StoreCapabilities,
  StoreUpdate,
  SyncedRow,
  UpsertOptions,
  UpsertResult,
} from './store/local-store';
export type { SyncLease, SyncLeases } from './store/sync-leases';
export { InProcessLeases } from './store/in-process-leases';
// #endregion contracts
