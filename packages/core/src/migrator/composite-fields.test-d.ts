import { describe, expectTypeOf, it } from 'vitest';
import type { FieldCodec } from './field-codec';
import { fields } from './fields';

describe('composite codec types', () => {
  it('fields.object: the local value has one key per part, typed by the part', () => {
    const address = fields.object({
      line1: fields.string('Address1_Line1', { nullable: true }),
      employees: fields.integer('NumberOfEmployees'),
      since: fields.datetime('CreatedOn'),
    });
    expectTypeOf(address).toEqualTypeOf<
      FieldCodec<{ line1: string | null; employees: number | null; since: Date | null } | null>
    >();
  });

  it('fields.joined: a text field over at least one attribute', () => {
    expectTypeOf(fields.joined(['FirstName', 'LastName'])).toEqualTypeOf<FieldCodec<string | null>>();
    // @ts-expect-error at least one attribute
    fields.joined([]);
  });
});
