import type { CdmsEntity, CdmsValue } from '../client/types';
import { InvalidLiteralError } from '../odata/odata-syntax-error';
import { cdmsDateMilliseconds, formatCdmsDate } from './cdms-date';
import { isPlainObject } from './is-plain-object';

/**
 * Conversions between CRM 2011's JSON entity form and plain values: the client decodes every
 * entity it receives and encodes every body it sends with these two functions.
 */

/** `{ "__deferred": { "uri": … } }`: a navigation property that was not expanded; it is no value. */
const isDeferred = (value: unknown): boolean => isPlainObject(value) && '__deferred' in value;

function decodeValue(value: unknown): CdmsValue {
  // This runs for every value of every row received: strings (most values) first.
  if (typeof value === 'string') {
    const milliseconds = cdmsDateMilliseconds(value);
    return milliseconds === undefined ? value : new Date(milliseconds);
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return value as CdmsValue;
  if (Array.isArray(value)) return value.map(decodeValue) as unknown as CdmsValue;
  return decodeEntity(value as Record<string, unknown>);
}

/**
 * Turns one entity as CRM sends it (the object inside `d` or `d.results[i]`) into plain values:
 * - `__metadata` is removed, also inside nested objects (lookups, option sets, money, expansions);
 * - unexpanded navigation properties (`{ __deferred: { uri } }`) are removed;
 * - `/Date(ms)/` strings become `Date`s;
 * - `EntityReference` (`{ Id, LogicalName, Name }`), `OptionSetValue` and `Money` objects are kept.
 *
 * @throws InvalidLiteralError when `raw` is not an object.
 * @example
 * ```ts
 * decodeEntity({ __metadata: { uri: '…', type: 'Microsoft.Crm.Sdk.Data.Services.Account' },
 *   Name: 'Acme', ModifiedOn: '/Date(1663715691000)/', StateCode: { __metadata: { type: '…OptionSetValue' }, Value: 0 } });
 * // { Name: 'Acme', ModifiedOn: new Date(1663715691000), StateCode: { Value: 0 } }
 * ```
 */
export function decodeEntity(raw: Record<string, unknown>): CdmsEntity {
  if (!isPlainObject(raw)) throw new InvalidLiteralError('entity', 'expected a JSON object');
  const entity: CdmsEntity = {};
  for (const name in raw) {
    if (name === '__metadata' || !Object.hasOwn(raw, name)) continue;
    const value = raw[name];
    if (typeof value === 'object' && isDeferred(value)) continue;
    setOwnKey(entity, name, decodeValue(value));
  }
  return entity;
}

function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return formatCdmsDate(value);
  if (Array.isArray(value)) return value.map(encodeValue);
  if (isPlainObject(value)) return encodeEntity(value);
  return value;
}

/**
 * Turns plain values into CRM's JSON body form: `Date`s become `/Date(ms)/`, also inside nested
 * objects; attributes whose value is `undefined` are left out (send `null` to clear one).
 *
 * @throws InvalidLiteralError for an invalid `Date`.
 * @example
 * ```ts
 * encodeEntity({ Name: 'Acme', optevia_LastVisit: new Date(1456617600000) });
 * // { Name: 'Acme', optevia_LastVisit: '/Date(1456617600000)/' }
 * ```
 */
export function encodeEntity(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    setOwnKey(body, name, encodeValue(value));
  }
  return body;
}

/**
 * Sets `name` as an ordinary own key: an attribute named `__proto__` stays a key (an assignment
 * would set the prototype). Every other name is assigned: `defineProperty` for each value of every
 * row received costs more than the rest of decoding.
 */
function setOwnKey(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}
