// The public API. This file only re-exports; each section belongs to one area of the package.

// #region errors
export { CdmsSyncError, isCdmsSyncError } from './errors/cdms-sync-error';
export type { CdmsSyncErrorCode } from './errors/cdms-sync-error';
export {
  ConflictError,
  DoesNotExistError,
  FieldError,
  MultipleObjectsReturnedError,
  NotRegisteredError,
  NotSupportedError,
  ObjectsNotInSyncError,
  ValidationError,
} from './errors/errors';
// #endregion errors

// #region query-and-migrator
// #endregion query-and-migrator

// #region sync-and-models
// #endregion sync-and-models

// #region contracts (shared types of the query tree and the local store)
export { LOOKUP_NAMES, LOOKUP_SEP } from './query/where-node';
export type { AndNode, LookupName, LookupNode, NotNode, OrderByTerm, OrNode, WhereNode } from './query/where-node';
export type {
  ColumnDescription,
  ColumnType,
  FindOptions,
  LocalStore,
  Row,
  StoreCapabilities,
  SyncedRow,
  UpsertResult,
} from './store/local-store';
// #endregion contracts
