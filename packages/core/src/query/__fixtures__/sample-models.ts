import { fields } from '../../migrator/fields';
import { Migrator } from '../../migrator/migrator';
import { createModelSchema } from '../model-schema';

/** A model instance type as the sync layer declares it (plain class: the query layer only needs its shape). */
export class Organisation {
  declare id: number;
  cdmsPk: string | null = null;
  created: Date | null = null;
  modified: Date | null = null;
  name = '';
  alias: string | null = null;
  ukOrganisation = false;
  employees: number | null = null;
  revenue: string | null = null;
  status = 0;
  founded: string | null = null;
  lastContacted: Date | null = null;
  owner: string | null = null;
  parent: Organisation | null = null;
  notes: string | null = null;
  score: number | null = null;
  _state = 'clean';
  save(): Promise<void> {
    return Promise.resolve();
  }
}

export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    alias: fields.string('optevia_Alias', { nullable: true }),
    ukOrganisation: fields.boolean('optevia_ukorganisation'),
    employees: fields.integer('NumberOfEmployees', { nullable: true }),
    revenue: fields.money('Revenue', { nullable: true }),
    status: fields.optionSet('StateCode'),
    founded: fields.date('optevia_Founded', { nullable: true }),
    lastContacted: fields.datetime('optevia_LastContacted', { nullable: true }),
    owner: fields.idRef('OwnerId', { logicalName: 'systemuser' }),
    parent: fields.foreignKey('ParentAccountId', () => Organisation, { logicalName: 'account' }),
  };
}

export const organisationSchema = createModelSchema({
  modelName: 'Organisation',
  table: 'organisation',
  migrator: new OrganisationMigrator(),
  fields: { notes: { type: 'string', nullable: true }, score: { type: 'float', nullable: true } },
});

export const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
export const OTHER_GUID = '0f4b5c6d-1a2b-4c3d-8e9f-a0b1c2d3e4f5';
