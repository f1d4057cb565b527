import { fields, type Manager, Migrator, SyncedModel } from '@cdms-sync/core';

/**
 * How an `Organisation` maps to a CDMS `Account`. Only the fields listed here travel to CDMS;
 * `notes` (a column of the `organisation` table) is local-only: that is how the new system
 * re-models its data while CDMS lives on.
 *
 * Country, UK region and sector are CDMS lookups to reference entities the new system does not
 * model (yet): `fields.idRef` keeps just their GUID.
 */
export class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = {
    name: fields.string('Name'),
    alias: fields.string('optevia_Alias', { nullable: true }),
    ukOrganisation: fields.boolean('optevia_ukorganisation'),
    country: fields.idRef('optevia_Country', { nullable: true, logicalName: 'optevia_country' }),
    ukRegion: fields.idRef('optevia_UKRegion', { nullable: true, logicalName: 'optevia_ukregion' }),
    sector: fields.idRef('optevia_Sector', { nullable: true, logicalName: 'optevia_sector' }),
    addressLine1: fields.string('Address1_Line1', { nullable: true }),
    city: fields.string('Address1_City', { nullable: true }),
    postcode: fields.string('Address1_PostalCode', { nullable: true }),
    phone: fields.string('Telephone1', { nullable: true }),
    email: fields.string('EMailAddress1', { nullable: true }),
  };
}

/**
 * An organisation (a company the department works with). Table `organisation`, CDMS `AccountSet`.
 *
 * @example
 * ```ts
 * const acme = await Organisation.objects.create({ name: 'Acme', ukOrganisation: true }); // POST AccountSet
 * await Organisation.objects.filter({ name__icontains: 'acm' });                          // GET AccountSet?$filter=substringof('acm',Name)…
 * ```
 */
export class Organisation extends SyncedModel {
  static override table = 'organisation';
  static override migrator = new OrganisationMigrator();
  declare static objects: Manager<Organisation>;

  declare name: string;
  declare alias: string | null;
  declare ukOrganisation: boolean;
  /** GUID of a CDMS `optevia_country` record. */
  declare country: string | null;
  /** GUID of a CDMS `optevia_ukregion` record. */
  declare ukRegion: string | null;
  /** GUID of a CDMS `optevia_sector` record. */
  declare sector: string | null;
  declare addressLine1: string | null;
  declare city: string | null;
  declare postcode: string | null;
  declare phone: string | null;
  declare email: string | null;
  /** Local-only: never sent to CDMS, never overwritten by a CDMS refresh. */
  declare notes: string | null;
}
