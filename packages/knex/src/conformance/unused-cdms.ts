import type { CdmsSyncClient } from '@cdms-sync/core';

/**
 * A CDMS client that must never be called: the suites using it run `skipCdms()` or otherwise
 * local-only calls. Each call is recorded in `calls` (for assertions) and then throws.
 */
export function unusedCdms(calls: string[]): CdmsSyncClient {
  const refuse = (method: string) => () => {
    calls.push(method);
    throw new Error(`CDMS ${method} must not be called`);
  };
  return {
    pages: refuse('pages') as CdmsSyncClient['pages'],
    get: refuse('get'),
    create: refuse('create'),
    update: refuse('update'),
    delete: refuse('delete'),
  };
}
