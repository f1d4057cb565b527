import { fields, type Manager, Migrator, SyncedModel } from '@cdms-sync/core';

export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    city: fields.string('Address1_City', { nullable: true }),
  };
}

export class Organisation extends SyncedModel {
  static override table = 'organisation';
  static override migrator = new OrganisationMigrator();
  declare static objects: Manager<Organisation>;

  declare name: string;
  declare city: string | null;
}
