/**
 * A CDMS record that does not fit its local column (a name longer than `varchar(255)`) is left out
 * of its page and reported, checked before the upsert (`validateRow`): the rest of the page is
 * stored, and a later refresh with a fitting value stores it and clears the report. A page the
 * database refuses is stored row by row only when the refusal is about a row's data
 * (`LocalStore.isRowError`); any other failure (a serialization failure …) fails the read.
 */
import { type ImportRowError, type LocalStore, type SyncedRow, ValidationError } from '@cdms-sync/core';
import { knexStore } from '@cdms-sync/knex';
import { describe, expect, it } from 'vitest';
import { delegatingStore } from './support/delegating-store';
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

/** A database error as the driver throws it, with its SQLSTATE. */
function databaseError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const SERIALIZATION_FAILURE = () =>
  databaseError('40001', 'could not serialize access due to concurrent update');
const UNIQUE_VIOLATION = () => databaseError('23505', 'duplicate key value violates unique constraint');

describe('importing a page the database refuses', () => {
  /**
   * The suite's PGlite store, whose `upsertIfNewer` throws `refuse(rows)` when it returns an error,
   * with the knex store's `isRowError` unless `classify` is false.
   */
  function refusingStore(
    refuse: (rows: readonly SyncedRow[]) => Error | undefined,
    classify = true,
  ): LocalStore {
    const base = knexStore(f.knex);
    return {
      ...delegatingStore(base),
      ...(classify ? { isRowError: (error: unknown) => base.isRowError(error) } : {}),
      upsertIfNewer: async (table, rows, options) => {
        const error = refuse(rows);
        if (error) throw error;
        return base.upsertIfNewer(table, rows, options);
      },
    };
  }
  const twoAccounts = () =>
    page([
      account({ id: GUID, name: 'First', modified: T1 }),
      account({ id: GUID2, name: 'Second', modified: T1 }),
    ]);
  const storedNames = async () =>
    (await f.knex('organisation').select('name').orderBy('name')).map((row) => row.name);

  it('a serialization failure (not about a row) fails the read with that error: nothing of the page stored, nothing reported', async () => {
    const reported: ImportRowError[] = [];
    const failure = SERIALIZATION_FAILURE();
    let upserts = 0;
    const store = refusingStore(() => {
      upserts += 1;
      return failure;
    });
    await f.reopen({ store, onImportError: (error) => reported.push(error) });
    f.cdms.get(LIST).reply(200, twoAccounts());
    await expect(f.Organisation.objects.all()).rejects.toBe(failure);
    expect(upserts).toBe(1); // no retry row by row
    expect(await storedNames()).toEqual([]);
    expect(reported).toEqual([]);
    expect(f.sync.importErrors()).toEqual([]);
  });

  it('a failure that is not about the row during the row-by-row pass fails the read too, and stores nothing', async () => {
    const reported: ImportRowError[] = [];
    const failure = SERIALIZATION_FAILURE();
    const store = refusingStore((rows) => {
      if (rows.length > 1) return UNIQUE_VIOLATION();
      return rows[0]?.cdmsPk === GUID2 ? failure : undefined;
    });
    await f.reopen({ store, onImportError: (error) => reported.push(error) });
    f.cdms.get(LIST).reply(200, twoAccounts());
    await expect(f.Organisation.objects.all()).rejects.toBe(failure);
    expect(await storedNames()).toEqual([]);
    expect(reported).toEqual([]);
  });

  it('a row error (a unique violation) keeps the page: the other rows stored, the refused one reported', async () => {
    const reported: ImportRowError[] = [];
    const violation = UNIQUE_VIOLATION();
    const store = refusingStore((rows) =>
      rows.length > 1 || rows[0]?.cdmsPk === GUID ? violation : undefined,
    );
    await f.reopen({ store, onImportError: (error) => reported.push(error) });
    f.cdms.get(LIST).reply(200, twoAccounts());
    expect((await f.Organisation.objects.all()).map((each) => each.name)).toEqual(['Second']);
    expect(reported).toMatchObject([{ code: 'IMPORT_ROW_FAILED', cdmsPk: GUID }]);
    expect(reported[0]?.cause).toBe(violation);
  });

  it('a store without isRowError counts every refusal as a row error (the behaviour before the classifier)', async () => {
    const reported: ImportRowError[] = [];
    const failure = SERIALIZATION_FAILURE();
    const store = refusingStore(
      (rows) => (rows.length > 1 || rows[0]?.cdmsPk === GUID ? failure : undefined),
      false,
    );
    await f.reopen({ store, onImportError: (error) => reported.push(error) });
    f.cdms.get(LIST).reply(200, twoAccounts());
    expect((await f.Organisation.objects.all()).map((each) => each.name)).toEqual(['Second']);
    expect(reported).toMatchObject([{ code: 'IMPORT_ROW_FAILED', cdmsPk: GUID }]);
  });
});
