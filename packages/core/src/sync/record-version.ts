import type { CdmsEntity } from '@cdms-sync/cdms-client';
import { VERSION_ATTRIBUTE, VERSION_FIELD } from '../model/model-meta';
import type { Row } from '../store/local-store';

/** A date value (`Date`, ISO text or epoch ms) as epoch ms; `NaN` for anything else. @internal */
export function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
  return Number.NaN;
}

/** A date value as ISO text for messages (the value as text when it is not a date). @internal */
export function isoOf(value: unknown): string {
  const time = toTime(value);
  return Number.isNaN(time) ? String(value) : new Date(time).toISOString();
}

/** A date attribute of a CDMS response (the client decodes `/Date(ms)/` to `Date`). @internal */
export function timestampOf(entity: CdmsEntity, attribute: string): Date {
  const value = entity[attribute];
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  return new Date();
}

/**
 * CDMS `VersionNumber` of an entity, as decimal text (CRM sends the Int64 as text; text also keeps
 * history snapshots JSON-safe), when it has one.
 * @internal
 */
export function versionOf(entity: Readonly<Record<string, unknown>>): string | undefined {
  return toVersion(entity[VERSION_ATTRIBUTE])?.toString();
}

/** A `VersionNumber` (bigint, decimal text or safe integer) as a bigint, when it is one. @internal */
export function toVersion(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (
    (typeof value === 'string' && /^\d+$/.test(value)) ||
    (typeof value === 'number' && Number.isSafeInteger(value))
  ) {
    return BigInt(value);
  }
  return undefined;
}

/**
 * True when the entity's `VersionNumber` is greater than the row's `cdmsVersion` (or the row has none).
 * @internal
 */
export function isNewerVersion(entity: Readonly<Record<string, unknown>>, row: Readonly<Row>): boolean {
  const remote = toVersion(entity[VERSION_ATTRIBUTE]);
  if (remote === undefined) return false;
  const local = toVersion(row[VERSION_FIELD]);
  return local === undefined || remote > local;
}
