import type { ODataOrderBy } from '../odata/filter-tree';
import type { ReferenceNameResolver, StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import { type ComparableValue, compareNonNull, compareWithNulls } from './compare-values';
import type { EntityModel } from './entity-model';
import { FilterEvaluator } from './filter-evaluator';

/** The default member a complex attribute sorts by: a lookup by its name, the others by value. */
const DEFAULT_MEMBER: Readonly<Record<string, string>> = {
  EntityReference: 'Name',
  OptionSetValue: 'Value',
  Money: 'Value',
};

/**
 * Sorts rows by `$orderby` keys (strings case-insensitively, nulls first when ascending, as
 * SQL Server does), then by primary key so that equal keys keep one stable order across pages.
 * Without keys the order is the primary key's. Unknown attributes, and members of an attribute
 * (`PrimaryContactId/Name`, which CRM 2011 refuses), are a 400 error; a lookup itself
 * (`PrimaryContactId`) sorts by its name, an option set or money by its value.
 *
 * @example
 * ```ts
 * orderRows(rows, account, [{ attribute: 'Address1_City', direction: 'asc' }, { attribute: 'Name', direction: 'desc' }], resolveName);
 * // $orderby=Address1_City asc,Name desc
 * ```
 *
 * @internal
 */
export function orderRows(
  rows: readonly StoredRow[],
  entity: EntityModel,
  orderBy: readonly ODataOrderBy[],
  resolveName: ReferenceNameResolver,
): StoredRow[] {
  const evaluator = new FilterEvaluator(entity, resolveName);
  const keys = orderBy.map((term) => {
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
      return { read: operand.read, sign: term.direction === 'desc' ? -1 : 1 };
    } catch (error) {
      throw new CdmsEmulatorError(
        400,
        `Invalid $orderby: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  const primaryKey = entity.primaryKey;
  const decorated = rows.map((row) => ({ row, values: keys.map((key): ComparableValue => key.read(row)) }));
  decorated.sort((a, b) => {
    for (const [index, key] of keys.entries()) {
      const order = compareWithNulls(a.values[index] ?? null, b.values[index] ?? null);
      if (order !== 0) return order * key.sign;
    }
    return compareNonNull(String(a.row[primaryKey]), String(b.row[primaryKey]));
  });
  return decorated.map((entry) => entry.row);
}
