import { describe, expectTypeOf, it } from 'vitest';
import { fields } from '../migrator/fields';
import { Migrator } from '../migrator/migrator';
import type { ReadPolicy } from '../migrator/read-policy';
import { SyncedModel } from '../model/synced-model';
import { Count, Min, Sum } from '../query/aggregation';
import type { ModelFieldName, RelationName } from '../query/filter-types';
import { Q } from '../query/q';
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

  it('fresh() takes a read policy and keeps the QuerySet type; the migrator may set one', () => {
    expectTypeOf(Organisation.objects.fresh('delta')).toEqualTypeOf<QuerySet<Organisation>>();
    expectTypeOf(Organisation.objects.filter({ name: 'x' }).fresh({ maxStalenessMs: 1000 })).toEqualTypeOf<
      QuerySet<Organisation>
    >();
    expectTypeOf(Organisation.objects.fresh('always').count()).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error not a read policy
    Organisation.objects.fresh('sometimes');
    // @ts-expect-error maxStalenessMs is a number
    Organisation.objects.fresh({ maxStalenessMs: '1s' });
    class Delta extends OrganisationMigrator {
      override readonly readPolicy: ReadPolicy = 'delta';
    }
    expectTypeOf(new Delta().readPolicy).toEqualTypeOf<ReadPolicy>();
    class Wrong extends OrganisationMigrator {
      // @ts-expect-error not a read policy
      override readonly readPolicy = 'sometimes';
    }
    expectTypeOf(Wrong).toBeConstructibleWith();
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

class Person extends SyncedModel {
  static override table = 'person';
  declare static objects: Manager<Person>;
  declare lastName: string;
  declare age: number | null;
}

describe('Q in filter / exclude / get', () => {
  it('infers the model of Q({…}) written as the argument, and checks its keys', () => {
    expectTypeOf(Organisation.objects.filter(Q({ name__icontains: 'x' }))).toEqualTypeOf<
      QuerySet<Organisation>
    >();
    Organisation.objects.exclude(Q({ ukOrganisation: true }));
    expectTypeOf(Organisation.objects.get(Q({ name: 'Acme' }))).toEqualTypeOf<Promise<Organisation>>();
    Organisation.objects.filter({ name: 'x' }).filter(Q({ created__year: 2016 }));
    Organisation.objects.filter(Q());
    // @ts-expect-error misspelt field
    Organisation.objects.filter(Q({ nmae__icontains: 'x' }));
    // @ts-expect-error misspelt field next to a right one
    Organisation.objects.filter(Q({ name: 'x', nmae: 'y' }));
    // @ts-expect-error wrong value type
    Organisation.objects.exclude(Q({ ukOrganisation: 'yes' }));
    // @ts-expect-error a boolean has no icontains
    Organisation.objects.get(Q({ ukOrganisation__icontains: 'x' }));
  });

  it('accepts chains Q(…).or(…) / .and(…) / .not(), checking every operand', () => {
    Organisation.objects.filter(Q({ name: 'x' }).or(Q({ ukOrganisation: true })));
    Organisation.objects.filter(Q({ name: 'x' }).or({ ukOrganisation: true }).not());
    Organisation.objects.filter(
      Q({ name__startswith: 'A' }).and(
        Q({ created__year: 2016 }).or({ modified__range: [new Date(), new Date()] }),
      ),
    );
    Organisation.objects.filter(Q({ name: 'x' }).or(Q<Organisation>({ ukOrganisation: true })));
    // @ts-expect-error misspelt field in the receiver of the chain
    Organisation.objects.filter(Q({ nmae: 'x' }).or(Q({ ukOrganisation: true })));
    // @ts-expect-error misspelt field in an or() operand
    Organisation.objects.filter(Q({ name: 'x' }).or(Q({ ukOrganisaton: true })));
    // @ts-expect-error misspelt field in a plain or() operand
    Organisation.objects.filter(Q({ name: 'x' }).and({ ukOrganisaton: true }));
    // @ts-expect-error wrong value type in an operand
    Organisation.objects.filter(Q({ name: 'x' }).or({ ukOrganisation: 'yes' }).not());
    // @ts-expect-error a Q of another model in the chain
    Organisation.objects.filter(Q({ name: 'x' }).or(Q<Person>({ lastName: 'y' })));
  });

  it('checks a Q built out of context where it is used', () => {
    const byName = Q({ name: 'Acme' }).or({ name__iexact: 'acme ltd' });
    Organisation.objects.filter(byName);
    Organisation.objects.filter(Q<Organisation>({ ukOrganisation: true }).and(byName));
    // @ts-expect-error Person has no name
    Person.objects.filter(byName);
    const misspelt = Q({ nmae: 'Acme' });
    // @ts-expect-error checked where it is used
    Organisation.objects.filter(misspelt);
    // @ts-expect-error checked in a typed Q's operands too
    Q<Organisation>({ ukOrganisation: true }).or(misspelt);
  });

  it('types a Q by the model given explicitly or inferred in a typed Q', () => {
    expectTypeOf(Q<Organisation>({ name: 'x' })).toEqualTypeOf<Q<Organisation>>();
    Organisation.objects.filter(Q<Organisation>({ name: 'x' }).or(Q({ ukOrganisation: true })));
    // @ts-expect-error misspelt field in an operand of a typed Q
    Q<Organisation>({ name: 'x' }).or(Q({ ukOrganisaton: true }));
    // @ts-expect-error a Q of another model
    Organisation.objects.filter(Q<Person>({ lastName: 'x' }));
    // An untyped manager accepts any Q.
    Plain.objects.filter(Q({ anything: 1 }).or({ else: 2 }));
  });
});

/** A foreign key `organisation` (stored as `organisationId`), declared only by its id field. */
class Contact extends SyncedModel {
  static override table = 'contact';
  declare static objects: Manager<Contact>;
  declare lastName: string;
  declare organisationId: number | null;
  /** Not a foreign key: not a number. */
  declare externalId: string | null;
}

/** The same foreign key with the relation declared: its type is then the declared one. */
class TypedContact extends SyncedModel {
  static override table = 'typed_contact';
  declare static objects: Manager<TypedContact>;
  declare lastName: string;
  declare organisationId: number | null;
  declare organisation?: Organisation | null;
}

declare const acme: Organisation;

describe('foreign keys by their relation name', () => {
  it('derives the relation names from the id fields', () => {
    expectTypeOf<RelationName<Contact>>().toEqualTypeOf<'organisation'>();
    expectTypeOf<RelationName<TypedContact>>().toEqualTypeOf<never>();
    expectTypeOf<ModelFieldName<Contact>>().not.toEqualTypeOf<ModelFieldName<Contact> | 'organisation'>();
  });

  it('create / update / getOrCreate take a related object or its id', () => {
    expectTypeOf(Contact.objects.create({ lastName: 'X', organisation: acme })).toEqualTypeOf<
      Promise<Contact>
    >();
    Contact.objects.create({ lastName: 'X', organisation: acme.id });
    Contact.objects.create({ lastName: 'X', organisation: null });
    Contact.objects.filter({ lastName: 'X' }).update({ organisation: acme });
    Contact.objects.getOrCreate({ lastName: 'X' }, { organisation: acme });
    Contact.objects.bulkCreate([{ lastName: 'X', organisation: acme }]);
    // @ts-expect-error misspelt relation
    Contact.objects.create({ lastName: 'X', organisaton: acme });
    // @ts-expect-error not a related object or an id
    Contact.objects.create({ lastName: 'X', organisation: 'Acme' });
    // @ts-expect-error a string id field is not a foreign key
    Contact.objects.create({ lastName: 'X', external: acme });
  });

  it('filter / exclude / get / Q take a related object, its id, and the equality lookups', () => {
    expectTypeOf(Contact.objects.filter({ organisation: acme })).toEqualTypeOf<QuerySet<Contact>>();
    Contact.objects.filter({ organisation: acme.id });
    Contact.objects.filter({ organisation__exact: acme, organisation__in: [acme, 2] });
    Contact.objects.exclude({ organisation__isnull: true });
    Contact.objects.get({ organisation: acme, lastName: 'X' });
    Contact.objects.filter(Q({ organisation: acme }).or({ organisation__isnull: true }));
    Contact.objects.filter({ organisationId: acme.id });
    // @ts-expect-error misspelt relation
    Contact.objects.filter({ organisaton: acme });
    // @ts-expect-error not a related object or an id
    Contact.objects.filter({ organisation: 'Acme' });
    // @ts-expect-error no text lookups on a relation
    Contact.objects.filter({ organisation__icontains: 'Acme' });
    // @ts-expect-error `in` takes an array
    Contact.objects.filter({ organisation__in: acme });
    // @ts-expect-error misspelt relation in a Q
    Contact.objects.filter(Q({ organisaton: acme }));
  });

  it('a declared relation keeps its declared type', () => {
    TypedContact.objects.create({ lastName: 'X', organisation: acme });
    TypedContact.objects.filter({ organisation: acme, organisation__isnull: false });
    // @ts-expect-error the declared type is an Organisation
    TypedContact.objects.filter({ organisation: { id: 1, name: 1 } });
  });

  it('only / defer / prefetchRelated / selectRelated take fields and foreign keys', () => {
    expectTypeOf(Contact.objects.only('lastName', 'organisation')).toEqualTypeOf<QuerySet<Contact>>();
    expectTypeOf(TypedContact.objects.defer('organisationId')).toEqualTypeOf<QuerySet<TypedContact>>();
    expectTypeOf(TypedContact.objects.prefetchRelated('organisation')).toEqualTypeOf<
      QuerySet<TypedContact>
    >();
    Contact.objects.selectRelated('organisation');
    // @ts-expect-error not a foreign key
    Contact.objects.prefetchRelated('lastName');
    // @ts-expect-error misspelt field
    Organisation.objects.only('nmae');
    expectTypeOf(Organisation.objects.skipCdms().raw('SELECT 1', [])).toEqualTypeOf<
      Promise<Organisation[]>
    >();
  });
});
