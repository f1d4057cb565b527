import type { ModelSyncStatus } from '@cdms-sync/core';
import type { Command } from 'commander';
import { selectModels } from '../config/select-models';
import { formatDuration } from '../output/format-duration';
import { formatTable } from '../output/format-table';
import type { CliRuntime } from '../run/cli-runtime';

interface StatusCommandOptions {
  json?: boolean;
}

function age(at: Date | null, now: number): string {
  return at ? `${formatDuration(now - at.getTime())} ago` : '-';
}

function lastReconcile(status: ModelSyncStatus, now: number): string {
  const last = status.lastReconcile;
  if (!last) return 'never';
  return `${age(last.at, now)}: ${last.missingLocally} missing, ${last.deletedInCdms} deleted, ${last.stale} stale, ${last.localOnly} local-only${last.repaired ? ', repaired' : ''}`;
}

/**
 * The statuses as text: one table row per model (local rows, watermark and its age, last poll,
 * backfill state with ranges done/total, last reconciliation), then the backfill's ranges of every
 * model that has some.
 */
export function formatStatus(statuses: readonly ModelSyncStatus[], now: number): string {
  const table = formatTable(
    [
      'model',
      'table',
      'local rows',
      'watermark',
      'watermark age',
      'last poll',
      'backfill',
      'ranges',
      'last reconcile',
    ],
    statuses.map((status) => {
      const { backfill } = status;
      const done = backfill.ranges.filter((range) => range.done).length;
      return [
        status.model,
        status.table,
        String(status.localRows),
        status.watermark?.toISOString() ?? '-',
        age(status.watermark, now),
        age(status.lastPollAt, now),
        `${backfill.state} (${backfill.rows} rows, ${backfill.pages} pages)`,
        `${done}/${backfill.ranges.length}`,
        lastReconcile(status, now),
      ];
    }),
  );
  const ranges = statuses
    .filter((status) => status.backfill.ranges.length > 0)
    .map(
      (status) =>
        `\n${status.model} backfill ranges:\n${formatTable(
          ['range', 'state', 'rows', 'pages'],
          status.backfill.ranges.map((range) => [
            range.id,
            range.done ? 'done' : 'pending',
            String(range.rows),
            String(range.pages),
          ]),
        )}`,
    );
  return [table, ...ranges].join('\n');
}

/**
 * `cdms-sync status [models…] [--json]`: per model, the local rows, the poll watermark and its
 * age, the backfill's progress per range and the last reconciliation (`sync.status`). `--json`
 * prints the statuses themselves (dates as ISO strings). Makes no CDMS request.
 *
 * @example
 * registerStatusCommand(program, runtime);
 * // $ cdms-sync status --json | jq '.[].watermark'
 */
export function registerStatusCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('status')
    .description('local rows, watermark, backfill ranges and last reconciliation per model')
    .argument('[models...]', 'model class names or tables')
    .option('--json', 'print the statuses as JSON')
    .action(async (names: string[], options: StatusCommandOptions, command: Command) => {
      await runtime.run(command.optsWithGlobals().config, async ({ sync, models, io, now }) => {
        const statuses = await sync.status(selectModels(models, names));
        io.stdout.write(
          options.json ? `${JSON.stringify(statuses, null, 2)}\n` : `${formatStatus(statuses, now())}\n`,
        );
      });
    });
}
