import type { EmulatorEntityDefinition } from './types';

/**
 * `Account` as CRM 2011 exposes it, with the custom attributes of the UK Trade & Investment
 * organisation (`optevia_*`) that the example app maps.
 */
export const accountEntity: EmulatorEntityDefinition = {
  name: 'Account',
  primaryNameAttribute: 'Name',
  attributes: {
    Name: 'Edm.String',
    AccountNumber: 'Edm.String',
    optevia_Alias: 'Edm.String',
    optevia_ukorganisation: 'Edm.Boolean',
    optevia_Country: { type: 'EntityReference', target: 'optevia_country' },
    optevia_UKRegion: { type: 'EntityReference', target: 'optevia_ukregion' },
    optevia_Sector: { type: 'EntityReference', target: 'optevia_sector' },
    Address1_Line1: 'Edm.String',
    Address1_Line2: 'Edm.String',
    Address1_City: 'Edm.String',
    Address1_PostalCode: 'Edm.String',
    Telephone1: 'Edm.String',
    EMailAddress1: 'Edm.String',
    WebSiteURL: 'Edm.String',
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
    FirstName: 'Edm.String',
    LastName: 'Edm.String',
    FullName: 'Edm.String',
    JobTitle: 'Edm.String',
    EMailAddress1: 'Edm.String',
    Telephone1: 'Edm.String',
    MobilePhone: 'Edm.String',
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
    FullName: 'Edm.String',
    FirstName: 'Edm.String',
    LastName: 'Edm.String',
    DomainName: 'Edm.String',
    InternalEMailAddress: 'Edm.String',
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
