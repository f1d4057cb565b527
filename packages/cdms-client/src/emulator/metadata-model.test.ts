import { describe, expect, it } from 'vitest';
import { parseMetadata, renderMetadata } from '../odata/metadata';
import { defaultEntities } from './default-entities';
import { EntityCatalog } from './entity-model';
import { buildMetadataModel } from './metadata-model';

const NS = 'Microsoft.Crm.Sdk.Data.Services';

describe("the emulator's $metadata", () => {
  const model = parseMetadata(
    renderMetadata(buildMetadataModel(new EntityCatalog(defaultEntities), 'EmulatorContext')),
  );

  it('publishes string lengths, complex types and VersionNumber as CRM 2011 does', () => {
    const account = model.entityTypes.Account!;
    expect(account.properties).toContainEqual({
      name: 'Name',
      type: 'Edm.String',
      nullable: true,
      maxLength: 160,
    });
    expect(account.properties).toContainEqual({ name: 'Description', type: 'Edm.String', nullable: true });
    expect(account.properties).toContainEqual({ name: 'Revenue', type: `${NS}.Money`, nullable: false });
    expect(account.properties).toContainEqual({
      name: 'StateCode',
      type: `${NS}.OptionSetValue`,
      nullable: false,
    });
    expect(account.properties).toContainEqual({ name: 'VersionNumber', type: 'Edm.Int64', nullable: true });
    expect(account.properties).toContainEqual({ name: 'AccountId', type: 'Edm.Guid', nullable: false });
    expect(Object.keys(model.complexTypes).sort()).toEqual(['EntityReference', 'Money', 'OptionSetValue']);
  });

  it('links each lookup whose target it serves through an association, its set and navigation properties', () => {
    const name = 'account_contact_ParentCustomerId';
    expect(model.associations[name]).toEqual({
      name,
      ends: [
        { type: `${NS}.Account`, role: `Referenced${name}`, multiplicity: '0..1' },
        { type: `${NS}.Contact`, role: `Referencing${name}`, multiplicity: '*' },
      ],
    });
    expect(model.associationSets).toContainEqual({
      name: `Contact${name}Account`,
      association: `${NS}.${name}`,
      ends: [
        { role: `Referenced${name}`, entitySet: 'AccountSet' },
        { role: `Referencing${name}`, entitySet: 'ContactSet' },
      ],
    });
    expect(model.entityTypes.Contact!.navigationProperties).toContainEqual({
      name,
      relationship: `${NS}.${name}`,
      fromRole: `Referencing${name}`,
      toRole: `Referenced${name}`,
    });
    expect(model.entityTypes.Account!.navigationProperties).toContainEqual({
      name,
      relationship: `${NS}.${name}`,
      fromRole: `Referenced${name}`,
      toRole: `Referencing${name}`,
    });
    // System lookups are named as CRM names them.
    expect(model.associations.lk_account_createdby?.ends.map((end) => end.type)).toEqual([
      `${NS}.SystemUser`,
      `${NS}.Account`,
    ]);
  });

  it('gives a self-referencing lookup both navigation properties, prefixed', () => {
    const names = model.entityTypes.Account!.navigationProperties.map((navigation) => navigation.name);
    expect(names).toContain('Referencingaccount_account_ParentAccountId');
    expect(names).toContain('Referencedaccount_account_ParentAccountId');
  });

  it('leaves out lookups to entities it does not serve (no dangling association ends)', () => {
    const types = new Set(Object.keys(model.entityTypes).map((type) => `${NS}.${type}`));
    for (const association of Object.values(model.associations)) {
      for (const end of association.ends) expect(types.has(end.type)).toBe(true);
    }
    expect(JSON.stringify(model.associations)).not.toContain('optevia_country');
  });
});
