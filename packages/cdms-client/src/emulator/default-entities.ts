import type { EmulatorEntityDefinition } from './types';

/**
 * `Account` as CRM 2011 exposes it (string maximum lengths from CRM 2011's attribute metadata),
 * with the custom attributes of the UK Trade & Investment
 * organisation (`optevia_*`) that the example app maps.
 */
export const accountEntity: EmulatorEntityDefinition = {
  name: 'Account',
  primaryNameAttribute: 'Name',
  attributes: {
    Name: { type: 'Edm.String', maxLength: 160 },
    AccountNumber: { type: 'Edm.String', maxLength: 20 },
    optevia_Alias: { type: 'Edm.String', maxLength: 100 },
    optevia_ukorganisation: 'Edm.Boolean',
    optevia_Country: { type: 'EntityReference', target: 'optevia_country' },
    optevia_UKRegion: { type: 'EntityReference', target: 'optevia_ukregion' },
    optevia_Sector: { type: 'EntityReference', target: 'optevia_sector' },
    Address1_Line1: { type: 'Edm.String', maxLength: 250 },
    Address1_Line2: { type: 'Edm.String', maxLength: 250 },
    Address1_City: { type: 'Edm.String', maxLength: 80 },
    Address1_PostalCode: { type: 'Edm.String', maxLength: 20 },
    Telephone1: { type: 'Edm.String', maxLength: 50 },
    EMailAddress1: { type: 'Edm.String', maxLength: 100 },
    WebSiteURL: { type: 'Edm.String', maxLength: 200 },
    Description: 'Edm.String',
    NumberOfEmployees: 'Edm.Int32',
    Revenue: 'Money',
    IndustryCode: 'OptionSetValue',
    StateCode: 'OptionSetValue',
    StatusCode: 'OptionSetValue',
    ParentAccountId: { type: 'EntityReference', target: 'account' },
    PrimaryContactId: { type: 'EntityReference', target: 'contact' },
    OwnerId: { type: 'EntityReference', target: 'systemuser' },
    CreatedBy: { type: 'EntityReference', target: 'systemuser' },
    ModifiedBy: { type: 'EntityReference', target: 'systemuser' },
  },
};

/** `Contact` as CRM 2011 exposes it; `ParentCustomerId` points at the contact's account. */
export const contactEntity: EmulatorEntityDefinition = {
  name: 'Contact',
  primaryNameAttribute: 'FullName',
  attributes: {
    FirstName: { type: 'Edm.String', maxLength: 50 },
    LastName: { type: 'Edm.String', maxLength: 50 },
    FullName: { type: 'Edm.String', maxLength: 160 },
    JobTitle: { type: 'Edm.String', maxLength: 100 },
    EMailAddress1: { type: 'Edm.String', maxLength: 100 },
    Telephone1: { type: 'Edm.String', maxLength: 50 },
    MobilePhone: { type: 'Edm.String', maxLength: 50 },
    BirthDate: 'Edm.DateTime',
    DoNotEMail: 'Edm.Boolean',
    ParentCustomerId: { type: 'EntityReference', target: 'account' },
    GenderCode: 'OptionSetValue',
    StateCode: 'OptionSetValue',
    StatusCode: 'OptionSetValue',
    OwnerId: { type: 'EntityReference', target: 'systemuser' },
    CreatedBy: { type: 'EntityReference', target: 'systemuser' },
    ModifiedBy: { type: 'EntityReference', target: 'systemuser' },
  },
};

/** `SystemUser`: the CRM users (owners of records). */
export const systemUserEntity: EmulatorEntityDefinition = {
  name: 'SystemUser',
  primaryNameAttribute: 'FullName',
  attributes: {
    FullName: { type: 'Edm.String', maxLength: 160 },
    FirstName: { type: 'Edm.String', maxLength: 50 },
    LastName: { type: 'Edm.String', maxLength: 50 },
    DomainName: { type: 'Edm.String', maxLength: 1024 },
    InternalEMailAddress: { type: 'Edm.String', maxLength: 100 },
    IsDisabled: 'Edm.Boolean',
    BusinessUnitId: { type: 'EntityReference', target: 'businessunit' },
  },
};

/**
 * The entities an emulator serves when `options.entities` is not given: `AccountSet`,
 * `ContactSet` and `SystemUserSet`. Spread it to add custom entities:
 *
 * @example
 * ```ts
 * await startCdmsEmulator({ entities: [...defaultEntities, { name: 'optevia_country', attributes: { optevia_name: 'Edm.String' } }] });
 * ```
 */
export const defaultEntities: readonly EmulatorEntityDefinition[] = [
  accountEntity,
  contactEntity,
  systemUserEntity,
];
