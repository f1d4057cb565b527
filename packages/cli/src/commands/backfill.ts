import type { BackfillReport } from '@cdms-sync/core';
import { type Command, Option } from 'commander';
import { selectModels } from '../config/select-models';
import { createBackfillProgressView } from '../output/backfill-progress-view';
import { formatDuration } from '../output/format-duration';
import { formatTable } from '../output/format-table';
import type { CliRuntime } from '../run/cli-runtime';
import { positiveInteger } from './parse-options';

interface BackfillCommandOptions {
  concurrency?: number;
  history?: 'row' | 'page';
}

/** The report as a table: model, rows, pages, ranges, resumed, duration. */
export function formatBackfillReport(report: BackfillReport): string {
  return formatTable(
    ['model', 'rows', 'pages', 'ranges', 'resumed', 'duration'],
    report.models.map((model) => [
      model.model,
      String(model.rows),
      String(model.pages),
      String(model.ranges),
      model.resumed ? 'yes' : 'no',
      formatDuration(model.durationMs),
    ]),
  );
}

/**
 * `cdms-sync backfill [models…] [--concurrency N] [--history row|page]`: imports every CDMS record
 * of the models (all by default) through `sync.backfill`, resuming from the stored checkpoints.
 * Progress bars on a TTY, plain lines otherwise (stderr); the report on stdout. Ctrl-C
 * checkpoints and exits 130; run it again to resume.
 *
 * @example
 * registerBackfillCommand(program, runtime);
 * // $ cdms-sync backfill Organisation --concurrency 8
 */
export function registerBackfillCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('backfill')
    .description('import every CDMS record of the models (all by default); resumable')
    .argument('[models...]', 'model class names or tables')
    .option(
      '-c, --concurrency <n>',
      'CDMS pages in flight across all ranges (default: the library’s)',
      positiveInteger,
    )
    .addOption(
      new Option('--history <kind>', 'history per imported row or one summary per page').choices([
        'row',
        'page',
      ]),
    )
    .action(async (names: string[], options: BackfillCommandOptions, command: Command) => {
      await runtime.run(command.optsWithGlobals().config, async ({ sync, models, io, signal }) => {
        const view = createBackfillProgressView({ stream: io.stderr, now: io.now });
        let report: BackfillReport;
        try {
          report = await sync.backfill(selectModels(models, names), {
            ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
            ...(options.history !== undefined ? { history: options.history } : {}),
            signal,
            onProgress: (event) => view.update(event),
          });
        } finally {
          view.stop();
        }
        io.stdout.write(`${formatBackfillReport(report)}\n`);
        if (report.aborted)
          io.stdout.write('Interrupted: checkpoint saved; run the same command to resume.\n');
      });
    });
}
