import { and, eq, literal, not, or, property, serializeFilter } from '@cdms-sync/cdms-client';
import { describe, expect, it } from 'vitest';
import { fitListQuery, listUrlLength } from './fit-list-query';

const id = (index: number) =>
  eq(property('AccountId'), literal.guid(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`));
const ids = (count: number) => Array.from({ length: count }, (_, index) => id(index));
const uk = eq(property('optevia_ukorganisation'), literal.boolean(true));
const text = (query: { filter?: unknown }) =>
  query.filter === undefined ? undefined : serializeFilter(query.filter as never);

describe('fitListQuery', () => {
  it('leaves a query that fits alone', () => {
    const query = { filter: or(...ids(3)), top: 5 };
    expect(fitListQuery(query, { maxUrlLength: 2000 })).toEqual({
      queries: [query],
      exact: true,
      strategy: 'fits',
    });
  });

  it('splits a top-level or chain into groups under the limit, in order', () => {
    const result = fitListQuery({ filter: or(...ids(100)), select: ['AccountId'] }, { maxUrlLength: 1000 });
    expect(result.strategy).toBe('split');
    expect(result.exact).toBe(true);
    for (const query of result.queries) expect(listUrlLength('?', query)).toBeLessThanOrEqual(1000);
    const joined = result.queries.map((query) => text(query)).join(' or ');
    expect(joined).toBe(serializeFilter(or(...ids(100))));
  });

  it('keeps the other conjuncts in every part; a slice becomes $top = skip + top', () => {
    const result = fitListQuery(
      { filter: and(uk, or(...ids(60))), top: 10, skip: 20 },
      { maxUrlLength: 1000 },
    );
    expect(result.queries.length).toBeGreaterThan(1);
    for (const query of result.queries) {
      expect(query).toMatchObject({ top: 30 });
      expect(query).not.toHaveProperty('skip');
      expect(text(query)).toMatch(/^optevia_ukorganisation eq true and \(/);
    }
  });

  it('drops a long chain under not (true where asserted, false under not): superset, no slice', () => {
    const result = fitListQuery({ filter: and(uk, not(or(...ids(60)))), top: 10 }, { maxUrlLength: 1000 });
    expect(result).toEqual({ queries: [{ filter: uk }], exact: false, strategy: 'superset' });
    const alone = fitListQuery({ filter: not(or(...ids(60))) }, { maxUrlLength: 1000 });
    expect(alone).toEqual({ queries: [{}], exact: false, strategy: 'superset' });
  });

  it("counts each ' as %27, as Node sends it", () => {
    expect(listUrlLength('?', { filter: eq(property('Name'), literal.string('x')) })).toBe(
      '?$filter=Name%20eq%20%27x%27'.length,
    );
  });
});
