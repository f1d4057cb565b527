import { fields, type Manager, Migrator, SyncedModel } from '@cdms-sync/core';
import { Organisation } from './organisation';

/**
 * How a `Contact` maps to a CDMS `Contact`. `organisation` is a foreign key: CDMS holds it as the
 * lookup `ParentCustomerId` (`{ Id, LogicalName: 'account' }`), the local table as
 * `organisation_id` (the related row's local id, read as `organisationId`).
 */
export class ContactMigrator extends Migrator {
  service = 'Contact';
  fields = {
    firstName: fields.string('FirstName'),
    lastName: fields.string('LastName'),
    email: fields.string('EMailAddress1', { nullable: true }),
    phone: fields.string('Telephone1', { nullable: true }),
    organisation: fields.foreignKey('ParentCustomerId', () => Organisation, { logicalName: 'account' }),
  };
}

/**
 * A person at an organisation. Table `contact`, CDMS `ContactSet`.
 *
 * @example
 * ```ts
 * await Contact.objects.create({ firstName: 'Ada', lastName: 'Lovelace', organisation: acme }); // stored as organisationId
 * await acme.relatedSet(Contact, 'organisation'); // GET ContactSet?$filter=ParentCustomerId/Id eq guid'…'
 * ```
 */
export class Contact extends SyncedModel {
  static override table = 'contact';
  static override migrator = new ContactMigrator();
  declare static objects: Manager<Contact>;

  declare firstName: string;
  declare lastName: string;
  declare email: string | null;
  declare phone: string | null;
  /**
   * The local id of the contact's organisation (column `organisation_id`). It also lets `create()`,
   * `update()` and `filter()` take the relation itself: `{ organisation: acme }`.
   */
  declare organisationId: number | null;
}
