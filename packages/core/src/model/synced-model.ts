import type { Manager } from '../manager/manager';
import type { QuerySet } from '../manager/query-set';
import type { Migrator } from '../migrator/migrator';
import { bindingOf } from './model-binding';
import type { ModelClass } from './model-class';

/**
 * The values a model instance had when it was last loaded or saved (`save()` sends only what
 * changed), kept in a private field of `SyncedModel`: one slot per instance, much cheaper than a
 * `WeakMap` entry per loaded row. `holds` is false for an instance of another copy of this package
 * (an ESM and a CommonJS copy side by side), which the caller then keeps elsewhere. @internal
 */
export interface LoadedValuesSlot {
  holds(instance: object): boolean;
  get(instance: SyncedModel): Readonly<Record<string, unknown>> | undefined;
  set(instance: SyncedModel, values: Readonly<Record<string, unknown>>): void;
}

/** The accessors of `SyncedModel`'s loaded-values slot (filled in by the class's static block). @internal */
export const loadedValuesSlot = {} as LoadedValuesSlot;

/** Options of `save()`. */
export interface SaveOptions {
  /** Write the local store only: no CDMS request (history is still recorded). @default false */
  skipCdms?: boolean;
  /**
   * Before the MERGE, GET the record's `ModifiedOn` and fail with `ConflictError` when CDMS changed
   * since this object was read (one extra request). @default false
   */
  detectConflicts?: boolean;
}

/** Options of `delete()`. */
export interface DeleteOptions {
  /** Delete the local row only: no CDMS request (history is still recorded). @default false */
  skipCdms?: boolean;
}

/**
 * The base class of every synced model. Subclasses set `static table` and `static migrator`, and
 * declare their fields with `declare` (a plain class field would be reset to `undefined` after
 * the constructor ran). Add one line, `declare static objects: Manager<Organisation>`, to type
 * `Organisation.objects` precisely; `Organisation.manager()` is typed without it.
 *
 * Foreign keys: a mapped `fields.foreignKey('ParentCustomerId', () => Organisation)` field named
 * `organisation` is stored in the column `organisation_id` and read as `organisationId` (the
 * related row's local id); `await contact.related('organisation')` loads the related object.
 * Declaring `declare organisationId: number | null` is enough for the types to accept the relation
 * name too: `create({ organisation: acme })`, `update(…)`, `filter({ organisation: acme })`,
 * `organisation__in` and `organisation__isnull` take a saved related object (anything with its
 * `id`) or its id (see `RelationName`: every `xxxId` field of type `number` names a relation `xxx`;
 * one that is not a mapped foreign key fails at runtime with `FieldError`, before any request). To
 * have the related model's type checked, declare the relation as well:
 * `declare organisation?: Organisation | null` (a type only: the property is not loaded; use
 * `related('organisation')`, and set it to change the foreign key before `save()`).
 *
 * @example
 * ```ts
 * class Organisation extends SyncedModel {
 *   static table = 'organisation';
 *   static migrator = new OrganisationMigrator();
 *   declare static objects: Manager<Organisation>;
 *   declare name: string;
 * }
 * sync.register(Organisation);
 * const acme = await Organisation.objects.create({ name: 'Acme' }); // POST AccountSet
 *
 * class Contact extends SyncedModel {
 *   static table = 'contact';
 *   static migrator = new ContactMigrator(); // organisation: fields.foreignKey('ParentCustomerId', () => Organisation)
 *   declare static objects: Manager<Contact>;
 *   declare lastName: string;
 *   declare organisationId: number | null;
 * }
 * await Contact.objects.create({ lastName: 'Smith', organisation: acme }); // POST ContactSet {"ParentCustomerId":{"Id":"…","LogicalName":"account"},…}
 * await Contact.objects.filter({ organisation: acme }); // $filter=ParentCustomerId/Id eq guid'…'
 * ```
 */
export class SyncedModel {
  /** The local primary key (absent until the row is inserted). */
  declare id: number;
  /** The CDMS GUID (`AccountId` …); `null` for a row only ever written with `skipCdms`. */
  declare cdmsPk: string | null;
  /** CDMS `CreatedOn`, mirrored. */
  declare created: Date | null;
  /** CDMS `ModifiedOn`, mirrored: local and CDMS are in sync when they are equal. */
  declare modified: Date | null;

  /** The local table; every subclass sets it. */
  declare static table: string;
  /**
   * The CDMS mapping. A model registered without one is a plain local model: every call behaves
   * as with `skipCdms` (0 CDMS requests). That is the exit path once CDMS is retired: drop the
   * migrator, keep the table.
   */
  declare static migrator: Migrator | undefined;
  /**
   * The model's manager, `Organisation.objects` (available once registered). TypeScript cannot
   * type a static property by its subclass, so it is untyped (any field compiles) unless the
   * subclass adds one line: `declare static objects: Manager<Organisation>`. `Organisation.manager()`
   * is typed without it.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any subclass may narrow it with `declare static objects: Manager<Sub>`
  declare static objects: Manager<any>;

  /** See `LoadedValuesSlot`. */
  #loadedValues: Readonly<Record<string, unknown>> | undefined;

  static {
    loadedValuesSlot.holds = (instance) => #loadedValues in instance;
    loadedValuesSlot.get = (instance) => instance.#loadedValues;
    loadedValuesSlot.set = (instance, values) => {
      instance.#loadedValues = values;
    };
    Object.defineProperty(SyncedModel, 'objects', {
      configurable: true,
      enumerable: false,
      get(this: ModelClass) {
        return bindingOf(this).manager;
      },
    });
  }

  /**
   * The manager of this model, typed without any extra declaration.
   *
   * @example
   * ```ts
   * const uk = await Organisation.manager().filter({ ukOrganisation: true }); // Organisation[]
   * ```
   */
  static manager<M extends abstract new (...args: never[]) => SyncedModel>(
    this: M,
  ): Manager<InstanceType<M>> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the manager belongs to
    return bindingOf(this as unknown as ModelClass<InstanceType<M>>).manager;
  }

  /** Build an unsaved object; `save()` creates it. Fields must be declared with `declare`. */
  constructor(values?: Record<string, unknown>) {
    if (values) Object.assign(this, values);
  }

  /**
   * Create (no `id` yet) or update this object, CDMS first, in one local transaction.
   *
   * - New: local INSERT, then one POST `…Set` carrying a client-generated id.
   * - Existing: only the fields changed since the object was loaded (or last saved) are sent: one
   *   MERGE of the changed mapped fields + one GET of the mapped attributes (2 requests), then the
   *   local UPDATE of the changed fields with CDMS's `ModifiedOn` and values (a field changed in CDMS
   *   meanwhile is kept: last write wins per field) and a history entry.
   * - Only local-only fields changed: 0 CDMS requests; local UPDATE and a history entry.
   * - Nothing changed: nothing is sent or written.
   *
   * An object built with `new Model({ id, … })` (never loaded) sends every mapped field.
   *
   * @example
   * ```ts
   * const acme = await Organisation.objects.get({ name: 'Acme' });
   * acme.ukOrganisation = true;
   * await acme.save(); // MERGE AccountSet(guid'…') {"optevia_ukorganisation":true}, GET …?$select=AccountId,…
   * ```
   */
  async save(options: SaveOptions = {}): Promise<this> {
    const { engine, meta } = bindingOf(this.constructor as ModelClass<this>);
    await engine.saveInstance(meta, this, options);
    return this;
  }

  /**
   * Delete the local row (history `delete`) first, then the CDMS record (DELETE `…Set(guid'…')`),
   * in one transaction: a row another table still references is refused before CDMS is touched.
   */
  async delete(options: DeleteOptions = {}): Promise<void> {
    const { engine, meta } = bindingOf(this.constructor as ModelClass<this>);
    await engine.deleteInstance(meta, this, options);
  }

  /** Reload every field from the local store (no CDMS request). */
  async refreshFromDb(): Promise<this> {
    const { engine, meta } = bindingOf(this.constructor as ModelClass<this>);
    await engine.reloadInstance(meta, this);
    return this;
  }

  /**
   * The object a foreign key points at, from the local store (no CDMS request), or `null`.
   *
   * @example
   * ```ts
   * const organisation = await contact.related<Organisation>('organisation');
   * ```
   */
  async related<R extends SyncedModel = SyncedModel>(field: string): Promise<R | null> {
    const { engine, meta } = bindingOf(this.constructor as ModelClass<this>);
    return (await engine.loadRelated(meta, this, field)) as R | null;
  }

  /**
   * The objects of `Model` whose foreign key `field` points at this object: a reverse manager.
   * What it creates (`create`, `bulkCreate`, `getOrCreate`, `updateOrCreate`) is linked to this
   * object, as Django's reverse manager does.
   *
   * @example
   * ```ts
   * const contacts = await acme.relatedSet(Contact, 'organisation'); // Contact[]
   * // $filter=ParentCustomerId/Id eq guid'…'
   * await acme.relatedSet(Contact, 'organisation').create({ lastName: 'Smith' });
   * // POST ContactSet {"LastName":"Smith","ParentCustomerId":{"Id":"<acme's guid>","LogicalName":"account"},…}
   * ```
   */
  relatedSet<R extends SyncedModel>(Model: ModelClass<R>, field: string): QuerySet<R> {
    return bindingOf(Model)
      .manager.filter({ [field]: this } as never)
      .withCreateValues({ [field]: this });
  }

  /** The field values as a plain object (dates stay `Date`; JSON.stringify turns them into ISO text). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      if (typeof value !== 'function') json[key] = value;
    }
    return json;
  }
}
