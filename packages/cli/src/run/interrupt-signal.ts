import type { OutputStream } from '../output/output-stream';
import { EXIT_CODES } from './exit-codes';

/** An AbortSignal fired by the first SIGINT/SIGTERM, and the exit code that signal calls for. */
export interface InterruptSignal {
  readonly signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, undefined while not interrupted. */
  readonly exitCode: number | undefined;
  /** Removes the process listeners. */
  dispose(): void;
}

/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into an abort of the running operation, which then
 * checkpoints and returns; a second Ctrl-C exits at once with 130 (the checkpoint of every page
 * already committed is kept; the page in flight is read again on resume).
 *
 * @example
 * const interrupt = listenForInterrupt(process.stderr);
 * await sync.backfill(models, { signal: interrupt.signal });
 * process.exitCode = interrupt.exitCode ?? 0;
 */
export function listenForInterrupt(stderr: OutputStream): InterruptSignal {
  const controller = new AbortController();
  let exitCode: number | undefined;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (exitCode !== undefined) {
      stderr.write(`${name} again: exiting without waiting\n`);
      process.exit(exitCode);
    }
    exitCode = name === 'SIGINT' ? EXIT_CODES.interrupted : EXIT_CODES.terminated;
    stderr.write(
      `${name}: stopping after the pages in flight and saving the checkpoint (again to exit now)\n`,
    );
    controller.abort(new Error(`Interrupted by ${name}`));
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get exitCode() {
      return exitCode;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
