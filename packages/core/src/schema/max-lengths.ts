import type { SchemaAttribute, SchemaEntity } from './schema-metadata';

/**
 * Maximum lengths the host knows for string attributes that `$metadata` does not publish (CRM 2011
 * often publishes none): `'Entity.Attribute'` -> characters, e.g. `{ 'Account.Name': 160 }`.
 */
export type MaxLengthOverrides = Readonly<Record<string, number>>;

/** A string attribute's maximum length, and where it came from. */
export interface KnownMaxLength {
  readonly maxLength: number;
  /** `metadata`: published in `$metadata` (`MaxLength="160"`); `override`: given by the host. */
  readonly source: 'metadata' | 'override';
}

/**
 * The maximum length of a string attribute: `$metadata`'s `MaxLength` where published, else the
 * host's override, else `undefined` (unknown: no length check, a `text` column when generating).
 *
 * @example
 * knownMaxLength(account, name, { 'Account.Name': 160 }); // { maxLength: 160, source: 'override' }
 */
export function knownMaxLength(
  entity: Pick<SchemaEntity, 'name'>,
  attribute: Pick<SchemaAttribute, 'name' | 'maxLength'>,
  overrides: MaxLengthOverrides = {},
): KnownMaxLength | undefined {
  if (attribute.maxLength !== undefined) return { maxLength: attribute.maxLength, source: 'metadata' };
  const override = overrides[`${entity.name}.${attribute.name}`];
  return override === undefined ? undefined : { maxLength: override, source: 'override' };
}

/** How a known length reads in messages: `160 (from $metadata)`. @internal */
export function describeMaxLength(known: KnownMaxLength): string {
  return `${known.maxLength} (from ${known.source === 'metadata' ? '$metadata' : "the host's maxLengths override"})`;
}
