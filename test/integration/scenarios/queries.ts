/**
 * Query methods end to end: the OData compiler's $filter evaluated by the emulator (CRM semantics:
 * case-insensitive text) and the same tree evaluated by the local store (the lookup's own case
 * rules). Records start in CDMS only; every read imports what it matched.
 */
import { NotSupportedError, Q } from '@cdms-sync/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Organisation } from '../../support/organisation-models';
import { type EndToEnd, expectStoresAgree, localCounts, operations, requests } from '../support/end-to-end';

const SELECT = '$select=AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';
const HOSTILE = "x' or Name ne '";

/** Declares the query methods scenarios. */
export function queryScenarios(f: EndToEnd): void {
  describe('query methods', () => {
    beforeEach(() => {
      f.emulator.seed('Account', [
        { Name: 'Acme', optevia_ukorganisation: true },
        { Name: 'Acme Trading', optevia_ukorganisation: false },
        { Name: 'Bravo', optevia_ukorganisation: true },
        { Name: "O'Neil", optevia_ukorganisation: false },
        { Name: 'ONeil', optevia_ukorganisation: false },
        { Name: HOSTILE, optevia_ukorganisation: false },
      ]);
    });

    /** Names imported locally so far, sorted. */
    async function localNames(): Promise<string[]> {
      const rows: { name: string }[] = await f.knex(f.tables.organisation).select('name');
      return rows.map((row) => row.name).sort();
    }

    it('filter / exclude / Q / in: one list request each, exact local answers', async () => {
      const names = async (query: PromiseLike<{ name: string }[]>) => (await query).map((o) => o.name).sort();
      expect(await names(f.Organisation.objects.filter({ name: 'Acme' }))).toEqual(['Acme']);
      expect(await names(f.Organisation.objects.filter({ name__iexact: 'ACME' }))).toEqual(['Acme']);
      expect(await names(f.Organisation.objects.filter({ name__istartswith: 'acme' }))).toEqual([
        'Acme',
        'Acme Trading',
      ]);
      expect(
        await names(
          f.Organisation.objects.filter({ name__startswith: 'A' }).exclude({ ukOrganisation: true }),
        ),
      ).toEqual(['Acme Trading']);
      expect(
        await names(
          f.Organisation.objects.filter(Q<Organisation>({ name: 'Bravo' }).or({ name__endswith: 'Trading' })),
        ),
      ).toEqual(['Acme Trading', 'Bravo']);
      expect(
        await names(
          f.Organisation.objects
            .filter(Q<Organisation>({ ukOrganisation: true }).not())
            .filter({ name__contains: 'Neil' }),
        ),
      ).toEqual(["O'Neil", 'ONeil']);
      expect(await names(f.Organisation.objects.filter({ name__in: ['Bravo', "O'Neil"] }))).toEqual([
        'Bravo',
        "O'Neil",
      ]);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet?$filter=Name eq 'Acme'&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=Name eq 'ACME'&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=startswith(Name,'acme')&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=startswith(Name,'A') and not (optevia_ukorganisation eq true)&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=Name eq 'Bravo' or endswith(Name,'Trading')&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=not (optevia_ukorganisation eq true) and substringof('Neil',Name)&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=Name eq 'Bravo' or Name eq 'O''Neil'&${SELECT}&$orderby=ModifiedOn asc`,
      ]);
      await expectStoresAgreeOnImported();
    });

    it('CDMS matches text case-insensitively, the local store answers exactly: exact "acme" imports Acme, returns nothing', async () => {
      expect(await f.Organisation.objects.filter({ name: 'acme' })).toEqual([]);
      expect(await localNames()).toEqual(['Acme']);
      expect(operations(f.emulator)).toEqual(['list Account']);
    });

    it('orderBy, slices, count, exists, first, last, values, valuesList: one list request each', async () => {
      const ordered = f.Organisation.objects.filter({ name__startswith: 'A' }).orderBy('-name');
      expect((await ordered).map((o) => o.name)).toEqual(['Acme Trading', 'Acme']);
      expect((await f.Organisation.objects.orderBy('name').slice(1, 3)).map((o) => o.name)).toEqual([
        'Acme Trading',
        'Bravo',
      ]);
      expect(await f.Organisation.objects.filter({ ukOrganisation: true }).count()).toBe(2);
      expect(await f.Organisation.objects.filter({ name: 'Nobody' }).exists()).toBe(false);
      expect(await f.Organisation.objects.filter({ name: 'Bravo' }).exists()).toBe(true);
      expect((await f.Organisation.objects.orderBy('name').first())?.name).toBe('Acme');
      expect((await f.Organisation.objects.orderBy('name').last())?.name).toBe(HOSTILE);
      expect(
        await f.Organisation.objects.filter({ ukOrganisation: true }).orderBy('name').values('name'),
      ).toEqual([{ name: 'Acme' }, { name: 'Bravo' }]);
      expect(
        await f.Organisation.objects.filter({ name__startswith: 'O' }).orderBy('name').valuesList('name', {
          flat: true,
        }),
      ).toEqual(["O'Neil", 'ONeil']);
      expect(requests(f.emulator)).toEqual([
        `GET AccountSet?$filter=startswith(Name,'A')&${SELECT}&$orderby=Name desc`,
        `GET AccountSet?${SELECT}&$orderby=Name asc&$top=2&$skip=1`,
        `GET AccountSet?$filter=optevia_ukorganisation eq true&${SELECT}&$orderby=ModifiedOn asc`,
        // CDMS compares text case-insensitively: a superset, so no $top (the local store decides).
        `GET AccountSet?$filter=Name eq 'Nobody'&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?$filter=Name eq 'Bravo'&${SELECT}&$orderby=ModifiedOn asc`,
        `GET AccountSet?${SELECT}&$orderby=Name asc&$top=1`,
        `GET AccountSet?${SELECT}&$orderby=Name desc&$top=1`,
        `GET AccountSet?$filter=optevia_ukorganisation eq true&${SELECT}&$orderby=Name asc`,
        `GET AccountSet?$filter=startswith(Name,'O')&${SELECT}&$orderby=Name asc`,
      ]);
      await expectStoresAgreeOnImported();
    });

    it('a slice with an offset on a store that has not imported the earlier rows yet', async () => {
      // Nothing is local yet: $skip=1&$top=2 brings in the 2nd and 3rd rows only; the local
      // OFFSET 1 must not skip one of them.
      const second = await f.Organisation.objects.orderBy('name').slice(1, 3);
      expect(requests(f.emulator)).toEqual([`GET AccountSet?${SELECT}&$orderby=Name asc&$top=2&$skip=1`]);
      expect(second.map((o) => o.name)).toEqual(['Acme Trading', 'Bravo']);
    });

    it('quotes and hostile strings match exactly what they should, in CDMS and locally', async () => {
      expect((await f.Organisation.objects.filter({ name: "O'Neil" })).map((o) => o.name)).toEqual([
        "O'Neil",
      ]);
      expect(f.emulator.requests.at(-1)?.query.$filter).toBe("Name eq 'O''Neil'");
      expect(await localNames()).toEqual(["O'Neil"]);

      // Not an injection: only the record literally named so.
      expect((await f.Organisation.objects.filter({ name: HOSTILE })).map((o) => o.name)).toEqual([HOSTILE]);
      expect(f.emulator.requests.at(-1)?.query.$filter).toBe("Name eq 'x'' or Name ne '''");
      expect(await localNames()).toEqual(["O'Neil", HOSTILE]);

      expect(await f.Organisation.objects.filter({ name__startswith: "x' or 1 eq 1 or Name eq '" })).toEqual(
        [],
      );
      expect(await f.Organisation.objects.filter({ name__icontains: "' or '" })).toEqual([]);
      expect(await localNames()).toEqual(["O'Neil", HOSTILE]);

      expect(
        (await f.Organisation.objects.filter({ name__contains: "'" })).map((o) => o.name).sort(),
      ).toEqual(["O'Neil", HOSTILE]);
      expect(f.emulator.requests.every((request) => request.status === 200)).toBe(true);
      expect(f.emulator.requestCount()).toBe(5);
      await expectStoresAgreeOnImported();
    });

    it('a boolean left empty in CDMS (null, read as false) is matched by filter({ ukOrganisation: false }) and refreshed', async () => {
      // Created without ukOrganisation: the POST leaves optevia_ukorganisation null in CDMS, the
      // local row holds false, and the boolean codec reads CDMS's null as false: the stores agree.
      const delta = await f.Organisation.objects.create({ name: 'Delta' });
      expect(
        f.emulator.records('Account').find((record) => record.Name === 'Delta')?.optevia_ukorganisation,
      ).toBeNull();
      f.emulator.editAsCdmsUser('Account', delta.cdmsPk as string, { Name: 'Delta Ltd' });
      f.emulator.clearRequests();
      // The $filter must select a superset of what the local query matches, or the edit is missed.
      const found = await f.Organisation.objects.filter({ ukOrganisation: false, name__startswith: 'Delta' });
      expect(found.map((o) => o.name)).toEqual(['Delta Ltd']);
      expect(f.emulator.requests.map((request) => request.query.$filter)).toEqual([
        "(optevia_ukorganisation eq false or optevia_ukorganisation eq null) and startswith(Name,'Delta')",
      ]);
    });

    it('URL-significant characters in literals (& # + % ? = / unicode) match exactly', async () => {
      const tricky = ['A&B', 'C# & Co', '50% off', 'x+y', 'x y', 'Ünïcödé – ✓', 'a?b=c/d', "it's \\ back"];
      f.emulator.seed(
        'Account',
        tricky.map((name) => ({ Name: name })),
      );
      for (const name of tricky) {
        f.emulator.clearRequests();
        const found = await f.Organisation.objects.filter({ name });
        expect(found.map((o) => o.name)).toEqual([name]);
        expect(f.emulator.requests.map((request) => request.query.$filter)).toEqual([
          `Name eq '${name.replaceAll("'", "''")}'`,
        ]);
        expect((await f.Organisation.objects.filter({ name__contains: name })).map((o) => o.name)).toEqual([
          name,
        ]);
      }
      await expectStoresAgreeOnImported();
    });

    it('a long in lookup stays under the 2,048-character query-string limit (split into several list requests)', async () => {
      const names = Array.from({ length: 120 }, (_, index) => `Organisation number ${index}`);
      f.emulator.seed('Account', [{ Name: 'Organisation number 7' }, { Name: 'Organisation number 99' }]);
      const found = await f.Organisation.objects.filter({ name__in: ['Bravo', ...names] }).orderBy('name');
      expect(found.map((o) => o.name)).toEqual(['Bravo', 'Organisation number 7', 'Organisation number 99']);
      expect(f.emulator.requests.every((request) => request.status === 200)).toBe(true);
      // 121 values: 4 list requests, each under the limit.
      expect(f.emulator.requestCount()).toBe(4);
    });

    it.each([
      ['week_day', () => f.Organisation.objects.filter({ created__week_day: 2 })],
      ['regex', () => f.Organisation.objects.filter({ name__regex: '^A' })],
      ['iregex in exclude', () => f.Organisation.objects.exclude({ name__iregex: '^a' })],
      ['ordering by a local-only field', () => f.Organisation.objects.orderBy('notes')],
      ['count() with regex', () => f.Organisation.objects.filter({ name__regex: 'A' }).count()],
      [
        'update() with regex',
        () => f.Organisation.objects.filter({ name__regex: '^A' }).update({ notes: 'x' }),
      ],
      ['delete() with iregex', () => f.Organisation.objects.filter({ name__iregex: '^a' }).delete()],
      [
        // The relation itself runs in two steps; the rest of the query is validated before the first.
        'a filter across a relation with regex beside it',
        () => f.Contact.objects.filter({ organisation__name: 'Acme', lastName__regex: '^S' } as never),
      ],
    ])('NotSupportedError before any request or write: %s', async (_name, run) => {
      await f.Organisation.objects.skipCdms().create({ name: 'Acme' });
      const before = await localCounts(f);
      await expect((async () => run())()).rejects.toBeInstanceOf(NotSupportedError);
      expect(f.emulator.requests).toEqual([]);
      expect(await localCounts(f)).toEqual(before);
      expect(await f.knex(f.tables.organisation).select('notes')).toEqual([{ notes: null }]);
    });

    /** The imported records agree with their CDMS versions (the rest is still only in CDMS). */
    async function expectStoresAgreeOnImported(): Promise<void> {
      const imported = new Set(
        (await f.knex(f.tables.organisation).select('cdms_pk')).map(
          (row: { cdms_pk: string }) => row.cdms_pk,
        ),
      );
      const restricted = {
        ...f,
        emulator: {
          ...f.emulator,
          records: (service: string) =>
            f.emulator.records(service).filter((record) => imported.has(String(record.AccountId ?? ''))),
        },
      };
      await expectStoresAgree(restricted as typeof f);
    }
  });
}
