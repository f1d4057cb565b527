import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors';
import { fields } from './fields';
import { Migrator, type MigratorSendContext } from './migrator';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const OWNER = '0f4b5c6d-1a2b-4c3d-8e9f-a0b1c2d3e4f5';

class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    ukOrganisation: fields.boolean('optevia_ukorganisation'),
    owner: fields.idRef('OwnerId', { logicalName: 'systemuser' }),
    status: fields.optionSet('StateCode'),
    sameName: fields.string('Name'),
  };
  contexts: MigratorSendContext[] = [];

  override beforeSend(data: CdmsEntity, context: MigratorSendContext): CdmsEntity {
    this.contexts.push(context);
    return { ...data, optevia_PAFOverride: true };
  }

  override afterReceive(entity: CdmsEntity): CdmsEntity {
    return typeof entity.Name === 'string' ? { ...entity, Name: entity.Name.trim() } : entity;
  }
}

class InteractionMigrator extends Migrator {
  service = 'optevia_interaction';
  override entitySetName = 'optevia_interactionSet';
  override primaryKeyAttribute = 'optevia_interactionid';
  fields = { subject: fields.string('optevia_Subject') };
}

describe('Migrator', () => {
  it('derives the entity set and primary key from the service, unless overridden', () => {
    const organisation = new OrganisationMigrator();
    expect(organisation.entitySetName).toBe('AccountSet');
    expect(organisation.primaryKeyAttribute).toBe('AccountId');
    const interaction = new InteractionMigrator();
    expect(interaction.entitySetName).toBe('optevia_interactionSet');
    expect(interaction.primaryKeyAttribute).toBe('optevia_interactionid');
  });

  it('selects the key, CreatedOn, ModifiedOn and the mapped attributes once each', () => {
    expect(new OrganisationMigrator().selectAttributes()).toEqual([
      'AccountId',
      'CreatedOn',
      'ModifiedOn',
      'Name',
      'optevia_ukorganisation',
      'OwnerId',
      'StateCode',
    ]);
    expect(new OrganisationMigrator().mappedFields()).toEqual([
      'name',
      'ukOrganisation',
      'owner',
      'status',
      'sameName',
    ]);
  });

  it('encodes the mapped fields, skips local-only ones, then runs beforeSend', () => {
    const migrator = new OrganisationMigrator();
    const body = migrator.toCdms({
      name: 'Acme',
      ukOrganisation: true,
      owner: OWNER,
      status: 1,
      notes: 'local',
    });
    expect(body).toEqual({
      Name: 'Acme',
      optevia_ukorganisation: true,
      OwnerId: { Id: OWNER, LogicalName: 'systemuser' },
      StateCode: { Value: 1 },
      optevia_PAFOverride: true,
    });
    expect(migrator.contexts[0]).toMatchObject({ operation: 'create' });
  });

  it('sends only the asked fields, and the primary key when cdmsPk is given', () => {
    const migrator = new OrganisationMigrator();
    expect(migrator.toCdms({ name: 'Acme', ukOrganisation: true, cdmsPk: GUID }, ['ukOrganisation'])).toEqual(
      {
        optevia_ukorganisation: true,
        optevia_PAFOverride: true,
      },
    );
    expect(migrator.contexts[0]).toMatchObject({ operation: 'update', onlyFields: ['ukOrganisation'] });
    expect(migrator.toCdms({ name: 'Acme', cdmsPk: GUID.toUpperCase() })).toEqual({
      AccountId: GUID,
      Name: 'Acme',
      optevia_PAFOverride: true,
    });
  });

  it('names the field when a value cannot be encoded, before anything is sent', () => {
    const migrator = new OrganisationMigrator();
    expect(() => migrator.toCdms({ owner: 'nope' })).toThrow(ValidationError);
    expect(() => migrator.toCdms({ owner: 'nope' })).toThrow(
      "Account field 'owner': Cannot send \"nope\" to CDMS attribute 'OwnerId': expected a GUID.",
    );
    expect(migrator.contexts).toEqual([]);
  });

  it('decodes an entity after afterReceive: key, dates and mapped fields', () => {
    const migrator = new OrganisationMigrator();
    const values = migrator.fromCdms({
      AccountId: GUID.toUpperCase(),
      CreatedOn: new Date('2016-02-28T10:00:00.000Z'),
      ModifiedOn: '/Date(1663715691000)/',
      Name: '  Acme  ',
      optevia_ukorganisation: null,
      OwnerId: { Id: null, LogicalName: null, Name: null },
      StateCode: { Value: 0 },
    });
    expect(values).toEqual({
      cdmsPk: GUID,
      created: new Date('2016-02-28T10:00:00.000Z'),
      modified: new Date(1663715691000),
      name: 'Acme',
      sameName: 'Acme',
      ukOrganisation: false,
      owner: null,
      status: 0,
    });
  });

  it('leaves out attributes the entity does not carry', () => {
    expect(new OrganisationMigrator().fromCdms({ Name: 'Acme' })).toEqual({ name: 'Acme', sameName: 'Acme' });
  });

  it('names the field when a received value cannot be decoded', () => {
    expect(() => new OrganisationMigrator().fromCdms({ StateCode: 'open' })).toThrow(
      "Account field 'status': CDMS attribute 'StateCode' should hold an option set value; got \"open\".",
    );
  });
});
