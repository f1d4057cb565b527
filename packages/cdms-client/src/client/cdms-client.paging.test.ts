import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isCdmsUnexpectedResponseError } from '../errors/cdms-unexpected-response-error';
import {
  blockRealNetwork,
  crm,
  ORIGIN,
  rawAccount,
  rejectionOf,
  SERVICE_PATH,
  testClient,
} from './__fixtures__/cdms-test-kit';

blockRealNetwork();

const guid = (index: number) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`;
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, offset) => rawAccount(guid(from + offset), `Account ${from + offset}`));
const nextUrl = (token: number) =>
  `${ORIGIN}${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null&$skiptoken=${token}`;

/** Three pages of 3 rows each, linked by `__next`; the request paths are recorded. */
function threePages(paths: string[]) {
  crm()
    .get(`${SERVICE_PATH}/AccountSet`)
    .query(true)
    .reply((uri) => {
      paths.push(uri);
      return [200, { d: { results: rows(1, 3), __next: nextUrl(3) } }];
    })
    .get(`${SERVICE_PATH}/AccountSet`)
    .query({ $filter: 'Name ne null', $skiptoken: '3' })
    .reply((uri) => {
      paths.push(uri);
      return [200, { d: { results: rows(4, 3), __next: nextUrl(6) } }];
    })
    .get(`${SERVICE_PATH}/AccountSet`)
    .query({ $filter: 'Name ne null', $skiptoken: '6' })
    .reply((uri) => {
      paths.push(uri);
      return [200, { d: { results: rows(7, 3) } }];
    });
}

describe('CdmsClient paging', () => {
  it('pages() follows __next as is over three pages', async () => {
    const paths: string[] = [];
    threePages(paths);
    const { client } = testClient();
    const sizes: number[] = [];
    for await (const page of client.pages('Account', { filter: 'Name ne null' }))
      sizes.push(page.results.length);
    expect(sizes).toEqual([3, 3, 3]);
    expect(paths).toEqual([
      `${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null`,
      `${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null&$skiptoken=3`,
      `${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null&$skiptoken=6`,
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('listAll() yields every entity, decoded, in order', async () => {
    threePages([]);
    const { client } = testClient();
    const names = (await client.listAllToArray('Account', { filter: 'Name ne null' })).map((row) => row.Name);
    expect(names).toEqual(Array.from({ length: 9 }, (_, index) => `Account ${index + 1}`));
  });

  it('stops mid-page when top rows were yielded, without fetching further pages', async () => {
    const paths: string[] = [];
    threePages(paths);
    const { client } = testClient();
    const pages = [];
    for await (const page of client.pages('Account', { filter: 'Name ne null', top: 5 })) pages.push(page);
    expect(pages.map((page) => page.results.length)).toEqual([3, 2]);
    expect(pages[1]?.next).toBeUndefined();
    expect(paths).toEqual([
      `${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null&$top=5`,
      `${SERVICE_PATH}/AccountSet?$filter=Name%20ne%20null&$skiptoken=3`,
    ]);
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('listAll() stops at limit without fetching the next page', async () => {
    const paths: string[] = [];
    threePages(paths);
    const { client } = testClient();
    const entities = await client.listAllToArray('Account', { filter: 'Name ne null' }, { limit: 3 });
    expect(entities).toHaveLength(3);
    expect(paths).toHaveLength(1);
  });

  it('top 0 sends nothing', async () => {
    const { client, events } = testClient();
    expect(await client.listAllToArray('Account', { top: 0 })).toEqual([]);
    expect(events).toEqual([]);
  });

  it('refuses a __next URL on another origin (credentials would follow it)', async () => {
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(200, { d: { results: rows(1, 1), __next: 'https://evil.example.net/steal?$skiptoken=1' } });
    const { client } = testClient();
    const error = await rejectionOf(client.listAllToArray('Account'));
    expect(isCdmsUnexpectedResponseError(error)).toBe(true);
    expect((error as Error).message).toContain('another origin');
  });

  it('refuses a __next URL that repeats itself', async () => {
    const loop = `${ORIGIN}${SERVICE_PATH}/AccountSet?$skiptoken=1`;
    crm()
      .get(`${SERVICE_PATH}/AccountSet`)
      .reply(200, { d: { results: [], __next: loop } })
      .get(`${SERVICE_PATH}/AccountSet`)
      .query({ $skiptoken: '1' })
      .reply(200, { d: { results: [], __next: loop } });
    const { client } = testClient();
    const error = await rejectionOf(client.listAllToArray('Account'));
    expect(isCdmsUnexpectedResponseError(error)).toBe(true);
  });
});
