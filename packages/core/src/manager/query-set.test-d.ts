import { describe, expectTypeOf, it } from 'vitest';
import { fields } from '../migrator/fields';
import { Migrator } from '../migrator/migrator';
import { SyncedModel } from '../model/synced-model';
import { Count, Min, Sum } from '../query/aggregation';
import type { Manager } from './manager';
import type { QuerySet } from './query-set';

class OrganisationMigrator extends Migrator {
  service = 'Account';
  fields = { name: fields.string('Name'), ukOrganisation: fields.boolean('optevia_ukorganisation') };
}

class Organisation extends SyncedModel {
  static override table = 'organisation';
  static override migrator: Migrator = new OrganisationMigrator();
  declare static objects: Manager<Organisation>;
  declare name: string;
  declare ukOrganisation: boolean;
}

/** Without the `declare static objects` line: `manager()` is still precisely typed. */
class Plain extends SyncedModel {
  static override table = 'plain';
  declare title: string;
}

describe('Manager / QuerySet types', () => {
  it('objects and manager() are typed to the subclass', () => {
    expectTypeOf(Organisation.objects).toEqualTypeOf<Manager<Organisation>>();
    expectTypeOf(Plain.manager()).toEqualTypeOf<Manager<Plain>>();
    // biome-ignore lint/suspicious/noExplicitAny: without the declare line the manager is untyped
    expectTypeOf(Plain.objects).toEqualTypeOf<Manager<any>>();
  });

  it('filter / exclude accept known fields and lookups only', () => {
    expectTypeOf(Organisation.objects.filter({ name__icontains: 'acm' })).toEqualTypeOf<
      QuerySet<Organisation>
    >();
    // @ts-expect-error misspelled field
    Organisation.objects.filter({ nmae: 'x' });
    // @ts-expect-error wrong value type
    Organisation.objects.filter({ ukOrganisation: 'yes' });
    // @ts-expect-error a boolean has no icontains
    Organisation.objects.exclude({ ukOrganisation__icontains: 'x' });
    Plain.manager().filter({ title__startswith: 'A' });
  });

  it('orderBy takes fields and -fields', () => {
    Organisation.objects.orderBy('name', '-modified');
    // @ts-expect-error unknown field
    Organisation.objects.orderBy('-nmae');
  });

  it('create / get resolve the model', () => {
    expectTypeOf(Organisation.objects.create({ name: 'Acme' })).toEqualTypeOf<Promise<Organisation>>();
    // @ts-expect-error unknown field
    Organisation.objects.create({ nmae: 'Acme' });
    expectTypeOf(Organisation.objects.get({ id: 1 })).toEqualTypeOf<Promise<Organisation>>();
    expectTypeOf(Organisation.objects.filter({ name: 'x' })).resolves.toEqualTypeOf<Organisation[]>();
  });

  it('values / valuesList pick the named fields', () => {
    expectTypeOf(Organisation.objects.values('id', 'name')).toEqualTypeOf<
      Promise<Pick<Organisation, 'id' | 'name'>[]>
    >();
    expectTypeOf(Organisation.objects.valuesList('name', { flat: true })).toEqualTypeOf<Promise<string[]>>();
    // @ts-expect-error unknown field
    Organisation.objects.values('nmae');
  });

  it('aggregate / inBulk / latest are typed by the model', () => {
    expectTypeOf(
      Organisation.objects.aggregate({ total: Count('id'), first: Min('name'), sum: Sum('id') }),
    ).resolves.toEqualTypeOf<{ total: number; first: string | null; sum: number | null }>();
    // @ts-expect-error unknown field
    Organisation.objects.aggregate({ total: Count('nmae') });
    expectTypeOf(Organisation.objects.inBulk([1, 2])).resolves.toEqualTypeOf<Map<number, Organisation>>();
    expectTypeOf(Organisation.objects.inBulk(['Acme'], { fieldName: 'name' })).resolves.toEqualTypeOf<
      Map<string, Organisation>
    >();
    expectTypeOf(Organisation.objects.latest('name')).resolves.toEqualTypeOf<Organisation>();
  });
});
