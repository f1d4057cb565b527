/**
 * A whole organisation's `$metadata`: a generated real-shaped document (hundreds of entity sets,
 * Account/Contact with hundreds of attributes, `optevia_`/`detica_` prefixes, many-to-many sets,
 * megabytes), and, when present, the real-shaped document of the organisation this project was made
 * for (`../shared/fixtures/cdms-schema/`, read in place, never copied). Speed is measured by
 * `pnpm bench`, not here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { camelCase, checkMigrators, generateModels, SchemaMetadata, snakeCase } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import { buildLargeMetadata } from './support/build-large-edmx';
import { REPO_ROOT, writeGeneratedProject } from './support/generated-project';

describe('a generated real-shaped $metadata (307 entity sets)', () => {
  const large = buildLargeMetadata();
  const schema = SchemaMetadata.from(large.xml);

  it('is the size of a real organisation', () => {
    expect(large.entitySets).toBe(307);
    expect(large.properties).toBeGreaterThan(10_000);
    expect(large.xml.length).toBeGreaterThan(3_000_000);
    expect(schema.entity('Contact')?.attributes.length).toBeGreaterThan(280);
    expect(schema.document.associationSets.filter((set) => set.name.includes('_association'))).toHaveLength(
      40,
    );
  });

  it('resolves every lookup to the entity its association names', () => {
    const wrong = [...large.lookupTargets].filter(([key, target]) => {
      const [entity, attribute] = key.split('.') as [string, string];
      return schema.lookupTarget(schema.entity(entity)!, attribute) !== target;
    });
    expect(wrong).toEqual([]);
  });

  it('generates every entity; fields and columns round-trip through the store naming', () => {
    const files = generateModels(schema, {
      entities: schema.entities.map((entity) => entity.setName),
      migrationPrefix: '1',
    });
    expect(files).toHaveLength(2 * 307);
    const fieldNames = files
      .filter((file) => file.kind === 'model')
      .flatMap((file) =>
        [...file.contents.matchAll(/^ {2}declare (\w+):/gm)].map((match) => match[1] as string),
      );
    expect(fieldNames.length).toBeGreaterThan(5_000);
    expect(fieldNames.filter((field) => camelCase(snakeCase(field)) !== field)).toEqual([]);
  });

  it('generated models check clean against the document they came from', async () => {
    const custom = schema.entities.find((entity) => entity.name.startsWith('optevia_'))!.name;
    const entities = ['Account', 'Contact', custom, 'SystemUser'];
    const files = generateModels(schema, { entities, migrationPrefix: '1' });
    const project = await writeGeneratedProject(files, join(REPO_ROOT, '.tmp'));
    try {
      project.add(
        'models/index.ts',
        files
          .filter((file) => file.kind === 'model')
          .map((file) => `export * from './${file.path.slice('models/'.length, -'.ts'.length)}';\n`)
          .join(''),
      );
      const loaded =
        await project.load<Record<string, { name: string; migrator?: never }>>('models/index.ts');
      const models = Object.values(loaded).filter(
        (value) => typeof value === 'function' && 'migrator' in value,
      );
      expect(models.length).toBe(4);
      expect(checkMigrators(models, schema)).toEqual([]);
      await project.typecheck();
      await project.lint();
    } finally {
      project.remove();
    }
  }, 120_000);
});

/**
 * `../shared/fixtures/cdms-schema/` beside the clone (CI has it): required on CI, skipped with a
 * warning elsewhere. `CDMS_SHARED_DIR` points at another copy of `shared/`.
 */
const sharedDir = process.env.CDMS_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
const realSchemaFile = join(sharedDir, 'fixtures/cdms-schema/cdms-real.edmx.gz');
const realSchemaPresent = existsSync(realSchemaFile);
if (!realSchemaPresent && process.env.CI) {
  describe('the real-shaped CDMS $metadata', () => {
    it('is present beside the clone (required on CI)', () => {
      throw new Error(`${realSchemaFile} is missing`);
    });
  });
} else {
  if (!realSchemaPresent) {
    process.emitWarning(
      `${realSchemaFile} is missing: the real-shaped $metadata tests are skipped (set CDMS_SHARED_DIR)`,
      'CdmsSyncTestWarning',
    );
  }
  describe.skipIf(!realSchemaPresent)(
    'the real-shaped CDMS $metadata (../shared/fixtures/cdms-schema)',
    () => {
      it('parses all 374 entity sets and 9,981 properties, and generates every entity', () => {
        const schema = SchemaMetadata.from(gunzipSync(readFileSync(realSchemaFile)).toString('utf8'));
        expect(schema.entities).toHaveLength(374);
        expect(schema.entities.reduce((sum, entity) => sum + entity.attributes.length, 0)).toBe(9_981);
        expect(schema.entities.filter((entity) => entity.name.startsWith('optevia_'))).toHaveLength(92);
        expect(schema.entities.filter((entity) => entity.name.startsWith('detica_'))).toHaveLength(87);
        const account = schema.entity('Account')!;
        expect(schema.lookupTarget(account, 'optevia_Country')).toBe('optevia_country');
        expect(schema.lookupTarget(account, 'ParentAccountId')).toBe('account');
        expect(schema.lookupTarget(schema.entity('Contact')!, 'CreatedBy')).toBe('systemuser');

        const files = generateModels(schema, {
          entities: schema.entities.map((entity) => entity.setName),
          migrationPrefix: '1',
        });
        expect(files).toHaveLength(2 * 374);
        const accountFile = files.find((file) => file.path === 'models/account.ts')!.contents;
        expect(accountFile).toContain(
          "opteviaCountry: fields.foreignKey('optevia_Country', () => OpteviaCountry, {",
        );
        // CRM 2011 publishes no MaxLength: every string is a text column, and the file says so.
        expect(accountFile).toContain('- `Name`: unknown (text column)');
      });
    },
  );
}
