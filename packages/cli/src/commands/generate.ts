import { generateModels, type WriteGeneratedFilesReport, writeGeneratedFiles } from '@cdms-sync/core';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import type { CliRuntime } from '../run/cli-runtime';
import {
  addMetadataSourceOptions,
  addSchemaHintOptions,
  commaList,
  readMetadataOption,
  type SchemaCommandOptions,
} from './schema-options';

interface GenerateCommandOptions extends SchemaCommandOptions {
  out: string;
  attributes?: string[];
  tablePrefix?: string;
  dryRun?: boolean;
}

/** What `generate` did, one line per file. */
export function formatGenerateReport(report: WriteGeneratedFilesReport, dryRun: boolean): string {
  const lines = [
    ...report.written.map((path) => `${dryRun ? 'would write' : 'wrote'}  ${path}`),
    ...report.unchanged.map((path) => `unchanged  ${path}`),
    ...report.kept.map(
      (path) =>
        `kept       ${path} (differs from the generated one: not overwritten; delete it to regenerate)`,
    ),
    ...report.existingMigrations.map((path) => `kept       ${path} (a migration already creates this table)`),
  ];
  return lines.join('\n');
}

/**
 * `cdms-sync generate <entities…>`: reads `$metadata` (`--metadata file.xml[.gz]`, `--url
 * <organisation root>`, else through the config's Sync: `sync.metadata()`) and writes, per entity,
 * `models/<entity>.ts` (migrator + model) and `migrations/<stamp>-NN-create-<entity>.ts` under
 * `--out`. Never overwrites a file: an existing one is reported `unchanged` or `kept` (hand edits
 * survive; delete a file to regenerate it), and a table that already has a migration gets no new
 * one. `--dry-run` prints the files instead of writing them.
 *
 * @example
 * registerGenerateCommand(program, runtime);
 * // $ cdms-sync generate Account Contact --metadata cdms.edmx --out src --max-length Account.Name=160
 */
export function registerGenerateCommand(program: Command, runtime: CliRuntime): void {
  const generate = program
    .command('generate')
    .description('write models, migrators and Knex migrations for CDMS entities from $metadata')
    .argument('<entities...>', 'entity sets, schema or logical names (AccountSet, Contact, optevia_country)');
  addMetadataSourceOptions(generate)
    .option('--out <dir>', 'the folder to write models/ and migrations/ into', '.')
    .option(
      '--attributes <names>',
      'attributes to map, comma-separated (Name, Contact.FirstName) [default: the writable ones]',
      commaList,
    );
  addSchemaHintOptions(generate)
    .option('--table-prefix <prefix>', 'put before every table name')
    .option('--dry-run', 'print the files, write nothing')
    .action(async (entities: string[], options: GenerateCommandOptions, command: Command) => {
      const { io } = runtime;
      try {
        const metadata = (await readMetadataOption(options)) ?? (await metadataFromConfig(runtime, command));
        const files = generateModels(metadata, {
          entities,
          ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
          maxLengths: options.maxLength ?? {},
          lookupTargets: options.lookupTarget ?? {},
          ...(options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix }),
        });
        const report = await writeGeneratedFiles(files, {
          outDir: options.out,
          dryRun: options.dryRun ?? false,
        });
        if (options.dryRun) {
          const shown = new Set(report.written);
          for (const file of files.filter((each) => shown.has(each.path))) {
            io.stdout.write(`// ---- ${file.path}\n${file.contents}\n`);
          }
        }
        io.stdout.write(`${formatGenerateReport(report, options.dryRun ?? false)}\n`);
      } catch (error) {
        runtime.exitCode = 1;
        const code = (error as { code?: unknown }).code;
        io.stderr.write(`error${typeof code === 'string' ? ` ${code}` : ''}: ${(error as Error).message}\n`);
      }
    });
}

/** `sync.metadata()` of the config's Sync (its client GETs `$metadata`), closing the Sync after. */
async function metadataFromConfig(runtime: CliRuntime, command: Command) {
  const config = await loadConfig({ cwd: runtime.io.cwd, configPath: command.optsWithGlobals().config });
  try {
    return await config.sync.metadata();
  } finally {
    await config.sync.close();
  }
}
