import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean';
import { edmKindOf, isSystemAttribute, SchemaMetadata } from './schema-metadata';

const NS = 'Microsoft.Crm.Sdk.Data.Services';
const reference = { name: 'X', type: `${NS}.EntityReference`, nullable: false };
const entity = (name: string, lookups: string[]) => ({
  name,
  key: [`${name}Id`],
  properties: [
    { name: `${name}Id`, type: 'Edm.Guid', nullable: false },
    ...lookups.map((lookup) => ({ ...reference, name: lookup })),
  ],
  navigationProperties: [],
});
const oneToMany = (name: string, principal: string, dependent: string) => ({
  name,
  ends: [
    { type: `${NS}.${principal}`, role: `Referenced${name}`, multiplicity: '0..1' },
    { type: `${NS}.${dependent}`, role: `Referencing${name}`, multiplicity: '*' },
  ],
});

const schema = new SchemaMetadata({
  namespace: NS,
  containerName: 'Test',
  dataServiceVersion: '1.0',
  entitySets: {
    AccountSet: 'Account',
    ContactSet: 'Contact',
    optevia_countrySet: 'optevia_country',
    SystemUserSet: 'SystemUser',
    TransactionCurrencySet: 'TransactionCurrency',
  },
  entityTypes: {
    Account: entity('Account', [
      'optevia_Country',
      'ParentAccountId',
      'CreatedBy',
      'TransactionCurrencyId',
      'OwnerId',
    ]),
    Contact: entity('Contact', []),
    optevia_country: entity('optevia_country', []),
    SystemUser: entity('SystemUser', []),
    TransactionCurrency: entity('TransactionCurrency', []),
  },
  complexTypes: {},
  associations: {
    a: oneToMany('optevia_optevia_country_account_Country', 'optevia_country', 'Account'),
    b: oneToMany('account_parent_account', 'Account', 'Account'),
    c: oneToMany('lk_accountbase_createdby', 'SystemUser', 'Account'),
    d: oneToMany('transactioncurrency_account', 'TransactionCurrency', 'Account'),
    e: {
      name: 'accountcontact_association',
      ends: [
        { type: `${NS}.Account`, role: 'a', multiplicity: '*' },
        { type: `${NS}.Contact`, role: 'b', multiplicity: '*' },
      ],
    },
  },
  associationSets: [],
});

describe('SchemaMetadata', () => {
  it('finds entities by set, schema or logical name', () => {
    expect(schema.entity('AccountSet')?.name).toBe('Account');
    expect(schema.entity('account')?.setName).toBe('AccountSet');
    expect(schema.entity('optevia_countryset')?.primaryKey).toBe('optevia_countryId');
  });

  it('infers lookup targets from the one-to-many associations, as CRM 2011 names them', () => {
    const account = schema.entity('Account')!;
    expect(schema.lookupTarget(account, 'optevia_Country')).toBe('optevia_country');
    expect(schema.lookupTarget(account, 'ParentAccountId')).toBe('account');
    expect(schema.lookupTarget(account, 'CreatedBy')).toBe('systemuser');
    expect(schema.lookupTarget(account, 'TransactionCurrencyId')).toBe('transactioncurrency');
    // Nothing names OwnerId's relationship (it is polymorphic): unknown, unless the host says.
    expect(schema.lookupTarget(account, 'OwnerId')).toBeUndefined();
    expect(schema.lookupTarget(account, 'OwnerId', { 'Account.OwnerId': 'SystemUser' })).toBe('systemuser');
  });

  it('reads the kind of each EDM type', () => {
    expect(
      [
        'Edm.String',
        'Edm.Int64',
        `${NS}.Money`,
        `${NS}.OptionSetValue`,
        `${NS}.BooleanManagedProperty`,
        'Edm.Binary',
      ].map(edmKindOf),
    ).toEqual(['string', 'int64', 'money', 'optionSet', 'managedBoolean', 'other']);
    expect(['CreatedOn', 'versionnumber', 'Revenue_Base', 'Name'].map(isSystemAttribute)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('didYouMean', () => {
  it('suggests the closest name within a third of its length, case-insensitively, a swap counting once', () => {
    expect(didYouMean('Nmae', ['Name', 'Names'])).toBe('Name');
    expect(didYouMean('optevia_Allias', ['Name', 'optevia_Alias'])).toBe('optevia_Alias');
    expect(didYouMean('name', ['Name'])).toBe('Name');
    expect(didYouMean('Colour', ['Name', 'Telephone1'])).toBeUndefined();
  });
});
