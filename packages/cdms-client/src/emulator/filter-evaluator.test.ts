import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ODataComparisonOperator,
  ODataFilter,
  ODataLiteral,
  ODataOperand,
  ODataStringFunction,
} from '../odata/filter-tree';
import { serializeFilter } from '../odata/serialize-filter';
import { EntityCatalog } from './entity-model';
import { EntityStore } from './entity-store';
import { compileFilter } from './filter-evaluator';
import { listRows } from './list-rows';
import { ListView } from './list-view';
import { startCdmsEmulator } from './start-cdms-emulator';
import type { CdmsEmulator, EmulatorEntityDefinition, EmulatorRecord } from './types';

// A small entity with one attribute of each kind the filter can reach.
const THING: EmulatorEntityDefinition = {
  name: 'Thing',
  attributes: {
    Name: 'Edm.String',
    City: 'Edm.String',
    Count: 'Edm.Int32',
    Flag: 'Edm.Boolean',
    When: 'Edm.DateTime',
    Parent: { type: 'EntityReference', target: 'thing' },
    Code: 'OptionSetValue',
  },
};
const catalog = new EntityCatalog([THING]);
const thing = catalog.require('Thing');

const STRINGS = ['acme', 'ACME', 'Acme Ltd', 'bravo', "O'Neil", 'ä', 'Ä', ''];
const FRAGMENTS = [...STRINGS, 'cm', 'AC', 'ltd', "'", 'b'];
const GUIDS = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7a4814f9-b0b8-ea11-a812-000d3a122b89'];
const DATES = [Date.UTC(2016, 1, 28), Date.UTC(2016, 1, 28, 0, 0, 1), Date.UTC(2020, 5, 1, 12, 30)];

const prop = (...path: string[]): ODataOperand => ({ kind: 'property', path });
const lit = (literal: ODataLiteral): ODataOperand => ({ kind: 'literal', literal });
const NULL: ODataOperand = lit({ kind: 'null' });

// ---- random rows ----
const rowArbitrary = fc.record(
  {
    Name: fc.option(fc.constantFrom(...STRINGS), { nil: null }),
    City: fc.option(fc.constantFrom(...STRINGS), { nil: null }),
    Count: fc.option(fc.integer({ min: -2, max: 3 }), { nil: null }),
    Flag: fc.option(fc.boolean(), { nil: null }),
    When: fc.option(
      fc.constantFrom(...DATES).map((ms) => new Date(ms)),
      { nil: null },
    ),
    Parent: fc.option(
      fc.constantFrom(...GUIDS).map((Id) => ({ Id })),
      { nil: null },
    ),
    Code: fc.option(
      fc.integer({ min: 1, max: 3 }).map((Value) => ({ Value })),
      { nil: null },
    ),
  },
  { requiredKeys: [] },
);

// ---- random, well-typed filter trees ----
const operator = fc.constantFrom<ODataComparisonOperator>('eq', 'ne', 'gt', 'ge', 'lt', 'le');
const stringOperand = fc.oneof(
  fc.constantFrom('Name', 'City').map((name) => prop(name)),
  fc
    .tuple(fc.constantFrom<'tolower' | 'toupper'>('tolower', 'toupper'), fc.constantFrom('Name', 'City'))
    .map(([name, attribute]): ODataOperand => ({ kind: 'call', name, argument: prop(attribute) })),
);
const orNull = (operand: fc.Arbitrary<ODataOperand>) =>
  fc.oneof({ weight: 5, arbitrary: operand }, { weight: 1, arbitrary: fc.constant(NULL) });
const comparison = (left: fc.Arbitrary<ODataOperand>, right: fc.Arbitrary<ODataOperand>) =>
  fc.tuple(operator, left, right, fc.boolean()).map(
    ([op, l, r, swap]): ODataFilter => ({
      kind: 'compare',
      operator: op,
      left: swap ? r : l,
      right: swap ? l : r,
    }),
  );
const leaf: fc.Arbitrary<ODataFilter> = fc.oneof(
  comparison(
    stringOperand,
    orNull(fc.constantFrom(...FRAGMENTS).map((value) => lit({ kind: 'string', value }))),
  ),
  comparison(
    fc.constant(prop('Count')),
    orNull(fc.integer({ min: -2, max: 3 }).map((value) => lit({ kind: 'integer', value }))),
  ),
  comparison(fc.constant(prop('Flag')), orNull(fc.boolean().map((value) => lit({ kind: 'boolean', value })))),
  comparison(
    fc.constant(prop('When')),
    orNull(fc.constantFrom(...DATES).map((ms) => lit({ kind: 'datetime', value: new Date(ms) }))),
  ),
  comparison(
    fc.constant(prop('Parent', 'Id')),
    orNull(fc.constantFrom(...GUIDS).map((value) => lit({ kind: 'guid', value }))),
  ),
  comparison(
    fc.constant(prop('Code', 'Value')),
    orNull(fc.integer({ min: 1, max: 3 }).map((value) => lit({ kind: 'integer', value }))),
  ),
  fc
    .tuple(
      fc.constantFrom<ODataStringFunction>('substringof', 'startswith', 'endswith'),
      stringOperand,
      fc.constantFrom(...FRAGMENTS).map((value) => lit({ kind: 'string', value })),
    )
    .map(
      ([name, attribute, text]): ODataFilter => ({
        kind: 'function',
        name,
        arguments: name === 'substringof' ? [text, attribute] : [attribute, text],
      }),
    ),
);
const { filter: filterArbitrary } = fc.letrec<{ filter: ODataFilter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('filter'), tie('filter'))
      .map(([left, right]): ODataFilter => ({ kind: 'and', left, right })),
    fc.tuple(tie('filter'), tie('filter')).map(([left, right]): ODataFilter => ({ kind: 'or', left, right })),
    tie('filter').map((operand): ODataFilter => ({ kind: 'not', operand })),
  ),
}));

// ---- the reference: plain JavaScript over the records, SQL's three-valued logic ----
type Unknown = null;
type Scalar = string | number | boolean | null;

function referenceOperand(operand: ODataOperand, record: EmulatorRecord): Scalar {
  if (operand.kind === 'literal') {
    const literal = operand.literal;
    if (literal.kind === 'null') return null;
    if (literal.kind === 'datetime') return literal.value.getTime();
    return literal.value as Scalar;
  }
  if (operand.kind === 'call') {
    const inner = referenceOperand(operand.argument, record);
    if (typeof inner !== 'string') return null;
    return operand.name === 'tolower' ? inner.toLowerCase() : inner.toUpperCase();
  }
  const [name, member] = operand.path as [string, string | undefined];
  const value = record[name] as unknown;
  if (member !== undefined) return ((value as Record<string, Scalar>)[member] ?? null) as Scalar;
  if (value instanceof Date) return value.getTime();
  return (value ?? null) as Scalar;
}

function referenceOrder(left: string | number | boolean, right: string | number | boolean): number {
  const a = typeof left === 'string' ? left.toLowerCase() : Number(left);
  const b = typeof right === 'string' ? (right as string).toLowerCase() : Number(right);
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function reference(filter: ODataFilter, record: EmulatorRecord): boolean | Unknown {
  switch (filter.kind) {
    case 'and': {
      const values = [reference(filter.left, record), reference(filter.right, record)];
      if (values.includes(false)) return false;
      return values.includes(null) ? null : true;
    }
    case 'or': {
      const values = [reference(filter.left, record), reference(filter.right, record)];
      if (values.includes(true)) return true;
      return values.includes(null) ? null : false;
    }
    case 'not': {
      const value = reference(filter.operand, record);
      return value === null ? null : !value;
    }
    case 'compare': {
      const isNullLiteral = (operand: ODataOperand) =>
        operand.kind === 'literal' && operand.literal.kind === 'null';
      const left = referenceOperand(filter.left, record);
      const right = referenceOperand(filter.right, record);
      if (isNullLiteral(filter.left) || isNullLiteral(filter.right)) {
        if (filter.operator === 'eq') return left === null && right === null;
        if (filter.operator === 'ne') return !(left === null && right === null);
        return null;
      }
      if (left === null || right === null) return null;
      const order = referenceOrder(left, right);
      return {
        eq: order === 0,
        ne: order !== 0,
        gt: order > 0,
        ge: order >= 0,
        lt: order < 0,
        le: order <= 0,
      }[filter.operator];
    }
    case 'function': {
      const [first, second] = filter.arguments.map((operand) => referenceOperand(operand, record));
      if (typeof first !== 'string' || typeof second !== 'string') return null;
      const [a, b] = [first.toLowerCase(), second.toLowerCase()];
      if (filter.name === 'substringof') return b.includes(a);
      return filter.name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
  }
}

function expectedIds(filter: ODataFilter, records: readonly EmulatorRecord[]): string[] {
  return records
    .filter((record) => reference(filter, record) === true)
    .map((record) => record.ThingId as string);
}

function seedRows(
  rows: readonly object[],
  seed: (rows: Record<string, unknown>[]) => EmulatorRecord[],
): EmulatorRecord[] {
  return seed(rows.map((row) => ({ ...row })));
}

describe('FilterEvaluator', () => {
  const store = new EntityStore(catalog, () => Date.UTC(2016, 1, 28));
  const matchIds = (filter: ODataFilter) => {
    const matches = compileFilter(filter, thing, store.resolveName);
    return store
      .rows(thing)
      .filter((row) => matches(row) === true)
      .map((row) => row.Name);
  };

  it('evaluates hand-built trees with case-insensitive strings and SQL nulls', () => {
    store.clear();
    store.create(thing, { Name: 'Acme', City: null }, 'accept');
    store.create(thing, { Name: 'bravo', City: 'Leeds' }, 'accept');
    const name = prop('Name');
    const city = prop('City');
    const text = (value: string) => lit({ kind: 'string', value });
    expect(matchIds({ kind: 'compare', operator: 'eq', left: name, right: text('ACME') })).toEqual(['Acme']);
    expect(matchIds({ kind: 'compare', operator: 'ne', left: city, right: text('York') })).toEqual(['bravo']);
    expect(matchIds({ kind: 'compare', operator: 'eq', left: city, right: NULL })).toEqual(['Acme']);
    expect(matchIds({ kind: 'compare', operator: 'ne', left: NULL, right: city })).toEqual(['bravo']);
    expect(
      matchIds({
        kind: 'not',
        operand: { kind: 'compare', operator: 'eq', left: city, right: text('leeds') },
      }),
    ).toEqual([]);
    expect(matchIds({ kind: 'function', name: 'startswith', arguments: [name, text('BR')] })).toEqual([
      'bravo',
    ]);
    expect(
      matchIds({
        kind: 'or',
        left: { kind: 'compare', operator: 'gt', left: city, right: text('a') },
        right: { kind: 'function', name: 'substringof', arguments: [text('CM'), name] },
      }),
    ).toEqual(['Acme', 'bravo']);
  });

  it('rejects filters that do not fit the entity, before reading any row', () => {
    const compile = (filter: ODataFilter) => () => compileFilter(filter, thing, store.resolveName);
    const text = lit({ kind: 'string', value: 'x' });
    expect(compile({ kind: 'compare', operator: 'eq', left: prop('Nope'), right: text })).toThrow(
      /No property 'Nope'/,
    );
    expect(compile({ kind: 'compare', operator: 'eq', left: prop('Count'), right: text })).toThrow(
      /incompatible/,
    );
    expect(compile({ kind: 'compare', operator: 'eq', left: prop('Parent'), right: text })).toThrow(
      /Parent\/Id/,
    );
    expect(compile({ kind: 'compare', operator: 'eq', left: prop('Name', 'Id'), right: text })).toThrow(
      /No property/,
    );
    expect(compile({ kind: 'compare', operator: 'eq', left: prop('Parent', 'Nope'), right: text })).toThrow(
      /No property/,
    );
    expect(compile({ kind: 'function', name: 'endswith', arguments: [prop('Count'), text] })).toThrow(
      /endswith/,
    );
  });

  it('agrees with a plain-JavaScript reference on random rows and filters (direct)', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 12 }), filterArbitrary, (rows, filter) => {
        store.clear();
        const records = seedRows(rows, (input) =>
          input.map((row) => store.toRecord(thing, store.create(thing, row, 'accept'))),
        );
        const page = listRows(new ListView(store, thing, filter, []), thing, { pageSize: 1000 });
        const actual = page.rows.map((row) => row.ThingId as string);
        expect(actual).toEqual(expectedIds(filter, records).sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('the emulator over HTTP', () => {
  let emulator: CdmsEmulator;
  beforeAll(async () => {
    emulator = await startCdmsEmulator({ entities: [THING], pageSize: 1000 });
  });
  afterAll(() => emulator.close());

  it('answers $filter like the reference on random rows and filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArbitrary, { maxLength: 10 }), filterArbitrary, async (rows, filter) => {
        emulator.reset();
        const records = seedRows(rows, (input) => emulator.seed('Thing', input as never));
        const url = `${emulator.serviceUrl}/ThingSet?$select=ThingId&$filter=${encodeURIComponent(serializeFilter(filter))}`;
        const response = await fetch(url, { headers: { Accept: 'application/json' } });
        const body = (await response.json()) as { d: { results: { ThingId: string }[] } };
        expect(response.status).toBe(200);
        expect(body.d.results.map((row) => row.ThingId)).toEqual(expectedIds(filter, records).sort());
      }),
      { numRuns: 200 },
    );
  });
});
