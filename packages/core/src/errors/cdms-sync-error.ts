const CDMS_SYNC_ERROR_CODES = [
  'DOES_NOT_EXIST',
  'MULTIPLE_OBJECTS_RETURNED',
  'OBJECTS_NOT_IN_SYNC',
  'NOT_SUPPORTED',
  'CONFLICT',
  'FIELD_ERROR',
  'VALIDATION_ERROR',
  'NOT_REGISTERED',
  'LEASE_HELD',
  'NOT_BACKFILLED',
  'IMPORT_ROW_FAILED',
  'WRITE_QUEUE_TIMEOUT',
] as const;

/** Stable machine-readable codes of every error `@cdms-sync/core` throws. */
export type CdmsSyncErrorCode = (typeof CDMS_SYNC_ERROR_CODES)[number];

/**
 * The base of every error `@cdms-sync/core` throws. `code` is stable across versions; test it
 * (or use the `isXxxError` guards) rather than `instanceof`, which fails across package copies.
 */
export class CdmsSyncError extends Error {
  override name = 'CdmsSyncError';
  readonly code: CdmsSyncErrorCode;

  constructor(code: CdmsSyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for any error thrown by `@cdms-sync/core`, from any copy of the package. */
export function isCdmsSyncError(error: unknown): error is CdmsSyncError {
  return error instanceof Error && CODES.has((error as { code?: unknown }).code as string);
}

const CODES: ReadonlySet<string> = new Set(CDMS_SYNC_ERROR_CODES);
