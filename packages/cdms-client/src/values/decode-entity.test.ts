import { describe, expect, it } from 'vitest';
import { InvalidLiteralError } from '../odata/odata-syntax-error';
import { decodeEntity, encodeEntity } from './decode-entity';

/** An Account as CRM 2011 returns it inside `{ "d": … }` (after JSON.parse turned `\/` into `/`). */
const raw = {
  __metadata: {
    uri: "https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/AccountSet(guid'7a4814f9-b0b8-ea11-a812-000d3a122b89')",
    type: 'Microsoft.Crm.Sdk.Data.Services.Account',
  },
  AccountId: '7a4814f9-b0b8-ea11-a812-000d3a122b89',
  Name: 'Acme',
  ModifiedOn: '/Date(1663715691000)/',
  CreatedOn: '/Date(1456617600000)/',
  VersionNumber: '123456',
  optevia_ukorganisation: true,
  NumberOfEmployees: null,
  ParentAccountId: {
    __metadata: { type: 'Microsoft.Crm.Sdk.Data.Services.EntityReference' },
    Id: null,
    LogicalName: null,
    Name: null,
  },
  PrimaryContactId: {
    __metadata: { type: 'Microsoft.Crm.Sdk.Data.Services.EntityReference' },
    Id: '11111111-2222-3333-4444-555555555555',
    LogicalName: 'contact',
    Name: 'Sam Smith',
  },
  StateCode: { __metadata: { type: 'Microsoft.Crm.Sdk.Data.Services.OptionSetValue' }, Value: 0 },
  Revenue: { __metadata: { type: 'Microsoft.Crm.Sdk.Data.Services.Money' }, Value: '12.50' },
  contact_customer_accounts: { __deferred: { uri: 'https://crm.example.org/…/contact_customer_accounts' } },
};

describe('decodeEntity', () => {
  it('strips __metadata and deferred links, decodes dates, keeps complex values', () => {
    expect(decodeEntity(raw)).toEqual({
      AccountId: '7a4814f9-b0b8-ea11-a812-000d3a122b89',
      Name: 'Acme',
      ModifiedOn: new Date(1663715691000),
      CreatedOn: new Date(1456617600000),
      VersionNumber: '123456',
      optevia_ukorganisation: true,
      NumberOfEmployees: null,
      ParentAccountId: { Id: null, LogicalName: null, Name: null },
      PrimaryContactId: {
        Id: '11111111-2222-3333-4444-555555555555',
        LogicalName: 'contact',
        Name: 'Sam Smith',
      },
      StateCode: { Value: 0 },
      Revenue: { Value: '12.50' },
    });
  });

  it('decodes expanded collections too', () => {
    const decoded = decodeEntity({
      __metadata: { type: 'x' },
      contact_customer_accounts: { results: [{ __metadata: { type: 'y' }, BirthDate: '/Date(0)/' }] },
    });
    expect(decoded).toEqual({ contact_customer_accounts: { results: [{ BirthDate: new Date(0) }] } });
  });

  it('keeps an attribute named __proto__ as data', () => {
    const decoded = decodeEntity(JSON.parse('{"__proto__": {"Value": 1}}'));
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('rejects what is not an object', () => {
    expect(() => decodeEntity(null as unknown as Record<string, unknown>)).toThrow(InvalidLiteralError);
    expect(() => decodeEntity([] as unknown as Record<string, unknown>)).toThrow(InvalidLiteralError);
  });
});

describe('encodeEntity', () => {
  it('keeps an attribute named __proto__ as data', () => {
    const body = encodeEntity(JSON.parse('{"__proto__": {"Value": 1}}'));
    expect(Object.keys(body)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('writes dates as /Date(ms)/, also nested, and leaves out undefined', () => {
    expect(
      encodeEntity({
        Name: 'Acme',
        optevia_LastVisit: new Date(1456617600000),
        Nested: { When: new Date(0) },
        Description: undefined,
        Cleared: null,
        ParentCustomerId: { Id: '11111111-2222-3333-4444-555555555555', LogicalName: 'account' },
      }),
    ).toEqual({
      Name: 'Acme',
      optevia_LastVisit: '/Date(1456617600000)/',
      Nested: { When: '/Date(0)/' },
      Cleared: null,
      ParentCustomerId: { Id: '11111111-2222-3333-4444-555555555555', LogicalName: 'account' },
    });
  });

  it('round-trips with decodeEntity', () => {
    const values = { Name: 'x', CreatedOn: new Date(1663715691000), StateCode: { Value: 1 } };
    expect(decodeEntity(encodeEntity(values))).toEqual(values);
  });

  it('rejects an invalid Date', () => {
    expect(() => encodeEntity({ CreatedOn: new Date('nope') })).toThrow(InvalidLiteralError);
  });
});
