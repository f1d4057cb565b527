/**
 * Errors of the OData text layer. They are thrown before any request is built, so a bad value or
 * a malformed `$filter` never reaches CDMS. Both carry a stable `code` and a literal `name`, and
 * the `isXxx` guards check those (not `instanceof`) so they work across copies of the package.
 */

/**
 * Text that is not valid for the OData v2 grammar this package speaks (a `$filter`, `$orderby`,
 * a property path, a query string or a `$metadata` document).
 *
 * @example
 * ```ts
 * parseFilter("Name eq 'x"); // ODataSyntaxError: unterminated string literal at position 8
 * ```
 */
export class ODataSyntaxError extends Error {
  override readonly name = 'ODataSyntaxError';
  /** Stable code for programmatic checks. */
  readonly code = 'ODATA_SYNTAX';
  /** Zero-based offset into `text` where the problem was found, when known. */
  readonly position: number | undefined;
  /** The text being read, when there is one. */
  readonly text: string | undefined;

  constructor(message: string, options: { position?: number; text?: string; cause?: unknown } = {}) {
    const where = options.position === undefined ? '' : ` at position ${options.position}`;
    super(`${message}${where}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.position = options.position;
    this.text = options.text;
  }
}

/**
 * A value that cannot become an OData literal (or a CDMS wire value): a malformed GUID, an
 * invalid `Date`, a non-integer passed as an integer, a decimal that is not decimal text …
 * A `TypeError` because the caller passed a value of the wrong shape.
 *
 * @example
 * ```ts
 * literal.guid('not-a-guid'); // InvalidLiteralError: invalid guid literal: "not-a-guid" …
 * ```
 */
export class InvalidLiteralError extends TypeError {
  override readonly name = 'InvalidLiteralError';
  /** Stable code for programmatic checks. */
  readonly code = 'INVALID_LITERAL';
  /** The literal kind that was being built (`guid`, `datetime`, …). */
  readonly kind: string;

  constructor(kind: string, message: string) {
    super(`invalid ${kind} literal: ${message}`);
    this.kind = kind;
  }
}

/** True for an `ODataSyntaxError`, also one thrown by another copy of this package. */
export function isODataSyntaxError(error: unknown): error is ODataSyntaxError {
  return error instanceof Error && (error as { code?: unknown }).code === 'ODATA_SYNTAX';
}

/** True for an `InvalidLiteralError`, also one thrown by another copy of this package. */
export function isInvalidLiteralError(error: unknown): error is InvalidLiteralError {
  return error instanceof Error && (error as { code?: unknown }).code === 'INVALID_LITERAL';
}
