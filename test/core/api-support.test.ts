/**
 * docs/api-support.md is generated from API_SUPPORT; this test fails when either drifts.
 * Regenerate with: UPDATE_API_SUPPORT_DOC=1 npx vitest run test/core/api-support.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { API_SUPPORT, Manager, QuerySet, renderApiSupportTable, SyncedModel } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';

const DOC = new URL('../../docs/api-support.md', import.meta.url);

describe('docs/api-support.md', () => {
  it('matches the table generated from API_SUPPORT', () => {
    const expected = renderApiSupportTable();
    if (process.env.UPDATE_API_SUPPORT_DOC) writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8')).toBe(expected);
  });

  it.each(API_SUPPORT.filter((row) => row.sync || row.skipCdms))(
    '✔ row "$call" names an existing method',
    (row) => {
      const prototypes =
        row.on === 'instance'
          ? [SyncedModel.prototype]
          : row.on === 'manager'
            ? [Manager.prototype]
            : [QuerySet.prototype, Manager.prototype];
      for (const prototype of prototypes) {
        // `then` is the awaitable QuerySet; a Manager is deliberately not awaitable.
        if (prototype === Manager.prototype && row.method === 'then') continue;
        expect(typeof (prototype as unknown as Record<string, unknown>)[row.method], `${row.method}`).toBe(
          'function',
        );
      }
    },
  );

  it('✘ rows really are absent', () => {
    const absent = API_SUPPORT.filter(
      (entry) => !entry.sync && !entry.skipCdms && entry.method === 'annotate',
    );
    // Without this the loop below would pass vacuously once the row is renamed or dropped.
    expect(absent).toHaveLength(1);
    for (const row of absent) {
      expect((QuerySet.prototype as unknown as Record<string, unknown>)[row.method]).toBeUndefined();
    }
  });
});
