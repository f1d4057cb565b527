import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type Command, InvalidArgumentError } from 'commander';

/** The options `generate` and `check` share. */
export interface SchemaCommandOptions {
  metadata?: string;
  url?: string;
  maxLength?: Record<string, number>;
  lookupTarget?: Record<string, string>;
}

/**
 * Adds where `$metadata` comes from, `--metadata <file>` and `--url <root>` (read by
 * {@link readMetadataOption}), to `command`.
 *
 * @example
 * addMetadataSourceOptions(program.command('check'));
 * // $ cdms-sync check --metadata cdms.edmx.gz
 */
export function addMetadataSourceOptions(command: Command): Command {
  return command
    .option('--metadata <file>', 'a saved $metadata document (.xml, or .xml.gz)')
    .option(
      '--url <root>',
      'GET $metadata from this organisation root, without signing in (e.g. the emulator)',
    );
}

/**
 * Adds the repeatable hints for what `$metadata` does not publish, `--max-length
 * <Entity.Attribute=N>` and `--lookup-target <Entity.Attribute=entity>`, to `command`.
 *
 * @example
 * addSchemaHintOptions(program.command('check'));
 * // $ cdms-sync check --max-length Account.Name=160 --lookup-target Contact.ParentCustomerId=account
 */
export function addSchemaHintOptions(command: Command): Command {
  return command
    .option(
      '--max-length <Entity.Attribute=N>',
      'a string length $metadata does not publish (repeatable)',
      entityAttributeValues(maxLength),
    )
    .option(
      '--lookup-target <Entity.Attribute=entity>',
      'the target of a lookup $metadata does not link (repeatable)',
      entityAttributeValues(String),
    );
}

/** The Organization Data Service under an organisation root. */
const DATA_SERVICE_PATH = '/XRMServices/2011/OrganizationData.svc';

/**
 * Commander parser of a repeatable `Entity.Attribute=value` option into a record
 * (`--max-length Account.Name=160 --max-length Contact.FirstName=50`).
 */
export function entityAttributeValues<T>(parse: (text: string) => T) {
  return (text: string, previous: Record<string, T> = {}): Record<string, T> => {
    const match = /^([\w]+\.[\w]+)=(.+)$/.exec(text);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw new InvalidArgumentError('expected Entity.Attribute=value, e.g. Account.Name=160');
    }
    return { ...previous, [match[1]]: parse(match[2]) };
  };
}

/** A positive whole number (`--max-length Account.Name=160`). */
export function maxLength(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return value;
}

/** Commander parser of a comma-separated list (`--attributes Name,Contact.FirstName`). */
export function commaList(text: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}

/**
 * The `$metadata` EDMX text from `--metadata <file>` (`.gz` unpacked) or `--url <root>` (a GET
 * without signing in: the emulator, or a CDMS that allows it); `undefined` when neither is given.
 */
export async function readMetadataOption(options: SchemaCommandOptions): Promise<string | undefined> {
  if (options.metadata !== undefined) {
    const bytes = await readFile(options.metadata);
    return (options.metadata.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  }
  if (options.url !== undefined) {
    const root = options.url.replace(/\/+$/, '');
    const service = root.endsWith('.svc') ? root : `${root}${DATA_SERVICE_PATH}`;
    const response = await fetch(`${service}/$metadata`, { headers: { accept: 'application/xml' } });
    if (!response.ok) {
      const shown = new URL(`${service}/$metadata`);
      shown.username = '';
      shown.password = '';
      throw new Error(`GET ${shown.href} answered ${response.status}`);
    }
    return response.text();
  }
  return undefined;
}
