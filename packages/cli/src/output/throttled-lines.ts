import type { OutputStream } from './output-stream';

/** Options of `createThrottledLines`. */
export interface ThrottledLinesOptions {
  readonly stream: OutputStream;
  /** At most one line per key per this many milliseconds. @default 1000 */
  readonly intervalMs?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * Progress as log lines, at most one per key (a model) per interval: for operations whose
 * progress has no known total (a reconciliation lists CDMS until it ends), on a terminal or not.
 *
 * @example
 * const lines = createThrottledLines({ stream: process.stderr });
 * await sync.reconcile(models, { onProgress: (p) => lines.write(p.model, `reconcile ${p.model}: ${p.checked} checked`) });
 */
export function createThrottledLines(options: ThrottledLinesOptions): {
  /** Writes `line` unless `key` had a line less than the interval ago; `force` writes it anyway. */
  write(key: string, line: string, force?: boolean): void;
} {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 1000;
  const last = new Map<string, number>();
  return {
    write(key, line, force = false) {
      const at = now();
      if (!force && at - (last.get(key) ?? Number.NEGATIVE_INFINITY) < intervalMs) return;
      last.set(key, at);
      options.stream.write(`${line}\n`);
    },
  };
}
