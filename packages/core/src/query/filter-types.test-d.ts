import { describe, expectTypeOf, it } from 'vitest';
import type {
  CreateValues,
  FilterConditions,
  LookupsFor,
  ModelFieldName,
  OrderByField,
} from './filter-types';
import { Q } from './q';

class Sample {
  id = 0;
  name = '';
  nickname: string | null = null;
  count = 0;
  active = true;
  born = new Date();
  parent: Sample | null = null;
  _cache = new Map<string, unknown>();
  save(): Promise<void> {
    return Promise.resolve();
  }
}

const filter = (conditions: FilterConditions<Sample>) => conditions;
const order = (field: OrderByField<Sample>) => field;

describe('ModelFieldName', () => {
  it('lists data properties only', () => {
    expectTypeOf<ModelFieldName<Sample>>().toEqualTypeOf<
      'id' | 'name' | 'nickname' | 'count' | 'active' | 'born' | 'parent'
    >();
  });
});

describe('FilterConditions', () => {
  it('accepts fields and lookups with values of the right type', () => {
    filter({ name: 'x' });
    filter({ nickname: null });
    filter({ name__icontains: 'x', name__in: ['a', 'b'], name__isnull: false });
    filter({ count__gt: 1, count__range: [1, 5], count__in: [1, 2] });
    filter({ active: true, active__in: [true] });
    filter({
      born__year: 2016,
      born__month: 2,
      born__gte: new Date(),
      born__range: [new Date(), new Date()],
    });
    filter({ parent: new Sample(), parent__isnull: true, parent__in: [new Sample()] });
    expectTypeOf<FilterConditions<Sample>['count__in']>().toEqualTypeOf<readonly number[] | undefined>();
    expectTypeOf<FilterConditions<Sample>['born__year']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FilterConditions<Sample>['nickname__icontains']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<FilterConditions<Sample>['active__isnull']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<LookupsFor<boolean>>().toEqualTypeOf<'exact' | 'in' | 'isnull'>();
  });

  it('rejects misspelt fields, unknown lookups and wrong value types', () => {
    // @ts-expect-error misspelt field with a lookup
    filter({ nmae__icontains: 'x' });
    // @ts-expect-error misspelt field
    filter({ nmae: 'x' });
    // @ts-expect-error unknown lookup
    filter({ name__like: 'x' });
    // @ts-expect-error a text lookup on a number
    filter({ count__icontains: '1' });
    // @ts-expect-error a date part on a string
    filter({ name__year: 2016 });
    // @ts-expect-error `in` needs an array
    filter({ count__in: 1 });
    // @ts-expect-error `range` needs a pair
    filter({ count__range: [1, 2, 3] });
    // @ts-expect-error `isnull` takes a boolean
    filter({ nickname__isnull: 'yes' });
    // @ts-expect-error a year is a number
    filter({ born__year: '2016' });
    // @ts-expect-error wrong value type
    filter({ count: 'many' });
    // @ts-expect-error methods are not fields
    filter({ save: null });
    // @ts-expect-error `_` keys are not fields
    filter({ _cache: null });
  });

  it('is permissive when the model is not known', () => {
    expectTypeOf<FilterConditions<unknown>>().toEqualTypeOf<Readonly<Record<string, unknown>>>();
    Q({ anything__goes: 1 });
  });

  it('types Q by the model', () => {
    Q<Sample>({ name__icontains: 'x' }).or({ count__gt: 1 }).not();
    // @ts-expect-error misspelt field in a Q
    Q<Sample>({ nmae: 'x' });
    // @ts-expect-error misspelt field in Q.and
    Q<Sample>({ name: 'x' }).and({ cuont: 1 });
  });
});

describe('OrderByField', () => {
  it('accepts fields and -fields only', () => {
    order('name');
    order('-born');
    // @ts-expect-error misspelt descending field
    order('-nmae');
    // @ts-expect-error misspelt field
    order('nmae');
    // @ts-expect-error methods cannot be ordered by
    order('save');
  });
});

describe('CreateValues', () => {
  it('is a partial of the data fields', () => {
    const values: CreateValues<Sample> = { name: 'x', count: 1 };
    expectTypeOf(values).toEqualTypeOf<CreateValues<Sample>>();
    // @ts-expect-error misspelt field
    const wrong: CreateValues<Sample> = { nmae: 'x' };
    // @ts-expect-error methods are not values
    const method: CreateValues<Sample> = { save: () => Promise.resolve() };
    expectTypeOf(wrong).not.toBeAny();
    expectTypeOf(method).not.toBeAny();
  });
});
