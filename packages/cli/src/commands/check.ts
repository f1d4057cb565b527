import { formatSchemaProblems } from '@cdms-sync/core';
import type { Command } from 'commander';
import type { CliRuntime } from '../run/cli-runtime';
import { EXIT_CODES } from '../run/exit-codes';
import {
  addMetadataSourceOptions,
  addSchemaHintOptions,
  readMetadataOption,
  type SchemaCommandOptions,
} from './schema-options';

interface CheckCommandOptions extends SchemaCommandOptions {
  json?: boolean;
}

/**
 * `cdms-sync check`: compares every model of the config with `$metadata` (`sync.check()`: entity
 * sets and attributes that do not exist, with a "did you mean", codecs that do not suit the EDM
 * type, string lengths that disagree with the columns, lookups pointing elsewhere). Prints a table
 * of problems (or `--json`) and exits 1 when there is any: usable in a host's CI. `$metadata` comes
 * from `--metadata file.xml[.gz]`, `--url <root>`, else the Sync (`GET $metadata` through its client).
 *
 * @example
 * registerCheckCommand(program, runtime);
 * // $ cdms-sync check --max-length Account.Name=160   # exit 1 and a table when a migrator is wrong
 */
export function registerCheckCommand(program: Command, runtime: CliRuntime): void {
  const check = program
    .command('check')
    .description('compare every migrator with $metadata; exit 1 with a table of problems');
  addSchemaHintOptions(addMetadataSourceOptions(check))
    .option('--json', 'print the problems as JSON')
    .action(async (options: CheckCommandOptions, command: Command) => {
      let failed = false;
      await runtime.run(command.optsWithGlobals().config, async ({ sync, models, io }) => {
        const metadata = await readMetadataOption(options);
        const problems = await sync.check({
          models,
          ...(metadata === undefined ? {} : { metadata }),
          ...(options.maxLength === undefined ? {} : { maxLengths: options.maxLength }),
          ...(options.lookupTarget === undefined ? {} : { lookupTargets: options.lookupTarget }),
        });
        io.stdout.write(
          options.json ? `${JSON.stringify(problems, null, 2)}\n` : `${formatSchemaProblems(problems)}\n`,
        );
        failed = problems.length > 0;
      });
      if (failed && runtime.exitCode === EXIT_CODES.ok) runtime.exitCode = EXIT_CODES.failure;
    });
}
