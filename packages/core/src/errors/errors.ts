import { CdmsSyncError } from './cdms-sync-error';

/** `get()` matched no row (locally, or in CDMS for `get({ cdmsPk })`). */
export class DoesNotExistError extends CdmsSyncError {
  override name = 'DoesNotExistError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('DOES_NOT_EXIST', message, options);
  }
}

/** `get()` matched more than one row. */
export class MultipleObjectsReturnedError extends CdmsSyncError {
  override name = 'MultipleObjectsReturnedError';
  constructor(message: string) {
    super('MULTIPLE_OBJECTS_RETURNED', message);
  }
}

/** The local row is newer than its CDMS record: a write reached the local store without reaching CDMS. */
export class ObjectsNotInSyncError extends CdmsSyncError {
  override name = 'ObjectsNotInSyncError';
  constructor(message: string) {
    super('OBJECTS_NOT_IN_SYNC', message);
  }
}

/** The call cannot be expressed for CDMS (or the local store); raised before any request or write. */
export class NotSupportedError extends CdmsSyncError {
  override name = 'NotSupportedError';
  constructor(message: string) {
    super('NOT_SUPPORTED', message);
  }
}

/** CDMS changed the record since it was read, and conflict detection was asked for. */
export class ConflictError extends CdmsSyncError {
  override name = 'ConflictError';
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** A filter, ordering or value names a field the model does not have. */
export class FieldError extends CdmsSyncError {
  override name = 'FieldError';
  constructor(message: string) {
    super('FIELD_ERROR', message);
  }
}

/**
 * A value has the wrong type or shape for its field or lookup (e.g. a malformed GUID, a text too
 * long for its column, `null` for a non-nullable field); raised before any request or write.
 */
export class ValidationError extends CdmsSyncError {
  override name = 'ValidationError';
  /** The field the value was given for, when the error is about one field. */
  readonly field: string | undefined;
  constructor(message: string, options?: { field?: string }) {
    super('VALIDATION_ERROR', message);
    this.field = options?.field;
  }
}

/**
 * One CDMS record of an imported page could not be stored locally (a value too long for its column,
 * a constraint the local database enforces …). The rest of the page is stored; this record is
 * reported to the logger (`error`), to `onImportError` and in `sync.importErrors()` until a later
 * refresh of it succeeds.
 */
export class ImportRowError extends CdmsSyncError {
  override name = 'ImportRowError';
  /** The model whose page was imported, e.g. `Organisation`. */
  readonly model: string;
  /** The CDMS GUID of the record. */
  readonly cdmsPk: string;
  /** The field at fault, when known. */
  readonly field: string | undefined;
  constructor(input: { model: string; cdmsPk: string; field?: string | undefined; cause: unknown }) {
    const reason = input.cause instanceof Error ? input.cause.message : String(input.cause);
    super('IMPORT_ROW_FAILED', `${input.model} ${input.cdmsPk} could not be stored locally: ${reason}`, {
      cause: input.cause,
    });
    this.model = input.model;
    this.cdmsPk = input.cdmsPk;
    this.field = input.field;
  }
}

/**
 * A write waited longer than `writeQueueTimeoutMs` for a place among the writes that may run at once
 * (`maxConcurrentWrites`), or could not get a database connection; it was not started: nothing was
 * sent or written.
 */
export class WriteQueueTimeoutError extends CdmsSyncError {
  override name = 'WriteQueueTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WRITE_QUEUE_TIMEOUT', message, options);
  }
}

/** True for an `ImportRowError` (from any copy of the package). */
export function isImportRowError(error: unknown): error is ImportRowError {
  return error instanceof Error && (error as { code?: unknown }).code === 'IMPORT_ROW_FAILED';
}

/** True for a `WriteQueueTimeoutError` (from any copy of the package). */
export function isWriteQueueTimeoutError(error: unknown): error is WriteQueueTimeoutError {
  return error instanceof Error && (error as { code?: unknown }).code === 'WRITE_QUEUE_TIMEOUT';
}

/** A model was used before `sync.register(Model)`. */
export class NotRegisteredError extends CdmsSyncError {
  override name = 'NotRegisteredError';
  constructor(message: string) {
    super('NOT_REGISTERED', message);
  }
}

/**
 * Another process holds the lease on the work asked for (a backfill range it is importing, the
 * poller of a model). Nothing was changed; try again once its lease has expired.
 */
export class LeaseHeldError extends CdmsSyncError {
  override name = 'LeaseHeldError';
  constructor(message: string) {
    super('LEASE_HELD', message);
  }
}

/** The operation needs a backfill plan (`sync.planBackfill(Model)` or `sync.backfill()`) first. */
export class NotBackfilledError extends CdmsSyncError {
  override name = 'NotBackfilledError';
  constructor(message: string) {
    super('NOT_BACKFILLED', message);
  }
}
