import type { CdmsMetadata } from '@cdms-sync/cdms-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { fields } from '../migrator/fields';
import { Migrator } from '../migrator/migrator';
import { emulatorMetadata } from './__fixtures__/schema-fixture';
import { checkMigrators } from './check-migrators';
import { formatSchemaProblems } from './schema-problem';

let metadata: CdmsMetadata;
beforeAll(async () => {
  metadata = await emulatorMetadata();
});

class AccountMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Name'), uk: fields.boolean('optevia_ukorganisation') };
}
const Organisation = { name: 'Organisation', migrator: new AccountMigrator() };

const column = (field: string, maxLength?: number) => ({
  field,
  column: field,
  type: 'string' as const,
  nullable: true,
  ...(maxLength === undefined ? {} : { maxLength }),
});

describe('checkMigrators', () => {
  it('passes a migrator that matches $metadata, and skips models without one', () => {
    expect(checkMigrators([Organisation, { name: 'LocalNote', migrator: null }], metadata)).toEqual([]);
    expect(formatSchemaProblems([])).toBe('No problems found.');
  });

  it('finds each kind of problem in a broken migrator', () => {
    class BrokenContactMigrator extends Migrator {
      service = 'Contact';
      fields = {
        lastName: fields.string('LastNmae'),
        birthDate: fields.string('BirthDate'),
        email: fields.string('EMailAddress1'),
        phone: fields.string('Telephone1'),
        organisation: fields.foreignKey('ParentCustomerId', () => Person, { logicalName: 'account' }),
        owner: fields.idRef('OwnerId', { logicalName: 'team' }),
      };
    }
    class PersonMigrator extends Migrator {
      service = 'SystemUser';
      fields = {};
    }
    class Person {
      static migrator = new PersonMigrator();
      fullName = '';
    }
    class WrongSetMigrator extends Migrator {
      service = 'Acount';
      fields = {};
    }
    const problems = checkMigrators(
      [
        {
          name: 'Contact',
          migrator: new BrokenContactMigrator(),
          columns: [column('email', 50), column('phone', 255)],
        },
        { name: 'Typo', migrator: new WrongSetMigrator() },
      ],
      metadata,
    );
    expect(
      problems.map((problem) => [problem.kind, problem.model, problem.field, problem.attribute]),
    ).toEqual([
      ['unknown-attribute', 'Contact', 'lastName', 'LastNmae'],
      ['incompatible-codec', 'Contact', 'birthDate', 'BirthDate'],
      ['column-too-short', 'Contact', 'email', 'EMailAddress1'],
      ['attribute-too-short', 'Contact', 'phone', 'Telephone1'],
      ['lookup-target', 'Contact', 'organisation', 'ParentCustomerId'],
      ['lookup-target', 'Contact', 'owner', 'OwnerId'],
      ['unknown-entity', 'Typo', undefined, 'AcountSet'],
    ]);
    expect(problems.map((problem) => problem.message)).toEqual([
      "Contact has no attribute 'LastNmae'; did you mean 'LastName'?",
      'fields.string() cannot map Contact.BirthDate, an Edm.DateTime',
      'column email holds 50 characters, CDMS Contact.EMailAddress1 up to 100 (from $metadata)',
      'column phone allows 255 characters, CDMS Contact.Telephone1 holds at most 50 (from $metadata)',
      "Contact.ParentCustomerId points at 'account' (per $metadata), but the related model Person is 'systemuser'",
      "Contact.OwnerId points at 'systemuser' (per $metadata), but its logicalName is 'team'",
      "$metadata has no entity set 'AcountSet'; did you mean 'AccountSet'?",
    ]);
    expect(problems[0]?.suggestion).toBe('LastName');
    const table = formatSchemaProblems(problems);
    expect(table.split('\n')[0]).toMatch(/^model +field +attribute +problem$/);
    expect(table).toContain(
      "Contact  lastName      LastNmae          unknown-attribute: Contact has no attribute 'LastNmae'",
    );
    expect(table.endsWith('7 problems found.')).toBe(true);
  });

  it('compares lengths with the host override when $metadata publishes none, and says so', () => {
    const problems = checkMigrators([{ ...Organisation, columns: [column('name', 100)] }], metadata, {
      maxLengths: { 'Account.Name': 999 },
    });
    // $metadata's MaxLength (160) wins over the override.
    expect(problems.map((problem) => problem.message)).toEqual([
      'column name holds 100 characters, CDMS Account.Name up to 160 (from $metadata)',
    ]);
    class DescriptionMigrator extends Migrator {
      service = 'Account';
      fields = { description: fields.string('Description') };
    }
    expect(
      checkMigrators(
        [
          {
            name: 'Organisation',
            migrator: new DescriptionMigrator(),
            columns: [column('description', 100)],
          },
        ],
        metadata,
        { maxLengths: { 'Account.Description': 2000 } },
      ).map((problem) => problem.message),
    ).toEqual([
      "column description holds 100 characters, CDMS Account.Description up to 2000 (from the host's maxLengths override)",
    ]);
  });

  it('checks every attribute of a composite field', () => {
    class CompositeMigrator extends Migrator {
      service = 'Contact';
      fields = { fullName: fields.joined(['FirstName', 'LastNam']) };
    }
    expect(
      checkMigrators([{ name: 'Person', migrator: new CompositeMigrator() }], metadata).map(
        (problem) => problem.message,
      ),
    ).toEqual(["Contact has no attribute 'LastNam'; did you mean 'LastName'?"]);
  });
});
