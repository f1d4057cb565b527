/**
 * A request the emulator refuses, with the HTTP status CRM would answer and CRM's message. Also
 * thrown by `seed`/`editAsCdmsUser` when given a bad service, id or value.
 *
 * @example
 * ```ts
 * emulator.seed('Nope', []); // CdmsEmulatorError: Resource not found for the segment 'Nope'.
 * ```
 */
export class CdmsEmulatorError extends Error {
  override readonly name = 'CdmsEmulatorError';
  /** Stable code for programmatic checks. */
  readonly code = 'CDMS_EMULATOR';
  /** The HTTP status the emulator answers with. */
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** True for a `CdmsEmulatorError`, also one thrown by another copy of this package. */
export function isCdmsEmulatorError(error: unknown): error is CdmsEmulatorError {
  return error instanceof Error && (error as { code?: unknown }).code === 'CDMS_EMULATOR';
}
