/** Where the CLI writes: `process.stdout`/`process.stderr`, or a test's capture. */
export interface OutputStream {
  write(chunk: string): boolean;
  /** True on a terminal: progress bars instead of plain lines. */
  readonly isTTY?: boolean;
  /** The terminal's width, when known. */
  readonly columns?: number;
}
