const CLI_ERROR_CODES = ['CONFIG_NOT_FOUND', 'CONFIG_INVALID', 'UNKNOWN_MODEL', 'INVALID_OPTION'] as const;

/** Stable machine-readable codes of every error `@cdms-sync/cli` throws itself. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/**
 * The base of every error the CLI raises itself (errors of the library pass through with their own
 * `code`). The CLI prints `error CODE: message` and exits 1.
 *
 * @example
 * try { await loadConfig({ cwd }); } catch (error) { if (isCliError(error)) console.error(error.code); }
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for any error raised by `@cdms-sync/cli`, from any copy of the package. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof Error && CODES.has((error as { code?: unknown }).code as string);
}

const CODES: ReadonlySet<string> = new Set(CLI_ERROR_CODES);
