import { Command, CommanderError } from 'commander';
import { registerBackfillCommand } from './commands/backfill';
import { registerCheckCommand } from './commands/check';
import { registerGenerateCommand } from './commands/generate';
import { registerPollCommand } from './commands/poll';
import { registerReconcileCommand } from './commands/reconcile';
import { registerStatusCommand } from './commands/status';
import { type CliIo, type CliRuntime, createCliRuntime } from './run/cli-runtime';
import { EXIT_CODES } from './run/exit-codes';

/** The version printed by `--version` (replaced at build time). */
declare const __CLI_VERSION__: string | undefined;
const VERSION = typeof __CLI_VERSION__ === 'string' ? __CLI_VERSION__ : '0.0.0-source';

/**
 * The `cdms-sync` program: the global `--config` option and every command, each registered by its
 * own `register…Command(program, runtime)` from `src/commands/`.
 *
 * @example
 * const runtime = createCliRuntime({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 * await createProgram(runtime).parseAsync(process.argv);
 * process.exitCode = runtime.exitCode;
 */
export function createProgram(runtime: CliRuntime): Command {
  const program = new Command('cdms-sync')
    .description(
      'Backfill, poll, reconcile and inspect a cdms-sync project (cdms-sync.config.{ts,mjs,js}); generate models from $metadata and check migrators against it.',
    )
    .version(VERSION)
    .option('--config <file>', 'config file (default: cdms-sync.config.{ts,mjs,js} in the working directory)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.io.stdout.write(text),
      writeErr: (text) => runtime.io.stderr.write(text),
    });
  registerBackfillCommand(program, runtime);
  registerPollCommand(program, runtime);
  registerReconcileCommand(program, runtime);
  registerStatusCommand(program, runtime);
  registerGenerateCommand(program, runtime);
  registerCheckCommand(program, runtime);
  return program;
}

/**
 * Runs the CLI on `argv` (`process.argv` shape: node, script, then the arguments) and resolves with
 * the exit code: 0, 1 on failure (`error CODE: message` on stderr), 130 after Ctrl-C, 143 after
 * SIGTERM. Never calls `process.exit`.
 *
 * @example
 * process.exitCode = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const runtime = createCliRuntime(io);
  try {
    await createProgram(runtime).parseAsync([...argv]);
    return runtime.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with 0; usage errors (already printed) with 1.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.failure;
    }
    throw error;
  }
}
