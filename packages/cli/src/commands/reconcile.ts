import type { ReconcileReport } from '@cdms-sync/core';
import type { Command } from 'commander';
import { selectModels } from '../config/select-models';
import { formatTable } from '../output/format-table';
import { createThrottledLines } from '../output/throttled-lines';
import type { CliRuntime } from '../run/cli-runtime';

interface ReconcileCommandOptions {
  repair?: boolean;
  json?: boolean;
}

/** The report as a table: counts per model (the ids are in `--json`). */
export function formatReconcileReport(report: ReconcileReport): string {
  return formatTable(
    ['model', 'checked', 'missing locally', 'deleted in CDMS', 'stale', 'local only', 'repaired'],
    report.models.map((model) => [
      model.model,
      String(model.checked),
      String(model.missingLocally.length),
      String(model.deletedInCdms.length),
      String(model.stale.length),
      String(model.localOnly.length),
      model.repaired ? 'yes' : 'no',
    ]),
  );
}

/**
 * `cdms-sync reconcile [models…] [--repair] [--json]`: compares every CDMS key, `ModifiedOn` and
 * `VersionNumber` with the local store (`sync.reconcile`) and reports rows missing locally, deleted
 * in CDMS, stale, and local-only; `--repair` imports, deletes and refreshes. `--json` prints the
 * report itself (with the ids) on stdout. Progress: a line per model per second on stderr.
 *
 * @example
 * registerReconcileCommand(program, runtime);
 * // $ cdms-sync reconcile --repair --json > reconcile.json
 */
export function registerReconcileCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('reconcile')
    .description('compare CDMS with the local store; --repair fixes what differs')
    .argument('[models...]', 'model class names or tables')
    .option('--repair', 'import missing rows, delete rows gone from CDMS, refresh stale ones')
    .option('--json', 'print the report as JSON')
    .action(async (names: string[], options: ReconcileCommandOptions, command: Command) => {
      await runtime.run(command.optsWithGlobals().config, async ({ sync, models, io, signal }) => {
        const progress = createThrottledLines({ stream: io.stderr, now: io.now });
        const report = await sync.reconcile(selectModels(models, names), {
          repair: options.repair === true,
          signal,
          onProgress: ({ model, checked }) =>
            progress.write(model, `reconcile ${model}: ${checked} CDMS records listed`),
        });
        io.stdout.write(
          options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReconcileReport(report)}\n`,
        );
      });
    });
}
