import type { ODataFilter, ODataOrderBy } from '../odata/filter-tree';
import type { StoredRow } from './attribute-values';
import type { ComparableValue } from './compare-values';
import type { EntityModel } from './entity-model';
import type { EntityStore } from './entity-store';
import { compileFilter, type RowPredicate } from './filter-evaluator';
import { compileOrder, type RowOrder } from './order-rows';

/** One row of a view with its sort values (as they were when it was placed). @internal */
export interface ViewEntry {
  readonly row: StoredRow;
  readonly values: readonly ComparableValue[];
}

/** Whether a filter or order reads a lookup's `Name`, which comes from another record. */
function readsReferenceNames(
  entity: EntityModel,
  filter: ODataFilter | undefined,
  orderBy: readonly ODataOrderBy[],
): boolean {
  const isReference = (name: string | undefined) =>
    name !== undefined && entity.attributes.get(name)?.type === 'EntityReference';
  const visit = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null) return false;
    const candidate = node as { kind?: string; path?: readonly string[] };
    if (candidate.kind === 'property' && candidate.path !== undefined) {
      return isReference(candidate.path[0]) && (candidate.path[1] ?? 'Name') === 'Name';
    }
    return Object.values(node).some(visit);
  };
  return (
    visit(filter) ||
    orderBy.some((term) => {
      const [name, member = 'Name'] = term.attribute.split('/');
      return isReference(name) && member === 'Name';
    })
  );
}

/**
 * The rows of one entity that match one `$filter`, kept sorted by one `$orderby` (primary key
 * last), and kept up to date from the store's change journal: after a few writes only those rows
 * move (binary search + splice) instead of filtering and sorting every row again. A view whose
 * filter or order reads lookup names (which other records' writes change) rebuilds after any write.
 *
 * @example
 * ```ts
 * const view = new ListView(store, account, parseFilter("StateCode/Value eq 0"), [{ attribute: 'CreatedOn', direction: 'asc' }]);
 * view.entries(); // rows in CreatedOn, AccountId order
 * ```
 *
 * @internal
 */
export class ListView {
  readonly order: RowOrder;
  readonly #store: EntityStore;
  readonly #entity: EntityModel;
  readonly #matches: RowPredicate | undefined;
  readonly #readsNames: boolean;
  /** The same order without the filter: a rebuild filters its (sorted) entries instead of sorting. */
  readonly #unfiltered: ListView | undefined;
  #entries: ViewEntry[] = [];
  readonly #byId = new Map<string, ViewEntry>();
  /** The journal sequence the entries reflect; -1 before the first build. */
  #sequence = -1;

  constructor(
    store: EntityStore,
    entity: EntityModel,
    filter: ODataFilter | undefined,
    orderBy: readonly ODataOrderBy[],
    unfiltered?: ListView,
  ) {
    this.#store = store;
    this.#unfiltered = unfiltered;
    this.#entity = entity;
    // Compiled up front: an unknown attribute is a 400 before any row is read.
    this.#matches = filter === undefined ? undefined : compileFilter(filter, entity, store.resolveName);
    this.order = compileOrder(entity, orderBy, store.resolveName);
    this.#readsNames = readsReferenceNames(entity, filter, orderBy);
  }

  /** The matching rows in order, up to date with every write so far (do not modify). */
  entries(): readonly ViewEntry[] {
    const journal = this.#store.journal;
    if (this.#sequence !== journal.sequence) {
      // Past a few thousand changes (a bulk seed) sorting again is cheaper than moving rows one by one.
      const changes =
        this.#sequence < 0 || this.#readsNames
          ? undefined
          : journal.since(this.#sequence, Math.max(1000, this.#entries.length / 8));
      if (changes === undefined) this.#rebuild();
      else this.#apply(changes);
      this.#sequence = journal.sequence;
    }
    return this.#entries;
  }

  /** The index of the first entry whose values are greater than `values` (or equal, with `inclusive`). */
  seek(values: readonly ComparableValue[], inclusive = false): number {
    const entries = this.#entries;
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = this.order.compare(entries[middle]!.values, values);
      if (order < 0 || (order === 0 && !inclusive)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #accepts(row: StoredRow): boolean {
    return this.#matches === undefined || this.#matches(row) === true;
  }

  #rebuild(): void {
    this.#byId.clear();
    const primaryKey = this.#entity.primaryKey;
    if (this.#unfiltered !== undefined) {
      // Entries never change once made, so two views may share them.
      this.#entries = this.#unfiltered.entries().filter((entry) => this.#accepts(entry.row));
      for (const entry of this.#entries) this.#byId.set(String(entry.row[primaryKey]), entry);
      return;
    }
    const entries: ViewEntry[] = [];
    for (const row of this.#store.rows(this.#entity)) {
      if (!this.#accepts(row)) continue;
      const entry = { row, values: this.order.valuesOf(row) };
      entries.push(entry);
      this.#byId.set(String(row[primaryKey]), entry);
    }
    entries.sort((a, b) => this.order.compare(a.values, b.values));
    this.#entries = entries;
  }

  #apply(changes: readonly { entity: EntityModel; id: string }[]): void {
    const ids = new Set<string>();
    for (const change of changes) if (change.entity === this.#entity) ids.add(change.id);
    for (const id of ids) {
      const previous = this.#byId.get(id);
      if (previous !== undefined) {
        this.#entries.splice(this.seek(previous.values, true), 1);
        this.#byId.delete(id);
      }
      const row = this.#store.find(this.#entity, id);
      if (row === undefined || !this.#accepts(row)) continue;
      const entry = { row, values: this.order.valuesOf(row) };
      this.#entries.splice(this.seek(entry.values), 0, entry);
      this.#byId.set(id, entry);
    }
  }
}

/** Views kept at most; the least recently used goes first. */
const MAX_VIEWS = 32;

/**
 * The list views of one emulator, one per entity + `$filter` + `$orderby`, so that the pages of
 * one `__next` chain (and of chains running side by side) reuse one sorted snapshot.
 *
 * @internal
 */
export class ListViews {
  readonly #store: EntityStore;
  readonly #views = new Map<string, ListView>();

  constructor(store: EntityStore) {
    this.#store = store;
  }

  /** The view of a query, built on first use. */
  get(entity: EntityModel, filter: ODataFilter | undefined, orderBy: readonly ODataOrderBy[]): ListView {
    const key = JSON.stringify([entity.setName, filter ?? null, orderBy]);
    let view = this.#views.get(key);
    if (view === undefined) {
      // A view that reads lookup names rebuilds on every write: it sorts itself.
      const unfiltered =
        filter === undefined || readsReferenceNames(entity, undefined, orderBy)
          ? undefined
          : this.get(entity, undefined, orderBy);
      view = new ListView(this.#store, entity, filter, orderBy, unfiltered);
    } else {
      this.#views.delete(key);
    }
    this.#views.set(key, view);
    if (this.#views.size > MAX_VIEWS) {
      const oldest = this.#views.keys().next().value as string;
      this.#views.delete(oldest);
    }
    return view;
  }

  clear(): void {
    this.#views.clear();
  }
}
