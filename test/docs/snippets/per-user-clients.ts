import { CdmsClient, NtlmAuth } from '@cdms-sync/cdms-client';
import type { Sync } from '@cdms-sync/core';

/** At most this many users hold a client, and so a session, at once; the least recent is dropped. */
const MAX_USERS = 50;
const clients = new Map<string, { client: CdmsClient; auth: NtlmAuth }>();

/** The CDMS client of one user: their own credentials, their own session (cached with the client). */
export function clientFor(user: string, password: string): CdmsClient {
  let entry = clients.get(user);
  if (entry === undefined) {
    const auth = new NtlmAuth({ username: user, password });
    entry = { client: new CdmsClient({ baseUrl: process.env.CDMS_URL!, auth }), auth };
  }
  clients.delete(user); // re-inserted last: the Map's order is the order of use
  clients.set(user, entry);
  if (clients.size > MAX_USERS) {
    const [oldest, dropped] = clients.entries().next().value!;
    clients.delete(oldest);
    dropped.auth.close(); // its session ends with it
  }
  return entry.client;
}

/** Runs `fn` as `user`: CDMS sees that user's requests, and history records them. */
export function asUser<T>(sync: Sync, user: string, password: string, fn: () => Promise<T>): Promise<T> {
  return sync.runAs({ user, comment: 'web', cdms: clientFor(user, password) }, fn);
}
