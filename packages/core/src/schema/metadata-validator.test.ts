import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorMetadata } from './__fixtures__/schema-fixture';
import { createMetadataValidator, type MetadataValidator } from './metadata-validator';

let metadata: CdmsMetadata;
let validate: MetadataValidator;
beforeAll(async () => {
  metadata = await emulatorMetadata();
  validate = createMetadataValidator(metadata, {
    maxLengths: { 'Account.Description': 10, 'Account.Name': 5 },
  });
});

const failure = (set: string, body: Record<string, unknown>) => {
  try {
    validate(set, body);
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'valid';
};

describe('createMetadataValidator', () => {
  it('accepts values of the right type and size', () => {
    expect(
      failure('AccountSet', {
        Name: 'Acme',
        Description: null,
        NumberOfEmployees: 12,
        Revenue: { Value: '12.50' },
        IndustryCode: { Value: 3 },
        optevia_ukorganisation: true,
        ParentAccountId: { Id: '6f1e3b52-8a44-4c1c-9a55-0d8cbb1c8a11', LogicalName: 'account' },
        optevia_Country: { Id: null, LogicalName: null },
      }),
    ).toBe('valid');
  });

  it('rejects a string longer than the known maximum, saying where the maximum came from', () => {
    expect(failure('AccountSet', { Name: 'x'.repeat(161) })).toMatch(
      /^VALIDATION_ERROR: AccountSet.Name is 161 characters long; CDMS holds at most 160 \(from \$metadata\)/,
    );
    expect(failure('AccountSet', { Description: 'x'.repeat(11) })).toMatch(
      /^VALIDATION_ERROR: AccountSet.Description is 11 characters long; CDMS holds at most 10 \(from the host's maxLengths override\)/,
    );
  });

  it('rejects wrong types and values out of range', () => {
    expect(failure('AccountSet', { NumberOfEmployees: 2 ** 31 })).toMatch(
      /NumberOfEmployees is out of range \(-2147483648 to 2147483647\)/,
    );
    expect(failure('AccountSet', { NumberOfEmployees: '12' })).toMatch(
      /NumberOfEmployees expects a whole number/,
    );
    expect(failure('AccountSet', { Revenue: { Value: '1000000000000000' } })).toMatch(
      /Revenue is out of CRM's money range/,
    );
    expect(failure('AccountSet', { optevia_ukorganisation: 'yes' })).toMatch(
      /optevia_ukorganisation expects a boolean/,
    );
    expect(failure('ContactSet', { BirthDate: new Date('1850-01-01T00:00:00Z') })).toMatch(
      /BirthDate is out of CRM's date-time range/,
    );
    expect(failure('AccountSet', { ParentAccountId: { Id: 'not-a-guid' } })).toMatch(
      /expects an entity reference with a GUID Id/,
    );
  });

  it('rejects unknown entity sets and attributes with a suggestion', () => {
    expect(failure('AccountSet', { Nmae: 'Acme' })).toBe(
      "VALIDATION_ERROR: AccountSet has no attribute 'Nmae'; did you mean 'Name'?",
    );
    expect(failure('AcountSet', {})).toBe(
      "VALIDATION_ERROR: $metadata has no entity set 'AcountSet'; did you mean 'AccountSet'?",
    );
  });
});
