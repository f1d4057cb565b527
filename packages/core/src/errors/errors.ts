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

/** A value has the wrong type or shape for its field or lookup (e.g. a malformed GUID). */
export class ValidationError extends CdmsSyncError {
  override name = 'ValidationError';
  constructor(message: string) {
    super('VALIDATION_ERROR', message);
  }
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
