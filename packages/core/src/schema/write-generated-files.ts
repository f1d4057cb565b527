import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { GeneratedFile } from './generate-models';

/** Options of `writeGeneratedFiles`. */
export interface WriteGeneratedFilesOptions {
  /** The folder the generated paths are relative to. */
  outDir: string;
  /** Decide what would happen, write nothing. @default false */
  dryRun?: boolean;
}

/** What `writeGeneratedFiles` did (or, with `dryRun`, would do) with each file. */
export interface WriteGeneratedFilesReport {
  /** New files, written. */
  readonly written: readonly string[];
  /** Files that exist with exactly the generated contents. */
  readonly unchanged: readonly string[];
  /**
   * Files that exist with other contents (hand edits, or a newer `$metadata`): left untouched.
   * Compare them with `--dry-run` output, or delete one to regenerate it.
   */
  readonly kept: readonly string[];
  /** Migrations not written because one creating the same table exists (`…-create-contact.ts`). */
  readonly existingMigrations: readonly string[];
}

/**
 * Writes generated files without ever overwriting one: a new file is written, an existing file is
 * left as it is (reported `unchanged` or `kept`), and a migration is skipped when the folder already
 * has one creating the same table (its name ends with `-create-<model>.ts`), whatever its prefix.
 *
 * @example
 * ```ts
 * const report = await writeGeneratedFiles(generateModels(xml, { entities: ['Contact'] }), { outDir: 'src' });
 * report.kept; // ['models/contact.ts'] when you edited it since
 * ```
 */
export async function writeGeneratedFiles(
  files: readonly GeneratedFile[],
  options: WriteGeneratedFilesOptions,
): Promise<WriteGeneratedFilesReport> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const kept: string[] = [];
  const existingMigrations: string[] = [];
  const listings = new Map<string, string[]>();
  const list = async (folder: string) => {
    let names = listings.get(folder);
    if (names === undefined) {
      names = await readdir(folder).catch(() => []);
      listings.set(folder, names);
    }
    return names;
  };
  for (const file of files) {
    const target = join(options.outDir, file.path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current !== undefined) {
      (current === file.contents ? unchanged : kept).push(file.path);
      continue;
    }
    if (file.kind === 'migration') {
      const suffix = basename(file.path).replace(/^.*?(-create-[^/]+\.ts)$/, '$1');
      const existing = (await list(dirname(target))).find((name) => name.endsWith(suffix));
      if (existing !== undefined) {
        existingMigrations.push(join(dirname(file.path), existing));
        continue;
      }
    }
    if (!options.dryRun) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.contents, { flag: 'wx' });
    }
    written.push(file.path);
  }
  return { written, unchanged, kept, existingMigrations };
}
