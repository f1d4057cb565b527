import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CdmsMetadata, parseMetadata, renderMetadata } from './metadata';
import { ODataSyntaxError } from './odata-syntax-error';

const fixture = readFileSync(new URL('./__fixtures__/metadata.xml', import.meta.url), 'utf8');
const NS = 'Microsoft.Crm.Sdk.Data.Services';

describe('parseMetadata', () => {
  const metadata = parseMetadata(fixture);

  it('reads the document header and the container', () => {
    expect(metadata.namespace).toBe(NS);
    expect(metadata.containerName).toBe('ContosoContext');
    expect(metadata.dataServiceVersion).toBe('1.0');
    expect(metadata.entitySets).toEqual({
      AccountSet: 'Account',
      ContactSet: 'Contact',
      SystemUserSet: 'SystemUser',
    });
  });

  it('reads keys and typed properties of an entity type', () => {
    const account = metadata.entityTypes.Account!;
    expect(account.name).toBe('Account');
    expect(account.key).toEqual(['AccountId']);
    const byName = Object.fromEntries(account.properties.map((property) => [property.name, property]));
    expect(byName.AccountId).toEqual({ name: 'AccountId', type: 'Edm.Guid', nullable: false });
    expect(byName.Name).toEqual({ name: 'Name', type: 'Edm.String', nullable: true });
    expect(byName.ModifiedOn?.type).toBe('Edm.DateTime');
    expect(byName.VersionNumber?.type).toBe('Edm.Int64');
    expect(byName.Revenue?.type).toBe(`${NS}.Money`);
    expect(byName.StateCode?.type).toBe(`${NS}.OptionSetValue`);
    expect(byName.optevia_ukorganisation?.type).toBe('Edm.Boolean');
    expect(metadata.entityTypes.Contact!.properties.find((p) => p.name === 'ParentCustomerId')).toEqual({
      name: 'ParentCustomerId',
      type: `${NS}.EntityReference`,
      nullable: false,
    });
    expect(metadata.entityTypes.SystemUser!.key).toEqual(['SystemUserId']);
  });

  it('reads navigation properties, associations and association sets', () => {
    expect(metadata.entityTypes.Contact!.navigationProperties).toContainEqual({
      name: 'contact_customer_accounts',
      relationship: `${NS}.contact_customer_accounts`,
      fromRole: 'contact_contact_customer_accounts',
      toRole: 'account_contact_customer_accounts',
    });
    expect(metadata.associations.contact_customer_accounts).toEqual({
      name: 'contact_customer_accounts',
      ends: [
        { type: `${NS}.Account`, role: 'account_contact_customer_accounts', multiplicity: '0..1' },
        { type: `${NS}.Contact`, role: 'contact_contact_customer_accounts', multiplicity: '*' },
      ],
    });
    expect(metadata.associationSets).toContainEqual({
      name: 'contact_customer_accounts',
      association: `${NS}.contact_customer_accounts`,
      ends: [
        { role: 'account_contact_customer_accounts', entitySet: 'AccountSet' },
        { role: 'contact_contact_customer_accounts', entitySet: 'ContactSet' },
      ],
    });
  });

  it('reads complex types', () => {
    expect(Object.keys(metadata.complexTypes)).toEqual(['EntityReference', 'OptionSetValue', 'Money']);
    expect(metadata.complexTypes.EntityReference!.properties.map((property) => property.name)).toEqual([
      'Id',
      'LogicalName',
      'Name',
    ]);
    expect(metadata.complexTypes.Money!.properties).toEqual([
      { name: 'Value', type: 'Edm.Decimal', nullable: true },
    ]);
  });

  it('treats a missing Nullable as true and a single element as a list', () => {
    const minimal = `<?xml version="1.0"?>
      <edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
        <edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="2.0">
          <Schema Namespace="X" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">
            <EntityType Name="Thing"><Key><PropertyRef Name="ThingId"/></Key><Property Name="ThingId" Type="Edm.Guid"/></EntityType>
            <EntityContainer Name="C"><EntitySet Name="ThingSet" EntityType="X.Thing"/></EntityContainer>
          </Schema>
        </edmx:DataServices>
      </edmx:Edmx>`;
    const parsed = parseMetadata(minimal);
    expect(parsed.dataServiceVersion).toBe('2.0');
    expect(parsed.entityTypes.Thing).toEqual({
      name: 'Thing',
      key: ['ThingId'],
      properties: [{ name: 'ThingId', type: 'Edm.Guid', nullable: true }],
      navigationProperties: [],
    });
    expect(parsed.entitySets).toEqual({ ThingSet: 'Thing' });
  });

  it('rejects text that is not well-formed XML or not EDMX', () => {
    expect(() => parseMetadata('<edmx:Edmx><Schema></edmx:Edmx>')).toThrow(ODataSyntaxError);
    expect(() => parseMetadata('<feed xmlns="http://www.w3.org/2005/Atom"/>')).toThrow(
      /not an EDMX document/,
    );
    expect(() => parseMetadata('')).toThrow(ODataSyntaxError);
  });
});

describe('renderMetadata', () => {
  it('round-trips through parseMetadata', () => {
    const metadata = parseMetadata(fixture);
    const rendered = renderMetadata(metadata);
    expect(rendered).toMatch(/^<\?xml version="1.0" encoding="utf-8" standalone="yes"\?>/);
    expect(rendered).toContain(
      '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">',
    );
    expect(rendered).toContain('m:DataServiceVersion="1.0"');
    expect(rendered).toContain(
      '<EntitySet Name="AccountSet" EntityType="Microsoft.Crm.Sdk.Data.Services.Account"/>',
    );
    expect(parseMetadata(rendered)).toEqual(metadata);
  });

  it('renders a model built by hand (as the emulator does) and escapes attribute text', () => {
    const model: CdmsMetadata = {
      namespace: NS,
      containerName: 'EmulatorContext',
      dataServiceVersion: '1.0',
      entitySets: { optevia_interactionSet: 'optevia_interaction' },
      entityTypes: {
        optevia_interaction: {
          name: 'optevia_interaction',
          key: ['optevia_interactionId'],
          properties: [
            { name: 'optevia_interactionId', type: 'Edm.Guid', nullable: false },
            { name: 'optevia_Subject', type: 'Edm.String', nullable: true },
          ],
          navigationProperties: [],
        },
      },
      complexTypes: {},
      associations: { 'a&b': { name: 'a&b', ends: [] } },
      associationSets: [],
    };
    const rendered = renderMetadata(model);
    expect(rendered).toContain('<Association Name="a&amp;b"');
    expect(parseMetadata(rendered)).toEqual(model);
  });
});
