import type { CdmsLogger } from '@cdms-sync/cdms-client';
import type { ImportRowError } from '../errors/errors';

/** Called with each CDMS record that could not be stored locally. */
export type ImportErrorHandler = (error: ImportRowError) => void;

/**
 * The CDMS records an import could not store locally, one entry per model and GUID (the latest
 * failure): each failure is logged (`error`) and passed to `onImportError`; a later successful
 * refresh of the record removes its entry. Nothing is retried by itself: the next read that lists
 * the record tries once more.
 * @internal
 */
export class ImportFailures {
  readonly #failures = new Map<string, ImportRowError>();

  constructor(
    private readonly logger: CdmsLogger | undefined,
    private readonly onImportError: ImportErrorHandler | undefined,
  ) {}

  /** Every failure not yet cleared by a successful refresh, oldest first. */
  list(): ImportRowError[] {
    return [...this.#failures.values()];
  }

  /** The failure of one record, if it has one. */
  get(model: string, cdmsPk: string): ImportRowError | undefined {
    return this.#failures.get(key(model, cdmsPk));
  }

  /** Record, log and hand on a failure. */
  report(error: ImportRowError): void {
    this.#failures.delete(key(error.model, error.cdmsPk));
    this.#failures.set(key(error.model, error.cdmsPk), error);
    this.logger?.error('CDMS record could not be stored locally', {
      model: error.model,
      cdmsPk: error.cdmsPk,
      ...(error.field === undefined ? {} : { field: error.field }),
      cause: error.cause instanceof Error ? error.cause.message : String(error.cause),
    });
    this.onImportError?.(error);
  }

  /** Records of `model` that were stored (or found up to date): their failures are over. */
  clear(model: string, cdmsPks: readonly string[]): void {
    if (this.#failures.size === 0) return;
    for (const cdmsPk of cdmsPks) this.#failures.delete(key(model, cdmsPk));
  }
}

function key(model: string, cdmsPk: string): string {
  return `${model}\u0000${cdmsPk.toLowerCase()}`;
}
