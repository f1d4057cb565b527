import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCdmsSyncError } from '../errors/cdms-sync-error';
import { emulatorMetadata } from './__fixtures__/schema-fixture';
import { generateModels } from './generate-models';

let metadata: CdmsMetadata;
beforeAll(async () => {
  metadata = await emulatorMetadata();
});

const generate = (options: Partial<Parameters<typeof generateModels>[1]> = {}) =>
  generateModels(metadata, {
    entities: ['Account', 'ContactSet'],
    migrationPrefix: '20261127120000',
    ...options,
  });

const contents = (files: ReturnType<typeof generateModels>, path: string) =>
  files.find((file) => file.path === path)?.contents ?? '';

describe('generateModels from the emulator $metadata', () => {
  it('writes one model and one migration per entity (snapshot)', () => {
    const files = generate();
    expect(files.map((file) => [file.kind, file.path, file.table])).toEqual([
      ['model', 'models/account.ts', 'account'],
      ['model', 'models/contact.ts', 'contact'],
      ['migration', 'migrations/20261127120000-01-create-contact.ts', 'contact'],
      ['migration', 'migrations/20261127120000-02-create-account.ts', 'account'],
    ]);
    for (const file of files) expect(file.contents).toMatchSnapshot(file.path);
  });

  it('maps each EDM type to its codec, a lookup to a generated entity as a foreign key, others as idRef', () => {
    const contact = contents(generate(), 'models/contact.ts');
    expect(contact).toContain("firstName: fields.string('FirstName', { nullable: true }),");
    expect(contact).toContain("birthDate: fields.datetime('BirthDate', { nullable: true }),");
    expect(contact).toContain("doNotEMail: fields.boolean('DoNotEMail'),");
    expect(contact).toContain("genderCode: fields.optionSet('GenderCode', { nullable: true }),");
    expect(contact).toContain(
      "parentCustomer: fields.foreignKey('ParentCustomerId', () => Account, { logicalName: 'account' }),",
    );
    expect(contact).toContain(
      "owner: fields.idRef('OwnerId', { nullable: true, logicalName: 'systemuser' }),",
    );
    expect(contact).toContain('declare parentCustomerId: number | null;');
    const account = contents(generate(), 'models/account.ts');
    expect(account).toContain("revenue: fields.money('Revenue', { nullable: true }),");
    expect(account).toContain("numberOfEmployees: fields.integer('NumberOfEmployees', { nullable: true }),");
    // A lookup whose target $metadata does not link stays a GUID, and the file says so.
    expect(account).toContain("opteviaCountry: fields.idRef('optevia_Country', { nullable: true }),");
    expect(account).toContain('Lookups whose target `$metadata` does not say');
  });

  it('leaves out the primary key, the attributes CDMS maintains and the computed ones by default', () => {
    const contact = contents(generate(), 'models/contact.ts');
    for (const attribute of [
      'ContactId',
      'CreatedOn',
      'ModifiedOn',
      'VersionNumber',
      'CreatedBy',
      'ModifiedBy',
      'StateCode',
      'FullName',
    ]) {
      expect(contact).not.toContain(`'${attribute}'`);
    }
    expect(contact).toContain("statusCode: fields.optionSet('StatusCode', { nullable: true }),");
  });

  it('types string columns with the MaxLength of $metadata, else the host override, else text', () => {
    const files = generate({ maxLengths: { 'Account.Description': 2000 } });
    const migration = contents(files, 'migrations/20261127120000-02-create-account.ts');
    expect(migration).toContain("table.string('name', 160).nullable();");
    expect(migration).toContain("table.string('description', 2000).nullable();");
    expect(contents(files, 'models/account.ts')).toContain(
      "`Description`: 2000 (from the host's maxLengths override)",
    );
    expect(contents(generate(), 'migrations/20261127120000-02-create-account.ts')).toContain(
      "table.text('description').nullable();",
    );
  });

  it('creates the related table first, indexes every foreign key, and creates the synced base columns (cdms_version among them) with createSyncedTable', () => {
    const files = generate();
    const contact = contents(files, 'migrations/20261127120000-01-create-contact.ts');
    const account = contents(files, 'migrations/20261127120000-02-create-account.ts');
    // Contact <-> Account is a cycle: the first table has the column and its index, the second the foreign key too.
    expect(contact).toContain("table.integer('parent_customer_id').unsigned().nullable();");
    expect(contact).toContain("table.index(['parent_customer_id'], 'contact_parent_customer_id_index');");
    expect(contact).not.toContain('.foreign(');
    expect(account).toContain(".foreign('primary_contact_id', 'account_primary_contact_id_foreign')");
    expect(account).toContain("await createSyncedTable(knex, 'account', (table) => {");
    expect(account).not.toContain("'cdms_version'");
    expect(account).toContain("if (!(await knex.schema.hasTable('cdms_sync_history'))) {");
  });

  it('maps only the attributes asked for: bare names on every entity, Entity.Attribute on one', () => {
    const files = generate({ attributes: ['Telephone1', 'Contact.LastName', 'Contact.ParentCustomerId'] });
    const account = contents(files, 'models/account.ts');
    const contact = contents(files, 'models/contact.ts');
    expect(account.match(/fields\.\w+\(/g)).toEqual(['fields.string(']);
    expect(contact.match(/fields\.\w+\('\w+'/g)).toEqual([
      "fields.string('LastName'",
      "fields.string('Telephone1'",
      "fields.foreignKey('ParentCustomerId'",
    ]);
  });

  it('prefixes tables and names the history table when asked', () => {
    const files = generate({ tablePrefix: 'crm_', historyTable: 'crm_history' });
    expect(contents(files, 'models/account.ts')).toContain("static override table = 'crm_account';");
    const migration = contents(files, 'migrations/20261127120000-02-create-account.ts');
    expect(migration).toContain(".inTable('crm_contact')");
    expect(migration).toContain("await createHistoryTable(knex, { tableName: 'crm_history' });");
  });

  it('names an unknown entity or attribute with a suggestion, before generating anything', () => {
    const failure = (options: Partial<Parameters<typeof generateModels>[1]>) => {
      try {
        generate(options);
      } catch (error) {
        return error;
      }
      throw new Error('expected a failure');
    };
    const entity = failure({ entities: ['Acount'] });
    expect(isCdmsSyncError(entity) && entity.code).toBe('FIELD_ERROR');
    expect((entity as Error).message).toBe("Unknown CDMS entity 'Acount'; did you mean 'Account'?");
    expect((failure({ attributes: ['Contact.LastNam'] }) as Error).message).toBe(
      "Unknown CDMS attribute 'Contact.LastNam' on Contact; did you mean 'LastName'?",
    );
  });
});
