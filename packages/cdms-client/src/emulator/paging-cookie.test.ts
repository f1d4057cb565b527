import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CdmsClient } from '../client/cdms-client';
import { formatPagingCookie, parsePagingCookie } from './paging-cookie';
import { startCdmsEmulator } from './start-cdms-emulator';
import type { CdmsEmulator, CdmsEmulatorOptions } from './types';

const emulators: CdmsEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function start(options: CdmsEmulatorOptions = {}): Promise<CdmsEmulator> {
  const emulator = await startCdmsEmulator(options);
  emulators.push(emulator);
  return emulator;
}

interface ListAnswer {
  status: number;
  body: {
    d: { results: Record<string, unknown>[]; __next?: string };
    error?: { message: { value: string } };
  };
}

async function get(url: string): Promise<ListAnswer> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as ListAnswer['body'] };
}

/** A GUID that sorts at `position` of 0xffff among GUIDs made by this function. */
function guid(position: number): string {
  return `${position.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
}

describe('the $skiptoken paging cookie', () => {
  it('has the shape of CRM 2011: page number, then each key with its last and first value', async () => {
    const emulator = await start({ pageSize: 2 });
    emulator.seed(
      'Account',
      [1, 2, 3].map((index) => ({ AccountId: guid(index), Name: `A${index}` })),
    );
    const first = await get(`${emulator.serviceUrl}/AccountSet?$select=Name`);
    // The real CRM 2011 __next: …/AccountSet?$select=…&$filter=…&$skiptoken=1,'accountid','%7B22153355-…%7D','%7B7A4814F9-…%7D'
    expect(first.body.d.__next).toBe(
      `${emulator.serviceUrl}/AccountSet?$select=Name&$skiptoken=1,'accountid','%7B${guid(2).toUpperCase()}%7D','%7B${guid(1).toUpperCase()}%7D'`,
    );
    const ordered = await get(`${emulator.serviceUrl}/AccountSet?$select=Name&$orderby=Name desc`);
    expect(new URL(ordered.body.d.__next!).searchParams.get('$skiptoken')).toBe(
      `1,'name','A2','A3','accountid','{${guid(2).toUpperCase()}}','{${guid(3).toUpperCase()}}'`,
    );
  });

  it('does not show a record created before the cursor, and shows one created after it', async () => {
    const emulator = await start({ pageSize: 10 });
    emulator.seed(
      'Account',
      Array.from({ length: 30 }, (_, index) => ({ AccountId: guid(index * 10 + 10), Name: `A${index}` })),
    );
    const first = await get(`${emulator.serviceUrl}/AccountSet?$select=AccountId`);
    emulator.seed('Account', [
      { AccountId: guid(5), Name: 'before the cursor' },
      { AccountId: guid(305), Name: 'after the cursor' },
    ]);
    const ids: unknown[] = first.body.d.results.map((row) => row.AccountId);
    let next = first.body.d.__next;
    while (next !== undefined) {
      const page = await get(next);
      ids.push(...page.body.d.results.map((row) => row.AccountId));
      next = page.body.d.__next;
    }
    expect(ids).not.toContain(guid(5));
    expect(ids).toContain(guid(305));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(31);
  });

  it('does not shift pages when records before the cursor are deleted (none skipped, none twice)', async () => {
    const emulator = await start({ pageSize: 10 });
    const ids = emulator
      .seed(
        'Account',
        Array.from({ length: 30 }, (_, index) => ({ AccountId: guid(index + 1), Name: `A${index}` })),
      )
      .map((record) => record.AccountId as string);
    const first = await get(`${emulator.serviceUrl}/AccountSet?$select=AccountId`);
    // Five records of the first page are deleted: a row offset would now skip five records.
    for (const id of ids.slice(0, 5)) emulator.deleteAsCdmsUser('Account', id);
    const second = await get(first.body.d.__next!);
    expect(second.body.d.results.map((row) => row.AccountId)).toEqual(ids.slice(10, 20));
  });

  it('continues after the sort key with $orderby on a non-unique attribute, nulls and desc', async () => {
    const emulator = await start({ pageSize: 7 });
    const cities = [null, 'Leeds', 'leeds', 'York', null, 'Bath'];
    emulator.seed(
      'Account',
      Array.from({ length: 40 }, (_, index) => ({
        AccountId: guid(40 - index),
        Name: `A${index}`,
        Address1_City: cities[index % cities.length] ?? null,
        NumberOfEmployees: index % 3 === 0 ? null : index % 4,
      })),
    );
    for (const orderby of [
      'Address1_City',
      'Address1_City desc,NumberOfEmployees',
      'NumberOfEmployees desc,CreatedOn',
    ]) {
      const all = await get(
        `${emulator.serviceUrl}/AccountSet?$select=AccountId&$orderby=${orderby}&$top=1000`,
      );
      expect(all.status).toBe(200);
      const paged: unknown[] = [];
      let url: string | undefined = `${emulator.serviceUrl}/AccountSet?$select=AccountId&$orderby=${orderby}`;
      while (url !== undefined) {
        const page = await get(url);
        expect(page.status).toBe(200);
        paged.push(...page.body.d.results.map((row) => row.AccountId));
        url = page.body.d.__next;
      }
      expect(paged).toHaveLength(40);
      expect(new Set(paged).size).toBe(40);
    }
  });

  it('keeps $top across pages and answers 400 to a row offset or a cookie of another query', async () => {
    const emulator = await start({ pageSize: 10 });
    emulator.seed('Account', 35);
    const client = new CdmsClient({ baseUrl: emulator.url });
    const pages: number[] = [];
    for await (const page of client.pages('Account', { top: 25 })) pages.push(page.results.length);
    expect(pages).toEqual([10, 10, 5]);
    expect(await client.listAllToArray('Account')).toHaveLength(35);

    const offset = await get(`${emulator.serviceUrl}/AccountSet?$skiptoken=50`);
    expect(offset.status).toBe(400);
    expect(offset.body.error?.message.value).toMatch(/\$skiptoken/);
    const first = await get(`${emulator.serviceUrl}/AccountSet?$orderby=Name`);
    const token = new URL(first.body.d.__next!).searchParams.get('$skiptoken')!;
    const other = await get(
      `${emulator.serviceUrl}/AccountSet?$orderby=CreatedOn&$skiptoken=${encodeURIComponent(token)}`,
    );
    expect(other.status).toBe(400);
  });

  it('walks a set that CDMS users change meanwhile: no record twice, every surviving record once', async () => {
    const emulator = await start({ latencyMs: 5 });
    emulator.seed('Account', 2000);
    const before = new Set(emulator.records('Account').map((row) => row.AccountId));
    emulator.startActivity({ editsPerSecond: 200, createsPerSecond: 50, deletesPerSecond: 50, seed: 3 });
    const client = new CdmsClient({ baseUrl: emulator.url });
    const seen = (await client.listAllToArray('Account', { select: ['AccountId'] })).map(
      (row) => row.AccountId,
    );
    const counts = emulator.stopActivity();
    expect(counts.deletes + counts.creates + counts.edits).toBeGreaterThan(10);
    const after = new Set(emulator.records('Account').map((row) => row.AccountId));
    expect(new Set(seen).size).toBe(seen.length);
    const survivors = [...before].filter((id) => after.has(id));
    expect(survivors.filter((id) => !seen.includes(id))).toEqual([]);
  });

  it('round-trips every kind of key value, quotes and nulls included', () => {
    const value = fc.oneof(
      fc.record({ kind: fc.constant('string' as const), value: fc.option(fc.string(), { nil: null }) }),
      fc.record({ kind: fc.constant('number' as const), value: fc.option(fc.integer(), { nil: null }) }),
      fc.record({ kind: fc.constant('boolean' as const), value: fc.option(fc.boolean(), { nil: null }) }),
      fc.record({
        kind: fc.constant('datetime' as const),
        value: fc.option(
          fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => s * 1000),
          { nil: null },
        ),
      }),
      fc.record({ kind: fc.constant('guid' as const), value: fc.option(fc.uuid(), { nil: null }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.array(value, { maxLength: 4 }), (page, keys) => {
        const named = keys.map((key, index) => ({
          name: `key${index}`,
          kind: key.kind,
          last: key.value,
          first: null,
        }));
        const text = formatPagingCookie(page, named);
        expect(parsePagingCookie(text, named)).toEqual({ page, last: keys.map((key) => key.value) });
      }),
    );
  });
});
