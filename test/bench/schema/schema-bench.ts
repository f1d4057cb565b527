/**
 * `generate` on a whole organisation's `$metadata`: the generated real-shaped document (307 entity
 * sets) and, when present beside the clone, the real-shaped one of `../shared/fixtures/cdms-schema/`
 * (374 entity sets, read in place). Per document: the median time to read it (`parseMetadata`, the
 * raw fast-xml-parser baseline), to index it (`SchemaMetadata`), and to generate every entity's
 * model and migration; the ratio is the whole `generate` (parse + index + generate) over the parse.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseMetadata } from '../../../packages/cdms-client/src/index';
import { generateModels, SchemaMetadata } from '../../../packages/core/src/index';
import { buildLargeMetadata } from '../../schema/support/build-large-edmx';
import { formatTable } from '../support/format-table';
import { elapsedMs, median } from '../support/statistics';

const RUNS = 5;

export interface SchemaBenchResult {
  readonly document: string;
  readonly entitySets: number;
  readonly megabytes: number;
  readonly files: number;
  readonly parseMs: number;
  readonly indexMs: number;
  readonly generateMs: number;
}

function measure(document: string, xml: string): SchemaBenchResult {
  const parse: number[] = [];
  const index: number[] = [];
  const generate: number[] = [];
  let files = 0;
  let entitySets = 0;
  for (let run = 0; run < RUNS; run++) {
    let start = process.hrtime.bigint();
    const parsed = parseMetadata(xml);
    parse.push(elapsedMs(start));
    start = process.hrtime.bigint();
    const schema = new SchemaMetadata(parsed);
    index.push(elapsedMs(start));
    start = process.hrtime.bigint();
    files = generateModels(schema, {
      entities: schema.entities.map((entity) => entity.setName),
      migrationPrefix: '1',
    }).length;
    generate.push(elapsedMs(start));
    entitySets = schema.entities.length;
  }
  return {
    document,
    entitySets,
    megabytes: xml.length / 1e6,
    files,
    parseMs: median(parse),
    indexMs: median(index),
    generateMs: median(generate),
  };
}

export function runSchemaBench(): SchemaBenchResult[] {
  const results = [measure('generated (test/schema/support)', buildLargeMetadata().xml)];
  const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  const shared = join(
    process.env.CDMS_SHARED_DIR ?? resolve(root, '../shared'),
    'fixtures/cdms-schema/cdms-real.edmx.gz',
  );
  if (existsSync(shared)) {
    results.push(
      measure('real-shaped (../shared, in place)', gunzipSync(readFileSync(shared)).toString('utf8')),
    );
  }
  return results;
}

export function formatSchemaBench(results: readonly SchemaBenchResult[]): string {
  return formatTable(
    [
      'document',
      'entity sets',
      'MB',
      'files',
      'parse ms (baseline)',
      'index ms',
      'generate ms',
      'total ms',
      'total / parse',
    ],
    results.map((result) => {
      const total = result.parseMs + result.indexMs + result.generateMs;
      return [
        result.document,
        String(result.entitySets),
        result.megabytes.toFixed(1),
        String(result.files),
        result.parseMs.toFixed(0),
        result.indexMs.toFixed(0),
        result.generateMs.toFixed(0),
        total.toFixed(0),
        `${(total / result.parseMs).toFixed(2)}x`,
      ];
    }),
  );
}
