import type { LookupName, WhereNode } from '@cdms-sync/core';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSyncedTable } from '../schema/synced-columns';
import { type KnexStore, knexStore } from '../store/knex-store';
import { describeEachDatabase, testDatabases, uniqueTableName } from './databases';

const databases = await testDatabases();

const where = (field: string, lookup: LookupName, value: unknown): WhereNode => ({
  kind: 'lookup',
  field,
  lookup,
  value,
});
const and = (...children: WhereNode[]): WhereNode => ({ kind: 'and', children });
const or = (...children: WhereNode[]): WhereNode => ({ kind: 'or', children });
const not = (child: WhereNode): WhereNode => ({ kind: 'not', child });

interface Fixture {
  label: string;
  name: string | null;
  amount?: number | null;
  active?: boolean | null;
  happened?: Date | null;
}

const FIXTURES: readonly Fixture[] = [
  // 2024-02-29 is a Thursday (week_day 5); a time zone slip would move it to March 1st.
  {
    label: 'alpha-upper',
    name: 'Alpha',
    amount: 10,
    active: true,
    happened: new Date('2024-02-29T23:30:15.250Z'),
  },
  // A Sunday (week_day 1) at midnight UTC: the previous day in any time zone west of UTC.
  {
    label: 'alpha-lower',
    name: 'alpha',
    amount: 20,
    active: false,
    happened: new Date('2023-12-31T00:00:00.000Z'),
  },
  { label: 'quote', name: "O'Brien", amount: 30, happened: new Date('2024-03-01T00:00:00.000Z') },
  { label: 'percent', name: '100% pure', active: true },
  { label: 'percent-text', name: '100 percent', amount: -5 },
  { label: 'underscore', name: 'snake_case', amount: 0 },
  { label: 'x', name: 'snakeXcase', amount: 15 },
  { label: 'backslash', name: 'back\\slash' },
  { label: 'no-backslash', name: 'backslash' },
  { label: 'unicode', name: 'Ünïcödé ✓' },
  { label: 'empty', name: '' },
  { label: 'null', name: null },
  { label: 'bang', name: 'bang!mark' },
  { label: 'glob', name: 'star*glob?[x]' },
];

const labels = (predicate: (fixture: Fixture) => boolean) =>
  FIXTURES.filter(predicate).map((fixture) => fixture.label);
const amount = (fixture: Fixture) => fixture.amount ?? null;

/** [title, where, expected labels]: the same answer on every dialect. */
const CASES: ReadonlyArray<readonly [string, WhereNode, readonly string[]]> = [
  ['exact is case-sensitive', where('name', 'exact', 'Alpha'), ['alpha-upper']],
  ['exact null is IS NULL', where('name', 'exact', null), ['null']],
  ['exact with a quote', where('name', 'exact', "O'Brien"), ['quote']],
  ['exact empty string', where('name', 'exact', ''), ['empty']],
  ['iexact ignores case', where('name', 'iexact', 'ALPHA'), ['alpha-upper', 'alpha-lower']],
  ['iexact null is IS NULL', where('name', 'iexact', null), ['null']],
  ['contains', where('name', 'contains', 'lph'), ['alpha-upper', 'alpha-lower']],
  ['contains is case-sensitive', where('name', 'contains', 'Alp'), ['alpha-upper']],
  ['icontains ignores case', where('name', 'icontains', 'ALP'), ['alpha-upper', 'alpha-lower']],
  ['contains % literally', where('name', 'contains', '%'), ['percent']],
  ['startswith 100% literally', where('name', 'startswith', '100%'), ['percent']],
  ['startswith', where('name', 'startswith', '100'), ['percent', 'percent-text']],
  ['contains _ literally', where('name', 'contains', '_'), ['underscore']],
  ['endswith _case literally', where('name', 'endswith', '_case'), ['underscore']],
  ['iendswith', where('name', 'iendswith', 'CASE'), ['underscore', 'x']],
  ['istartswith _ literally', where('name', 'istartswith', 'SNAKE_'), ['underscore']],
  ['contains a backslash', where('name', 'contains', '\\'), ['backslash']],
  ['contains around a backslash', where('name', 'contains', 'k\\s'), ['backslash']],
  ['contains the escape character', where('name', 'contains', '!'), ['bang']],
  ['icontains the escape character', where('name', 'icontains', 'G!M'), ['bang']],
  ['contains GLOB wildcards literally', where('name', 'contains', '*glob?'), ['glob']],
  ['endswith a bracket class literally', where('name', 'endswith', '[x]'), ['glob']],
  ['contains a quote', where('name', 'contains', "'"), ['quote']],
  ['contains unicode', where('name', 'contains', 'Ünïcödé'), ['unicode']],
  ['contains unicode is case-sensitive', where('name', 'contains', 'ünïcödé'), []],
  ['endswith a symbol', where('name', 'endswith', '✓'), ['unicode']],
  [
    'icontains unicode of the same case',
    where('name', 'icontains', 'ünïcödé ✓'.replace('ü', 'Ü')),
    ['unicode'],
  ],
  [
    'contains the empty string matches every non-null value',
    where('name', 'contains', ''),
    labels((f) => f.name !== null),
  ],
  ['in', where('name', 'in', ['Alpha', 'alpha', 'nope']), ['alpha-upper', 'alpha-lower']],
  ['in is case-sensitive', where('name', 'in', ['ALPHA']), []],
  ['in an empty list matches nothing', where('name', 'in', []), []],
  ['in ignores null', where('name', 'in', [null, 'Alpha']), ['alpha-upper']],
  ['in on integers', where('amount', 'in', [0, 30]), ['quote', 'underscore']],
  ['gt', where('amount', 'gt', 10), labels((f) => (amount(f) ?? -Infinity) > 10)],
  ['gte', where('amount', 'gte', 10), labels((f) => (amount(f) ?? -Infinity) >= 10)],
  ['lt', where('amount', 'lt', 0), ['percent-text']],
  ['lte', where('amount', 'lte', 0), ['percent-text', 'underscore']],
  ['range is inclusive', where('amount', 'range', [0, 15]), ['alpha-upper', 'underscore', 'x']],
  ['isnull true', where('amount', 'isnull', true), labels((f) => amount(f) === null)],
  ['isnull false', where('amount', 'isnull', false), labels((f) => amount(f) !== null)],
  ['boolean true', where('active', 'exact', true), ['alpha-upper', 'percent']],
  ['boolean false', where('active', 'exact', false), ['alpha-lower']],
  ['date-time gt', where('happened', 'gt', new Date('2024-01-01T00:00:00Z')), ['alpha-upper', 'quote']],
  [
    'date-time exact to the millisecond',
    where('happened', 'exact', new Date('2024-02-29T23:30:15.250Z')),
    ['alpha-upper'],
  ],
  [
    'date-time range',
    where('happened', 'range', [new Date('2023-12-31T00:00:00Z'), new Date('2024-03-01T00:00:00Z')]),
    ['alpha-upper', 'alpha-lower', 'quote'],
  ],
  ['year in UTC', where('happened', 'year', 2024), ['alpha-upper', 'quote']],
  ['month in UTC', where('happened', 'month', 2), ['alpha-upper']],
  ['day in UTC', where('happened', 'day', 29), ['alpha-upper']],
  ['day 31 in UTC', where('happened', 'day', 31), ['alpha-lower']],
  ['hour in UTC', where('happened', 'hour', 23), ['alpha-upper']],
  ['minute', where('happened', 'minute', 30), ['alpha-upper']],
  ['second (whole seconds)', where('happened', 'second', 15), ['alpha-upper']],
  ['week_day 1 is Sunday', where('happened', 'week_day', 1), ['alpha-lower']],
  ['week_day 5 is Thursday', where('happened', 'week_day', 5), ['alpha-upper']],
  ['week_day 6 is Friday', where('happened', 'week_day', 6), ['quote']],
  ['and', and(where('name', 'contains', 'lph'), where('active', 'exact', true)), ['alpha-upper']],
  ['or', or(where('name', 'exact', 'Alpha'), where('amount', 'exact', 30)), ['alpha-upper', 'quote']],
  ['empty and matches everything', and(), labels(() => true)],
  ['empty or matches nothing', or(), []],
  [
    'not keeps NULLs (Django exclude)',
    not(where('name', 'exact', 'Alpha')),
    labels((f) => f.name !== 'Alpha'),
  ],
  [
    'not of a comparison keeps NULLs',
    not(where('amount', 'gt', 10)),
    labels((f) => !((amount(f) ?? -Infinity) > 10)),
  ],
  [
    'double not is the lookup',
    not(not(where('amount', 'gt', 10))),
    labels((f) => (amount(f) ?? -Infinity) > 10),
  ],
  ['not isnull', not(where('amount', 'isnull', true)), labels((f) => amount(f) !== null)],
  ['not exact null', not(where('name', 'exact', null)), labels((f) => f.name !== null)],
  ['not in empty matches everything', not(where('name', 'in', [])), labels(() => true)],
  [
    'not of an or keeps NULLs',
    not(or(where('name', 'icontains', 'alpha'), where('active', 'exact', true))),
    labels((f) => !(f.name?.toLowerCase().includes('alpha') ?? false) && f.active !== true),
  ],
  [
    'nested and/or/not',
    and(
      or(where('name', 'startswith', 'snake'), where('name', 'startswith', 'back')),
      not(where('name', 'contains', '\\')),
    ),
    ['underscore', 'x', 'no-backslash'],
  ],
];

describeEachDatabase(databases, (database) => {
  let knex: Knex;
  let store: KnexStore;
  const table = uniqueTableName('lookups');
  const queries: string[] = [];

  beforeAll(async () => {
    knex = await database.connect();
    await createSyncedTable(knex, table, (builder) => {
      builder.string('label').notNullable();
      builder.string('name').nullable();
      builder.integer('amount').nullable();
      builder.boolean('active').nullable();
      builder.datetime('happened', { useTz: true, precision: 3 }).nullable();
    });
    store = knexStore(knex);
    await store.bulkInsert(
      table,
      FIXTURES.map((fixture) => ({ ...fixture })),
    );
    knex.on('query', (query: { sql: string }) => queries.push(query.sql));
  });

  afterAll(async () => {
    await knex?.schema.dropTableIfExists(table);
    await knex?.destroy();
  });

  async function find(node: WhereNode): Promise<string[]> {
    const rows = await store.find(table, { where: node, fields: ['label'] });
    return rows.map((row) => String(row.label)).sort();
  }

  it.each(CASES)('%s', async (_title, node, expected) => {
    expect(await find(node)).toEqual([...expected].sort());
  });

  it('regex and iregex where the dialect has them', async () => {
    if (store.capabilities.unsupportedLookups.includes('regex')) {
      expect(database.name).toBe('sqlite');
      await expect(find(where('name', 'regex', '^A'))).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
      await expect(find(where('name', 'iregex', '^A'))).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
      return;
    }
    expect(await find(where('name', 'regex', '^[A-Z]lpha$'))).toEqual(['alpha-upper']);
    expect(await find(where('name', 'iregex', '^alpha$'))).toEqual(['alpha-lower', 'alpha-upper']);
    expect(await find(where('name', 'regex', 'k\\\\s'))).toEqual(['backslash']);
  });

  it('orders NULLs last ascending and first descending', async () => {
    const ascending = await store.find(table, {
      orderBy: [
        { field: 'amount', direction: 'asc' },
        { field: 'label', direction: 'asc' },
      ],
    });
    const byAmount = (a: Fixture, b: Fixture) => {
      const [x, y] = [amount(a), amount(b)];
      if (x === y) return a.label < b.label ? -1 : 1;
      if (x === null) return 1;
      if (y === null) return -1;
      return x - y;
    };
    expect(ascending.map((row) => row.label)).toEqual([...FIXTURES].sort(byAmount).map((f) => f.label));
    const descending = await store.find(table, {
      orderBy: [
        { field: 'amount', direction: 'desc' },
        { field: 'label', direction: 'asc' },
      ],
      fields: ['amount'],
    });
    const amounts = FIXTURES.map(amount);
    const nonNull = amounts.filter((value): value is number => value !== null).sort((x, y) => y - x);
    expect(descending.map((row) => row.amount)).toEqual([
      ...amounts.filter((value) => value === null),
      ...nonNull,
    ]);
  });

  it('slices with limit and offset', async () => {
    const all = FIXTURES.map((f) => f.label).sort();
    const rows = await store.find(table, {
      orderBy: [{ field: 'label', direction: 'asc' }],
      limit: 3,
      offset: 2,
    });
    expect(rows.map((row) => row.label)).toEqual(all.slice(2, 5));
    const rest = await store.find(table, { orderBy: [{ field: 'label', direction: 'asc' }], offset: 12 });
    expect(rest.map((row) => row.label)).toEqual(all.slice(12));
  });

  it('compiles case-sensitive text lookups to the dialect operator with an explicit ESCAPE', async () => {
    queries.length = 0;
    await find(where('name', 'contains', '50%'));
    await find(where('name', 'icontains', '50%'));
    await find(not(where('name', 'exact', 'x')));
    const [contains, icontains, negated] = queries;
    const expected = {
      postgresql: [
        /CAST\("name" AS text\) LIKE \$1 ESCAPE '!'/,
        /CAST\("name" AS text\) ILIKE \$1 ESCAPE '!'/,
      ],
      pglite: [/CAST\("name" AS text\) LIKE \$1 ESCAPE '!'/, /CAST\("name" AS text\) ILIKE \$1 ESCAPE '!'/],
      sqlite: [/`name` GLOB \?/, /lower\(`name`\) LIKE lower\(\?\) ESCAPE '!'/],
      mysql: [/`name` LIKE CAST\(\? AS BINARY\) ESCAPE '!'/, /lower\(`name`\) LIKE lower\(\?\) ESCAPE '!'/],
    }[database.name];
    expect(contains).toMatch(expected[0] as RegExp);
    expect(icontains).toMatch(expected[1] as RegExp);
    expect(negated).toMatch(/NOT \(.* IS NOT NULL\)/);
  });

  it('rejects an unknown field naming the known ones, before any SQL', async () => {
    queries.length = 0;
    await expect(find(where('nmae', 'exact', 'x'))).rejects.toMatchObject({
      code: 'FIELD_ERROR',
      message: expect.stringMatching(/"nmae".*label, name, amount/),
    });
    await expect(store.find(table, { orderBy: [{ field: 'nope', direction: 'asc' }] })).rejects.toMatchObject(
      { code: 'FIELD_ERROR' },
    );
    expect(queries).toEqual([]);
  });

  it('rejects malformed lookup values before any SQL', async () => {
    queries.length = 0;
    await expect(find(where('amount', 'in', 5))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(find(where('amount', 'range', [1]))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(find(where('amount', 'gt', 'ten'))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(find(where('name', 'year', 2024))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(find(where('happened', 'year', 'x'))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(queries).toEqual([]);
  });
});
