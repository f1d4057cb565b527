import {
  and,
  type CdmsEntity,
  type CdmsValue,
  endswith,
  eq,
  literal,
  ne,
  type ODataFilter,
  or,
  property,
  startswith,
  substringof,
} from '@cdms-sync/cdms-client';
import { ValidationError } from '../errors/errors';
import { describeValue } from '../query/describe-value';
import { TEXT_MATCH_LOOKUPS } from '../query/lookup-groups';
import type { LookupName } from '../query/where-node';
import type { CompositeFilter, FieldCodec } from './field-codec';

/** Options of `fields.joined`. */
export interface JoinedFieldOptions {
  /** Put between the non-empty parts, and where a value is split back. @default ' ' */
  separator?: string;
  /** The local value may be `null` (all parts empty). @default false: all parts empty decode to `''` */
  nullable?: boolean;
}

/** Options of `fields.object`. */
export interface ObjectFieldOptions {
  /** The local value may be `null`: decoded when every part is `null`, sent as every part `null`. @default true */
  nullable?: boolean;
}

/** The local value of `fields.object(parts)`: one key per part, typed by the part's codec. */
export type ObjectFieldValue<TParts extends Record<string, FieldCodec>> = {
  [K in keyof TParts]: TParts[K] extends FieldCodec<infer T> ? T : never;
};

const TEXT_LOOKUPS: readonly LookupName[] = ['exact', 'in', ...TEXT_MATCH_LOOKUPS];

/**
 * One text field kept locally, several text attributes in CDMS: `fullName` <-> `FirstName` +
 * `LastName`. Decoding joins the non-empty parts with `separator`; encoding splits at the first
 * separators (the last part takes the rest): `'Ada King Lovelace'` -> `FirstName: 'Ada'`,
 * `LastName: 'King Lovelace'`.
 *
 * Filters: `exact`/`iexact`/`in` become every way the value can be split
 * (`FirstName eq 'Ada' and LastName eq 'King Lovelace' or FirstName eq 'Ada King' and …`);
 * `contains`/`startswith`/`endswith` (and their `i` forms) of a value without the separator test
 * each part (`substringof('Ada',FirstName) or substringof('Ada',LastName)`), an over-approximation
 * the local store narrows. Other lookups, and text matches across the separator, throw
 * `NotSupportedError` before any request.
 *
 * @example
 * ```ts
 * fields = { fullName: fields.joined(['FirstName', 'LastName']) };
 * await Contact.objects.create({ fullName: 'Ada Lovelace' }); // POST ContactSet {"FirstName":"Ada","LastName":"Lovelace"}
 * await Contact.objects.filter({ fullName: 'Ada Lovelace' });
 * // GET ContactSet?$filter=FirstName eq null and LastName eq 'Ada Lovelace' or FirstName eq 'Ada' and LastName eq 'Lovelace' or …
 * ```
 */
export function joinedTextCodec(
  attributes: readonly [string, ...string[]],
  options: JoinedFieldOptions = {},
): FieldCodec<string | null> {
  const separator = options.separator ?? ' ';
  const nullable = options.nullable ?? false;
  const [first] = attributes;
  const expectText = (local: unknown): string => {
    if (typeof local === 'string') return local;
    throw new ValidationError(
      `Cannot send ${describeValue(local)} to CDMS attributes ${attributes.join(' + ')}: expected a string.`,
    );
  };
  const split = (text: string): CdmsEntity => {
    const pieces = text.split(separator);
    const body: CdmsEntity = {};
    attributes.forEach((attribute, index) => {
      const last = index === attributes.length - 1;
      const piece = last ? pieces.slice(index).join(separator) : pieces[index];
      body[attribute] = piece === undefined || piece === '' ? null : piece;
    });
    return body;
  };
  const decodeAttributes = (entity: CdmsEntity): string | null => {
    const parts = attributes.map((attribute) => entity[attribute]).filter(isNonEmptyText);
    if (parts.length === 0) return nullable ? null : '';
    return parts.join(separator);
  };
  return Object.freeze({
    kind: 'composite',
    attribute: first,
    attributes: Object.freeze([...attributes]),
    nullable,
    columnType: 'string',
    filterPath: Object.freeze([first]),
    lookups: Object.freeze([...TEXT_LOOKUPS]),
    decode: (raw: CdmsValue | undefined) => decodeAttributes({ [first]: raw ?? null }),
    encode: (local: string | null) => split(local === null ? '' : expectText(local))[first] ?? null,
    toLiteral: (local: string | null) => literal.string(expectText(local)),
    encodeAttributes: (local: string | null) =>
      local === null || local === undefined ? split('') : split(expectText(local)),
    decodeAttributes,
    compileLookup(lookup: LookupName, value: unknown): CompositeFilter | undefined {
      const equalTo = (text: string): ODataFilter =>
        or(...splits(text, separator, attributes.length).map((parts) => partsEqual(attributes, parts)));
      switch (lookup) {
        case 'exact':
        case 'iexact':
          if (value === null)
            return {
              filter: and(...attributes.map((name) => eq(property(name), literal.null()))),
              exact: false,
            };
          return { filter: equalTo(expectText(value)), exact: false };
        case 'in': {
          const values = (value as readonly unknown[]).map(expectText);
          if (values.length === 0) return undefined;
          return { filter: or(...values.map(equalTo)), exact: false };
        }
        case 'contains':
        case 'icontains':
        case 'startswith':
        case 'istartswith':
        case 'endswith':
        case 'iendswith': {
          const text = expectText(value);
          if (text.includes(separator)) return undefined;
          const test = TEXT_MATCH[lookup];
          return { filter: or(...attributes.map((name) => test(name, text))), exact: false };
        }
        default:
          return undefined;
      }
    },
  });
}

/**
 * One object field kept locally (a JSON column), one CDMS attribute per key: an `address` <->
 * `Address1_Line1`, `Address1_City`, `Address1_PostalCode`. Each part is an ordinary codec, which
 * decodes and encodes its attribute. `null` decodes when every part is `null` and is sent as every
 * part `null`.
 *
 * Filters: `exact` with an object compares every part (`Address1_City eq 'York' and …`), `isnull`
 * tests every part; other lookups throw `NotSupportedError` before any request (filter the parts
 * through a one-to-one field if you need them).
 *
 * @example
 * ```ts
 * fields = {
 *   address: fields.object({
 *     line1: fields.string('Address1_Line1', { nullable: true }),
 *     city: fields.string('Address1_City', { nullable: true }),
 *     postcode: fields.string('Address1_PostalCode', { nullable: true }),
 *   }),
 * };
 * await acme.save(); // MERGE AccountSet(guid'…') {"Address1_Line1":"1 Main St","Address1_City":"York","Address1_PostalCode":"YO1 7HH"}
 * ```
 */
export function objectCodec<TParts extends Record<string, FieldCodec>>(
  parts: TParts,
  options: ObjectFieldOptions = {},
): FieldCodec<ObjectFieldValue<TParts> | null> {
  const nullable = options.nullable ?? true;
  const entries = Object.entries(parts);
  const [firstEntry] = entries;
  if (firstEntry === undefined) throw new ValidationError('fields.object() needs at least one part.');
  const attributes = entries.map(([, codec]) => codec.attribute);
  const expectObject = (local: unknown): Record<string, unknown> => {
    if (typeof local === 'object' && local !== null && !Array.isArray(local) && !(local instanceof Date)) {
      return local as Record<string, unknown>;
    }
    throw new ValidationError(
      `Cannot send ${describeValue(local)} to CDMS attributes ${attributes.join(', ')}: expected an object with ${entries.map(([key]) => key).join(', ')}.`,
    );
  };
  const encodeAttributes = (local: ObjectFieldValue<TParts> | null): CdmsEntity => {
    const body: CdmsEntity = {};
    if (local === null || local === undefined) {
      if (!nullable)
        throw new ValidationError(`CDMS attributes ${attributes.join(', ')} are not nullable; got null.`);
      for (const [, codec] of entries) body[codec.attribute] = codec.encode(null);
      return body;
    }
    const object = expectObject(local);
    for (const [key, codec] of entries) body[codec.attribute] = codec.encode(object[key] ?? null);
    return body;
  };
  const decodeAttributes = (entity: CdmsEntity): ObjectFieldValue<TParts> | null => {
    const value: Record<string, unknown> = {};
    let allNull = true;
    for (const [key, codec] of entries) {
      const raw = entity[codec.attribute];
      if (raw !== null && raw !== undefined) allNull = false;
      value[key] = codec.decode(raw);
    }
    return allNull && nullable ? null : (value as ObjectFieldValue<TParts>);
  };
  return Object.freeze({
    kind: 'composite',
    attribute: firstEntry[1].attribute,
    attributes: Object.freeze(attributes),
    nullable,
    columnType: 'json',
    filterPath: Object.freeze([firstEntry[1].attribute]),
    lookups: Object.freeze(['exact', 'isnull'] as LookupName[]),
    decode: (raw: CdmsValue | undefined) => decodeAttributes({ [firstEntry[1].attribute]: raw ?? null }),
    encode: (local: ObjectFieldValue<TParts> | null) =>
      encodeAttributes(local)[firstEntry[1].attribute] ?? null,
    toLiteral: () => {
      throw new ValidationError(`An object field (${attributes.join(', ')}) has no single $filter literal.`);
    },
    encodeAttributes,
    decodeAttributes,
    compileLookup(lookup: LookupName, value: unknown): CompositeFilter | undefined {
      const allNull = () => and(...attributes.map((name) => eq(property(name), literal.null())));
      if (lookup === 'isnull') {
        return value === true
          ? { filter: allNull(), exact: true }
          : { filter: or(...attributes.map((name) => ne(property(name), literal.null()))), exact: true };
      }
      if (lookup !== 'exact') return undefined;
      if (value === null) return { filter: allNull(), exact: true };
      const object = expectObject(value);
      const filters = entries.map(([key, codec]) =>
        eq(property(codec.filterPath), codec.toLiteral(object[key] ?? null)),
      );
      // Text parts compare case-insensitively in CDMS: a superset the local store narrows.
      return { filter: and(...filters), exact: !entries.some(([, codec]) => codec.kind === 'string') };
    },
  });
}

const TEXT_MATCH: Record<TextMatchLookup, (attribute: string, text: string) => ODataFilter> = {
  contains: (attribute, text) => substringof(literal.string(text), property(attribute)),
  icontains: (attribute, text) => substringof(literal.string(text), property(attribute)),
  startswith: (attribute, text) => startswith(property(attribute), literal.string(text)),
  istartswith: (attribute, text) => startswith(property(attribute), literal.string(text)),
  endswith: (attribute, text) => endswith(property(attribute), literal.string(text)),
  iendswith: (attribute, text) => endswith(property(attribute), literal.string(text)),
};

type TextMatchLookup = 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith';

function isNonEmptyText(value: CdmsValue | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Every way `text` can be the join of `count` parts (empty parts are skipped when joining):
 * `'Ada Lovelace'`, 2 -> `[['Ada', 'Lovelace'], [null, 'Ada Lovelace'], ['Ada Lovelace', null]]`.
 */
function splits(text: string, separator: string, count: number): (string | null)[][] {
  if (count === 1) return [[text === '' ? null : text]];
  if (text === '') return [Array.from({ length: count }, () => null)];
  const results: (string | null)[][] = [];
  // This part empty, the rest hold all the text.
  for (const rest of splits(text, separator, count - 1)) results.push([null, ...rest]);
  // This part holds a prefix ending before a separator (or all the text), the rest the remainder.
  let index = text.indexOf(separator);
  while (index > 0) {
    const head = text.slice(0, index);
    for (const rest of splits(text.slice(index + separator.length), separator, count - 1)) {
      if (rest.some((part) => part !== null)) results.push([head, ...rest]);
    }
    index = text.indexOf(separator, index + 1);
  }
  results.push([text, ...Array.from({ length: count - 1 }, () => null)]);
  return results;
}

function partsEqual(attributes: readonly string[], parts: readonly (string | null)[]): ODataFilter {
  return and(
    ...attributes.map((name, index) => {
      const part = parts[index] ?? null;
      return eq(property(name), part === null ? literal.null() : literal.string(part));
    }),
  );
}
