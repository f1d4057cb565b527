import { describe, expect, it } from 'vitest';
import { parseMetadata, renderMetadata } from './metadata';

const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="1.0">
    <Schema Namespace="Microsoft.Crm.Sdk.Data.Services" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">
      <EntityType Name="Account">
        <Key><PropertyRef Name="AccountId" /></Key>
        <Property Name="AccountId" Type="Edm.Guid" Nullable="false" />
        <Property Name="Name" Type="Edm.String" Nullable="true" MaxLength="160" />
        <Property Name="Description" Type="Edm.String" Nullable="true" MaxLength="Max" />
        <Property Name="ExchangeRate" Type="Edm.Decimal" Nullable="true" Precision="23" Scale="10" />
      </EntityType>
      <EntityContainer Name="ContosoContext" m:IsDefaultEntityContainer="true">
        <EntitySet Name="AccountSet" EntityType="Microsoft.Crm.Sdk.Data.Services.Account" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;

describe('$metadata facets', () => {
  it('reads MaxLength, Precision and Scale where published, and ignores MaxLength="Max"', () => {
    const properties = parseMetadata(EDMX).entityTypes.Account!.properties;
    expect(properties).toEqual([
      { name: 'AccountId', type: 'Edm.Guid', nullable: false },
      { name: 'Name', type: 'Edm.String', nullable: true, maxLength: 160 },
      { name: 'Description', type: 'Edm.String', nullable: true },
      { name: 'ExchangeRate', type: 'Edm.Decimal', nullable: true, precision: 23, scale: 10 },
    ]);
  });

  it('writes them back', () => {
    const model = parseMetadata(EDMX);
    expect(parseMetadata(renderMetadata(model))).toEqual(model);
  });
});
