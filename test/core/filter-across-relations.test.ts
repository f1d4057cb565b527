import { FieldError, Q } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from './support/sync-fixture';

const f = useSyncFixture();

/** Two organisations, four contacts (one without an organisation), written straight to the store. */
async function seed(): Promise<void> {
  const [acme, other] = (await f
    .knex('organisation')
    .insert([{ name: 'Acme Ltd' }, { name: 'Other' }])
    .returning('id')) as Array<{ id: number }>;
  await f.knex('contact').insert([
    { last_name: 'Smith', organisation_id: acme?.id },
    { last_name: 'Jones', organisation_id: acme?.id },
    { last_name: 'Green', organisation_id: other?.id },
    { last_name: 'Solo', organisation_id: null },
  ]);
}

const names = (contacts: ReadonlyArray<{ lastName: string }>) => contacts.map((c) => c.lastName).sort();

describe('filter across a relation (organisation__name)', () => {
  it('skipCdms: the local store answers, with 0 CDMS requests', async () => {
    await seed();
    const local = f.Contact.objects.skipCdms();
    expect(names(await local.filter({ organisation__name__icontains: 'acme' } as never))).toEqual([
      'Jones',
      'Smith',
    ]);
    expect(
      names(await local.filter(Q({ organisation__name: 'Other' }).or({ lastName: 'Solo' }) as never)),
    ).toEqual(['Green', 'Solo']);
    // exclude keeps the contact without an organisation.
    expect(names(await local.exclude({ organisation__name__icontains: 'acme' } as never))).toEqual([
      'Green',
      'Solo',
    ]);
    expect(await local.filter({ organisation__name__startswith: 'Acme' } as never).count()).toBe(2);
    expect(await local.filter({ organisation__name: 'Other' } as never).update({ lastName: 'Grey' })).toBe(1);
    expect(names(await local.filter({ lastName: 'Grey' }))).toEqual(['Grey']);
    expect(f.requests).toEqual([]);
  });

  it('an unknown related field is a FieldError naming the related fields, before any request', async () => {
    const error = await Promise.resolve(
      f.Contact.objects.skipCdms().filter({ organisation__nmae: 'x' } as never),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FieldError);
    expect((error as Error).message).toContain("Cannot resolve field 'nmae' on Organisation");
    expect(f.requests).toEqual([]);
  });

  it('CDMS mode (always): the related records are filtered in CDMS first, then a Lookup/Id chain', async () => {
    await seed();
    f.cdms
      .get(/AccountSet/)
      .query(true)
      .reply(200, { d: { results: [] } });
    // No organisation matches in CDMS: the contacts' request is never sent.
    expect(await f.Contact.objects.filter({ organisation__name__icontains: 'acme' } as never)).toEqual([]);
    expect(f.requests.map((request) => request.url)).toEqual([
      expect.stringContaining("AccountSet?$filter=substringof('acme',Name)"),
    ]);
  });
});
