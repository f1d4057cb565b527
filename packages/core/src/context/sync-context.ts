import { AsyncLocalStorage } from 'node:async_hooks';
import type { CdmsSyncClient } from '../sync/cdms-sync-client';

/**
 * Who is acting, and why, for the writes made inside `sync.runAs(context, fn)`. History entries
 * record `user` and `comment`; `cdms` replaces the Sync's CDMS client for the calls made inside
 * (so each request can reach CDMS as the acting user rather than one shared service account).
 *
 * @example
 * ```ts
 * await sync.runAs({ user: 'alice', comment: 'import', cdms: clientForAlice }, () => acme.save());
 * ```
 */
export interface SyncContext {
  /** The acting user, recorded in history. */
  readonly user?: string | null;
  /** Why the change is made, recorded in history. */
  readonly comment?: string | null;
  /** A CDMS client to use instead of the Sync's own, e.g. one logged in as `user`. */
  readonly cdms?: CdmsSyncClient;
}

/**
 * One AsyncLocalStorage per Sync: two Sync instances in one process never see each other's context.
 * @internal
 */
export class SyncContextStorage {
  readonly #storage = new AsyncLocalStorage<SyncContext>();

  /** Run `fn` with `context`; nested calls inherit the outer context's unset fields. */
  run<T>(context: SyncContext, fn: () => T): T {
    const outer = this.#storage.getStore();
    return this.#storage.run({ ...outer, ...context }, fn);
  }

  /** The context of the current async call chain (an empty one outside `runAs`). */
  current(): SyncContext {
    return this.#storage.getStore() ?? {};
  }
}
