import type { CdmsEntityReference, CdmsValueWrapper } from '../client/types';
import { literal } from '../odata/literal';
import { InvalidLiteralError } from '../odata/odata-syntax-error';
import { isPlainObject } from './is-plain-object';

/**
 * Builders and readers of CRM 2011's complex attribute values: lookups (`EntityReference`),
 * option sets (`OptionSetValue`) and money (`Money`). Readers accept every empty form CRM sends.
 */

/**
 * A lookup value to send: `{ Id, LogicalName }`. `LogicalName` is needed when the lookup can
 * point at several entity kinds (e.g. `ParentCustomerId`: account or contact).
 *
 * @throws InvalidLiteralError for an id that is not a GUID.
 * @example
 * ```ts
 * entityReference('7A4814F9-B0B8-EA11-A812-000D3A122B89', 'account');
 * // { Id: '7a4814f9-b0b8-ea11-a812-000d3a122b89', LogicalName: 'account' }
 * ```
 */
export function entityReference(id: string, logicalName?: string): CdmsEntityReference {
  const guid = literal.guid(id);
  const normalised = guid.kind === 'guid' ? guid.value : id;
  return logicalName === undefined ? { Id: normalised } : { Id: normalised, LogicalName: logicalName };
}

/**
 * An option set value to send: `{ Value: 7 }`.
 *
 * @throws InvalidLiteralError when `value` is not an integer.
 */
export function optionSetValue(value: number): CdmsValueWrapper<number> {
  if (!Number.isSafeInteger(value))
    throw new InvalidLiteralError('option set', `${String(value)} is not an integer`);
  return { Value: value };
}

/**
 * A money value to send: `{ Value: '12.50' }` (decimal text, so no precision is lost).
 *
 * @throws InvalidLiteralError when `value` is not decimal text (or a plain finite number).
 */
export function money(value: string | number): CdmsValueWrapper<string> {
  const decimal = literal.decimal(value);
  return { Value: decimal.kind === 'decimal' ? decimal.value : String(value) };
}

/**
 * The id of a lookup value, lower-cased, or `null` for an empty one (`null`, `undefined`,
 * `{ Id: null, … }`). A bare GUID string is accepted too.
 *
 * @throws InvalidLiteralError for any other shape, or an id that is not a GUID.
 * @example
 * ```ts
 * readEntityReferenceId({ Id: '7A4814F9-B0B8-EA11-A812-000D3A122B89', LogicalName: 'account' }); // '7a4814f9-…'
 * readEntityReferenceId({ Id: null, LogicalName: null, Name: null }); // null
 * ```
 */
export function readEntityReferenceId(value: unknown): string | null {
  const id = isPlainObject(value) ? value.Id : value;
  if (id === null || id === undefined || id === '') return null;
  if (typeof id !== 'string')
    throw new InvalidLiteralError('entity reference', 'expected { Id: "<guid>" } or null');
  return entityReference(id).Id;
}

/**
 * The number of an option set value, or `null` for an empty one (`null`, `{ Value: null }`).
 * A bare number is accepted too.
 *
 * @throws InvalidLiteralError for any other shape.
 */
export function readOptionSetValue(value: unknown): number | null {
  const inner = isPlainObject(value) ? value.Value : value;
  if (inner === null || inner === undefined) return null;
  if (typeof inner !== 'number' || !Number.isSafeInteger(inner)) {
    throw new InvalidLiteralError('option set', 'expected { Value: <integer> } or null');
  }
  return inner;
}

/**
 * The decimal text of a money value, or `null` for an empty one (`null`, `{ Value: null }`,
 * `{ Value: '' }`). Numbers are accepted and turned into text.
 *
 * @throws InvalidLiteralError for any other shape.
 * @example
 * ```ts
 * readMoney({ Value: '12.50' }); // '12.50'
 * readMoney({ Value: null });    // null
 * ```
 */
export function readMoney(value: unknown): string | null {
  const inner = isPlainObject(value) ? value.Value : value;
  if (inner === null || inner === undefined || inner === '') return null;
  if (typeof inner !== 'string' && typeof inner !== 'number') {
    throw new InvalidLiteralError('money', 'expected { Value: "<decimal>" } or null');
  }
  return money(inner).Value;
}
