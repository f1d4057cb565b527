import type { PollReport } from '@cdms-sync/core';
import type { Command } from 'commander';
import { selectModels } from '../config/select-models';
import { formatTable } from '../output/format-table';
import type { CliRuntime } from '../run/cli-runtime';
import { duration } from './parse-options';

interface PollCommandOptions {
  once?: boolean;
  interval: number;
}

/** The report of one round as a table: model, changes, requests, watermark, skipped. */
export function formatPollReport(report: PollReport): string {
  return formatTable(
    ['model', 'changes', 'requests', 'watermark', 'skipped'],
    report.models.map((model) => [
      model.model,
      String(model.changes),
      String(model.requests),
      model.watermark?.toISOString() ?? '-',
      model.skipped ?? '',
    ]),
  );
}

/** One log line per round: `poll 2026-…Z: Organisation 3 changes (1 request), Contact 0 changes (1 request)`. */
export function formatPollRound(report: PollReport, at: Date): string {
  const parts = report.models.map((model) =>
    model.skipped
      ? `${model.model} skipped (${model.skipped})`
      : `${model.model} ${model.changes} change${model.changes === 1 ? '' : 's'} (${model.requests} request${model.requests === 1 ? '' : 's'})`,
  );
  return `poll ${at.toISOString()}: ${parts.join(', ') || 'no models'}`;
}

/**
 * `cdms-sync poll [models…] [--once] [--interval 30s]`: fetches what changed in CDMS since each
 * model's watermark. `--once` runs one round (`sync.poll`) and prints its table; otherwise it polls
 * every interval (`sync.startPolling`), one line per round, until Ctrl-C (exit 130) or SIGTERM
 * (143). A round that fails is logged with its error code and the next round runs as planned.
 *
 * @example
 * registerPollCommand(program, runtime);
 * // $ cdms-sync poll --interval 1m
 */
export function registerPollCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('poll')
    .description('fetch what changed in CDMS since the stored watermark, once or every interval')
    .argument('[models...]', 'model class names or tables')
    .option('--once', 'run one round and exit')
    .option('-i, --interval <duration>', 'time between rounds (30s, 5m, …)', duration, 30_000)
    .action(async (names: string[], options: PollCommandOptions, command: Command) => {
      await runtime.run(command.optsWithGlobals().config, async ({ sync, models, io, signal, now }) => {
        const selected = selectModels(models, names);
        if (options.once) {
          const report = await sync.poll(selected, { signal });
          io.stdout.write(`${formatPollReport(report)}\n`);
          return;
        }
        io.stderr.write(
          `polling ${selected.map((model) => model.name).join(', ')} every ${options.interval} ms; Ctrl-C stops\n`,
        );
        const poller = sync.startPolling({
          intervalMs: options.interval,
          models: selected,
          signal,
          onRound: (report) => io.stdout.write(`${formatPollRound(report, new Date(now()))}\n`),
          onError: (error) => {
            const code = (error as { code?: unknown }).code;
            const message = error instanceof Error ? error.message : String(error);
            io.stderr.write(`poll round failed${typeof code === 'string' ? ` ${code}` : ''}: ${message}\n`);
          },
        });
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await poller.stop();
      });
    });
}
