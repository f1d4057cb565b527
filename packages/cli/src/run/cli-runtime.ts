import { type LoadedConfig, loadConfig } from '../config/load-config';
import type { OutputStream } from '../output/output-stream';
import { EXIT_CODES } from './exit-codes';
import { type InterruptSignal, listenForInterrupt } from './interrupt-signal';

/** The process the CLI talks to; tests pass their own. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Where the config file is looked for. */
  readonly cwd: string;
  /** The clock (status ages, rates). @default Date.now */
  readonly now?: () => number;
}

/** What a command's action gets: the loaded config, the interrupt signal and the streams. */
export interface CommandContext extends LoadedConfig {
  readonly io: CliIo;
  readonly signal: AbortSignal;
  readonly now: () => number;
}

/** Shared by every command: runs an action with the config loaded and records the exit code. */
export interface CliRuntime {
  readonly io: CliIo;
  /** The exit code the run ends with (set by `run`). */
  exitCode: number;
  /**
   * Loads the config (`--config` or the default file), runs `action`, closes the sync, and sets the
   * exit code: 0, 1 with `error CODE: message` on stderr, or 130/143 when interrupted.
   */
  run(configPath: string | undefined, action: (context: CommandContext) => Promise<void>): Promise<void>;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `error ${code}: ${error.message}` : `error: ${error.message}`;
}

/** The runtime of one CLI invocation. */
export function createCliRuntime(io: CliIo): CliRuntime {
  const runtime: CliRuntime = {
    io,
    exitCode: EXIT_CODES.ok,
    async run(configPath, action) {
      const interrupt: InterruptSignal = listenForInterrupt(io.stderr);
      let config: LoadedConfig | undefined;
      try {
        config = await loadConfig({ cwd: io.cwd, configPath });
        await action({ ...config, io, signal: interrupt.signal, now: io.now ?? Date.now });
        runtime.exitCode = interrupt.exitCode ?? EXIT_CODES.ok;
      } catch (error) {
        io.stderr.write(`${describeError(error)}\n`);
        runtime.exitCode = interrupt.exitCode ?? EXIT_CODES.failure;
      } finally {
        interrupt.dispose();
        await config?.sync.close().catch((error: unknown) => {
          io.stderr.write(`${describeError(error)} (while closing)\n`);
        });
      }
    },
  };
  return runtime;
}
