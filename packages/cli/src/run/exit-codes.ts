/** The CLI's exit codes. */
export const EXIT_CODES = {
  /** The command did its work. */
  ok: 0,
  /** A typed error (its `code` is printed) or an unexpected failure. */
  failure: 1,
  /** Stopped by Ctrl-C (SIGINT) after checkpointing: 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped by SIGTERM after checkpointing: 128 + 15. */
  terminated: 143,
} as const;
