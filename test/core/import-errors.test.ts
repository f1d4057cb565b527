/**
 * A CDMS record that does not fit its local column (a name longer than `varchar(255)`) is left out
 * of its page and reported, checked before the upsert (`validateRow`): the rest of the page is
 * stored, and a later refresh with a fitting value stores it and clears the report.
 */
import { type ImportRowError, ValidationError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SELECT, account, page, ROOT, useSyncFixture } from './support/sync-fixture';

const GUID = '7a4814f9-b0b8-ea11-a812-000d3a122b89';
const GUID2 = '8b5925a0-c1c9-4b22-9b23-111e4b233c9a';
const T1 = new Date('2016-02-28T10:00:00Z');
const T2 = new Date('2016-03-01T12:30:00Z');
const LIST = `${ROOT}/AccountSet?$select=${ACCOUNT_SELECT}&$orderby=ModifiedOn asc`;

const reported: ImportRowError[] = [];
const f = useSyncFixture();

describe('importing a page with a value too long for its column', () => {
  it('stores the other rows, reports the record with its field (ValidationError cause), no retry; a fitting refresh clears it', async () => {
    await f.reopen({ onImportError: (error) => reported.push(error) });
    f.cdms
      .get(LIST)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'x'.repeat(300), modified: T1 }),
          account({ id: GUID2, name: 'Ok', modified: T1 }),
        ]),
      );
    const found = await f.Organisation.objects.all();
    expect(found.map((each) => each.name)).toEqual(['Ok']);
    expect(f.requests).toHaveLength(1);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({
      code: 'IMPORT_ROW_FAILED',
      model: 'Organisation',
      cdmsPk: GUID,
      field: 'name',
    });
    expect(reported[0]?.cause).toBeInstanceOf(ValidationError);
    expect(f.sync.importErrors()).toHaveLength(1);

    f.cdms
      .get(LIST)
      .reply(
        200,
        page([
          account({ id: GUID, name: 'Fits', modified: T2 }),
          account({ id: GUID2, name: 'Ok', modified: T1 }),
        ]),
      );
    expect((await f.Organisation.objects.all()).map((each) => each.name).sort()).toEqual(['Fits', 'Ok']);
    expect(f.sync.importErrors()).toEqual([]);
  });

  it('a record whose values cannot be decoded (a text for a boolean attribute) is reported, and the page still stored', async () => {
    const reported: ImportRowError[] = [];
    await f.reopen({ onImportError: (error) => reported.push(error) });
    const broken = { ...account({ id: GUID, name: 'x', modified: T1 }), optevia_ukorganisation: 'maybe' };
    f.cdms.get(LIST).reply(200, page([broken, account({ id: GUID2, name: 'Ok', modified: T1 })]));
    expect((await f.Organisation.objects.all()).map((each) => each.name)).toEqual(['Ok']);
    expect(reported).toMatchObject([{ code: 'IMPORT_ROW_FAILED', cdmsPk: GUID }]);
  });
});
