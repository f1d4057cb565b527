import type { ODataOrderBy } from '../odata/filter-tree';
import type { ReferenceNameResolver, StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import { type ComparableValue, compareNonNull, compareWithNulls } from './compare-values';
import type { EntityModel } from './entity-model';
import { FilterEvaluator, type ScalarKind } from './filter-evaluator';

/** The default member a complex attribute sorts by: a lookup by its name, the others by value. */
const DEFAULT_MEMBER: Readonly<Record<string, string>> = {
  EntityReference: 'Name',
  OptionSetValue: 'Value',
  Money: 'Value',
};

/** One compiled `$orderby` key. @internal */
export interface OrderKey {
  /** The attribute path as given (`Name`, `PrimaryContactId`). */
  readonly attribute: string;
  /** The kind of value `read` returns (`datetime` values are epoch milliseconds). */
  readonly kind: ScalarKind;
  readonly sign: 1 | -1;
  read(row: StoredRow): ComparableValue;
}

/**
 * A compiled order: the `$orderby` keys then the primary key, which makes every position unique
 * (what a CRM paging cookie continues after). @internal
 */
export interface RowOrder {
  readonly keys: readonly OrderKey[];
  /** The sort values of a row: one per key, then the primary key. */
  valuesOf(row: StoredRow): ComparableValue[];
  /** Compares two `valuesOf` results. */
  compare(a: readonly ComparableValue[], b: readonly ComparableValue[]): number;
}

/**
 * Compiles `$orderby` keys for an entity (what list views sort by; see `ListView`) (strings case-insensitively, nulls first when ascending,
 * as SQL Server does), with the primary key as the last tie-breaker. Unknown attributes, and
 * members of an attribute (`PrimaryContactId/Name`, which CRM 2011 refuses), are a 400 error; a
 * lookup itself (`PrimaryContactId`) sorts by its name, an option set or money by its value.
 *
 * @example
 * ```ts
 * const order = compileOrder(account, [{ attribute: 'Name', direction: 'desc' }], resolveName);
 * order.compare(order.valuesOf(a), order.valuesOf(b)); // $orderby=Name desc, then AccountId
 * ```
 *
 * @internal
 */
export function compileOrder(
  entity: EntityModel,
  orderBy: readonly ODataOrderBy[],
  resolveName: ReferenceNameResolver,
): RowOrder {
  const evaluator = new FilterEvaluator(entity, resolveName);
  const keys = orderBy.map((term): OrderKey => {
    const path = term.attribute.split('/');
    if (path.length > 1) {
      // CRM 2011 orders a lookup or option set by the attribute itself (`PrimaryContactId`), never
      // by one of its members (`PrimaryContactId/Name`), nor by a related entity's attribute.
      throw new CdmsEmulatorError(
        400,
        `Invalid $orderby: '${term.attribute}' orders by a member of an attribute; order by '${path[0]}' itself.`,
      );
    }
    const attribute = entity.attributes.get(path[0] ?? '');
    const member = attribute === undefined ? undefined : DEFAULT_MEMBER[attribute.type];
    if (path.length === 1 && member !== undefined) path.push(member);
    try {
      const operand = evaluator.visitProperty({ kind: 'property', path });
      return {
        attribute: term.attribute,
        kind: operand.kind,
        read: operand.read,
        sign: term.direction === 'desc' ? -1 : 1,
      };
    } catch (error) {
      throw new CdmsEmulatorError(
        400,
        `Invalid $orderby: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  const primaryKey = entity.primaryKey;
  return {
    keys,
    valuesOf: (row) => {
      const values = keys.map((key): ComparableValue => key.read(row));
      values.push(String(row[primaryKey]));
      return values;
    },
    compare: (a, b) => {
      for (const [index, key] of keys.entries()) {
        const order = compareWithNulls(a[index] ?? null, b[index] ?? null);
        if (order !== 0) return order * key.sign;
      }
      return compareNonNull(String(a[keys.length]), String(b[keys.length]));
    },
  };
}
