/**
 * Builds a large `$metadata` document shaped like a real CRM 2011 organisation's (generated, not
 * copied: see /work/shared/fixtures/cdms-schema/README.md for the real one's shape):
 * - system entities (`Account` with ~200 attributes, `Contact` with ~285, `SystemUser`,
 *   `BusinessUnit`, `Team`, `Organization`, `TransactionCurrency`);
 * - custom entities with the publisher prefixes `optevia_` and `detica_`, each with the CRM system
 *   attributes (`statecode`, `CreatedBy` …, `VersionNumber`) and tens of custom ones;
 * - complex types: lookups (`EntityReference`), option sets, money, `BooleanManagedProperty`;
 * - one association, association set and navigation property pair per lookup, named as CRM names
 *   them (`lk_<entity>_createdby`, `<prefix>_<target>_<entity>_<Attribute>`), and many-to-many
 *   association sets (both ends `*`);
 * - no `MaxLength`, `Precision` or `Scale` (CRM 2011 publishes none), except where `withLengths`.
 * Deterministic: the same options give the same document.
 */
import {
  type CdmsAssociationMetadata,
  type CdmsAssociationSetMetadata,
  type CdmsEntityTypeMetadata,
  type CdmsMetadata,
  type CdmsNavigationPropertyMetadata,
  type CdmsPropertyMetadata,
  renderMetadata,
} from '@cdms-sync/cdms-client';
import { seededRandom } from '../../../packages/cdms-client/src/emulator/seeded-random';

const NS = 'Microsoft.Crm.Sdk.Data.Services';

/** Options of `buildLargeMetadata`. */
export interface LargeMetadataOptions {
  /** Custom entities per publisher prefix. @default 150 */
  customEntitiesPerPrefix?: number;
  /** Many-to-many association sets. @default 40 */
  manyToMany?: number;
  /** Publish `MaxLength` on every `*name` string (500). @default false */
  withLengths?: boolean;
}

/** What a built document holds, for assertions. */
export interface LargeMetadata {
  readonly model: CdmsMetadata;
  readonly xml: string;
  readonly entitySets: number;
  readonly properties: number;
  /** `'Entity.Attribute'` -> target logical name, for every lookup. */
  readonly lookupTargets: ReadonlyMap<string, string>;
}

type Draft = {
  name: string;
  properties: CdmsPropertyMetadata[];
  navigation: CdmsNavigationPropertyMetadata[];
};

const WORDS = [
  'Status',
  'Region',
  'Sector',
  'Date',
  'Amount',
  'Code',
  'Reference',
  'Type',
  'Source',
  'Notes',
  'Value',
  'Count',
  'Flag',
  'Owner',
  'Category',
  'Stage',
  'Outcome',
  'Priority',
];

export function buildLargeMetadata(options: LargeMetadataOptions = {}): LargeMetadata {
  // Seeded, so the document is the same on every run.
  const next = seededRandom(20261127);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const drafts = new Map<string, Draft>();
  const associations: Record<string, CdmsAssociationMetadata> = {};
  const associationSets: CdmsAssociationSetMetadata[] = [];
  const lookupTargets = new Map<string, string>();
  const property = (name: string, type: string, nullable = !type.startsWith(NS)): CdmsPropertyMetadata => ({
    name,
    type,
    nullable,
  });
  const complex = (type: string) => `${NS}.${type}`;

  const entity = (name: string, extra: CdmsPropertyMetadata[]): Draft => {
    const lower = name.toLowerCase();
    const draft: Draft = {
      name,
      properties: [
        property(`${name}Id`, 'Edm.Guid', false),
        property(lower === name ? 'statecode' : 'StateCode', complex('OptionSetValue')),
        property(lower === name ? 'statuscode' : 'StatusCode', complex('OptionSetValue')),
        property('CreatedBy', complex('EntityReference')),
        property('ModifiedBy', complex('EntityReference')),
        property('CreatedOnBehalfBy', complex('EntityReference')),
        property('CreatedOn', 'Edm.DateTime'),
        property('ModifiedOn', 'Edm.DateTime'),
        property('VersionNumber', 'Edm.Int64'),
        property('ImportSequenceNumber', 'Edm.Int32'),
        property('OverriddenCreatedOn', 'Edm.DateTime'),
        ...extra,
      ],
      navigation: [],
    };
    drafts.set(name, draft);
    return draft;
  };

  /** A lookup from `from.attribute` to `to`, with its association, set and navigation properties. */
  const link = (from: Draft, attribute: string, to: string, relationship: string) => {
    if (!from.properties.some((known) => known.name === attribute)) {
      from.properties.push(property(attribute, complex('EntityReference')));
    }
    const target = drafts.get(to);
    if (target === undefined) throw new Error(`no entity ${to}`);
    const referenced = `Referenced${relationship}`;
    const referencing = `Referencing${relationship}`;
    associations[relationship] = {
      name: relationship,
      ends: [
        { type: `${NS}.${to}`, role: referenced, multiplicity: '0..1' },
        { type: `${NS}.${from.name}`, role: referencing, multiplicity: '*' },
      ],
    };
    associationSets.push({
      name: `${from.name}${relationship}${to}`,
      association: `${NS}.${relationship}`,
      ends: [
        { role: referenced, entitySet: `${to}Set` },
        { role: referencing, entitySet: `${from.name}Set` },
      ],
    });
    const self = target === from;
    from.navigation.push({
      name: self ? referencing : relationship,
      relationship: `${NS}.${relationship}`,
      fromRole: referencing,
      toRole: referenced,
    });
    target.navigation.push({
      name: self ? referenced : relationship,
      relationship: `${NS}.${relationship}`,
      fromRole: referenced,
      toRole: referencing,
    });
    lookupTargets.set(`${from.name}.${attribute}`, to.toLowerCase());
  };

  const text = (name: string) => ({
    ...property(name, 'Edm.String'),
    ...(options.withLengths && /name$/i.test(name) ? { maxLength: 500 } : {}),
  });
  const numbered = (prefix: string, count: number, make: (index: number) => CdmsPropertyMetadata) =>
    Array.from({ length: count }, (_, index) => make(index + 1)).filter((made) => made.name !== prefix);

  /** `count` custom attributes `<prefix><word><n>`, each of a type picked from `types`. */
  const customAttributes = (count: number, prefixOf: (n: number) => string, types: readonly string[]) =>
    numbered('', count, (n) => {
      const word = pick(WORDS);
      const name = `${prefixOf(n)}${word}${n}`;
      const type = pick(types);
      return type === 'Edm.String' ? text(name) : property(name, type);
    });

  // System entities first: lookups need their targets.
  for (const name of ['SystemUser', 'BusinessUnit', 'Team', 'Organization', 'TransactionCurrency']) {
    entity(name, [text('Name'), text('FullName'), property('IsDisabled', 'Edm.Boolean')]);
  }
  const account = entity('Account', [
    text('Name'),
    text('AccountNumber'),
    property('Revenue', complex('Money')),
    property('Revenue_Base', complex('Money')),
    property('NumberOfEmployees', 'Edm.Int32'),
    property('ExchangeRate', 'Edm.Decimal'),
    property('IndustryCode', complex('OptionSetValue')),
    property('DoNotEMail', 'Edm.Boolean'),
    property('IsPrivate', complex('BooleanManagedProperty')),
    ...numbered('', 3, (n) => text(`Address${n}_Line1`)),
    ...numbered('', 3, (n) => text(`Address${n}_City`)),
    ...numbered('', 3, (n) => text(`Address${n}_PostalCode`)),
    ...numbered('', 3, (n) => text(`Telephone${n}`)),
    ...numbered('', 3, (n) => text(`EMailAddress${n}`)),
    ...customAttributes(170, (n) => (n % 2 === 0 ? 'optevia_' : 'detica_'), [
      'Edm.String',
      'Edm.Int32',
      'Edm.Boolean',
      'Edm.DateTime',
      'Edm.Decimal',
      complex('OptionSetValue'),
      complex('Money'),
    ]),
  ]);
  const contact = entity('Contact', [
    text('FirstName'),
    text('LastName'),
    text('FullName'),
    text('YomiFullName'),
    property('BirthDate', 'Edm.DateTime'),
    property('GenderCode', complex('OptionSetValue')),
    property('CreditLimit', complex('Money')),
    ...customAttributes(270, (n) => (n % 3 === 0 ? 'detica_' : 'optevia_'), [
      'Edm.String',
      'Edm.Int32',
      'Edm.Boolean',
      'Edm.DateTime',
      complex('OptionSetValue'),
    ]),
  ]);

  // Custom entities.
  const customs: Draft[] = [];
  const perPrefix = options.customEntitiesPerPrefix ?? 150;
  for (const prefix of ['optevia_', 'detica_']) {
    for (let index = 1; index <= perPrefix; index++) {
      const name = `${prefix}${pick(['country', 'sector', 'interaction', 'servicedelivery', 'omisorder', 'event', 'programme', 'team', 'region', 'payment'])}${index}`;
      customs.push(
        entity(name, [
          text(`${prefix}name`),
          ...numbered('', 5 + Math.floor(next() * 30), (n) => {
            const type = pick([
              'Edm.String',
              'Edm.Int32',
              'Edm.Boolean',
              'Edm.DateTime',
              'Edm.Decimal',
              'Edm.Double',
              complex('OptionSetValue'),
              complex('Money'),
            ]);
            const attribute = `${prefix}${pick(WORDS)}${n}`;
            return type === 'Edm.String' ? text(attribute) : property(attribute, type);
          }),
        ]),
      );
    }
  }

  // Lookups: system ones on every entity, custom ones between entities.
  for (const draft of drafts.values()) {
    const lower = draft.name.toLowerCase();
    link(draft, 'CreatedBy', 'SystemUser', `lk_${lower}_createdby`);
    link(draft, 'ModifiedBy', 'SystemUser', `lk_${lower}_modifiedby`);
    link(draft, 'CreatedOnBehalfBy', 'SystemUser', `lk_${lower}_createdonbehalfby`);
  }
  link(account, 'ParentAccountId', 'Account', 'account_parent_account');
  link(account, 'PrimaryContactId', 'Contact', 'account_primary_contact');
  link(account, 'TransactionCurrencyId', 'TransactionCurrency', 'transactioncurrency_account');
  link(contact, 'ParentCustomerId', 'Account', 'contact_customer_accounts_ParentCustomerId');
  for (const [index, draft] of [account, contact, ...customs].entries()) {
    const count = draft === account || draft === contact ? 20 : 1 + (index % 4);
    for (let n = 1; n <= count; n++) {
      const target = pick(customs);
      const prefix = draft.name.startsWith('detica_') ? 'detica' : 'optevia';
      const attribute = `${prefix}_${target.name.replace(/^(optevia|detica)_/, '').replace(/\d+$/, '')}${n}Id`;
      link(
        draft,
        attribute,
        target.name,
        `${prefix}_${target.name}_${draft.name.toLowerCase()}_${attribute}`,
      );
    }
  }
  // Many-to-many association sets (both ends `*`).
  for (let index = 1; index <= (options.manyToMany ?? 40); index++) {
    const left = pick([account, contact, ...customs]);
    const right = pick(customs);
    const name = `${left.name.toLowerCase()}_${right.name}_association${index}`;
    associations[name] = {
      name,
      ends: [
        { type: `${NS}.${left.name}`, role: `${left.name}_${name}`, multiplicity: '*' },
        { type: `${NS}.${right.name}`, role: `${right.name}_${name}`, multiplicity: '*' },
      ],
    };
    associationSets.push({
      name,
      association: `${NS}.${name}`,
      ends: [
        { role: `${left.name}_${name}`, entitySet: `${left.name}Set` },
        { role: `${right.name}_${name}`, entitySet: `${right.name}Set` },
      ],
    });
    left.navigation.push({
      name,
      relationship: `${NS}.${name}`,
      fromRole: `${left.name}_${name}`,
      toRole: `${right.name}_${name}`,
    });
    right.navigation.push({
      name,
      relationship: `${NS}.${name}`,
      fromRole: `${right.name}_${name}`,
      toRole: `${left.name}_${name}`,
    });
  }

  const entityTypes: Record<string, CdmsEntityTypeMetadata> = {};
  const entitySets: Record<string, string> = {};
  for (const draft of drafts.values()) {
    entityTypes[draft.name] = {
      name: draft.name,
      key: [`${draft.name}Id`],
      properties: draft.properties,
      navigationProperties: draft.navigation,
    };
    entitySets[`${draft.name}Set`] = draft.name;
  }
  const model: CdmsMetadata = {
    namespace: NS,
    containerName: 'LargeOrgContext',
    dataServiceVersion: '1.0',
    entitySets,
    entityTypes,
    complexTypes: {
      EntityReference: {
        name: 'EntityReference',
        properties: [
          property('Id', 'Edm.Guid'),
          property('LogicalName', 'Edm.String'),
          property('Name', 'Edm.String'),
        ],
      },
      OptionSetValue: { name: 'OptionSetValue', properties: [property('Value', 'Edm.Int32')] },
      Money: { name: 'Money', properties: [property('Value', 'Edm.Decimal')] },
      BooleanManagedProperty: {
        name: 'BooleanManagedProperty',
        properties: [
          property('Value', 'Edm.Boolean'),
          property('CanBeChanged', 'Edm.Boolean'),
          property('ManagedPropertyLogicalName', 'Edm.String'),
        ],
      },
    },
    associations,
    associationSets,
  };
  return {
    model,
    xml: renderMetadata(model),
    entitySets: Object.keys(entitySets).length,
    properties: Object.values(entityTypes).reduce((sum, type) => sum + type.properties.length, 0),
    lookupTargets,
  };
}
