/**
 * Fault injection on every write (create, save, delete) for every fault the emulator offers.
 *
 * Without retries the write fails with a typed error and the local transaction rolls back. Then
 * either both stores agree (CDMS never applied the write), or CDMS applied it (`applyThenFail`, or
 * an answer that came after the client gave up) and the next read repairs the difference, as
 * docs/sync-semantics.md and the sync engine document:
 * - create: CDMS has the record, local has nothing -> the next `filter` imports it;
 * - save: CDMS has the new values and a newer ModifiedOn -> the next `get` refreshes (cdms-refresh);
 * - delete: CDMS record gone, local row kept -> the next `get` raises DoesNotExistError (cause
 *   CDMS_NOT_FOUND, local row kept), and deleting again succeeds (a CDMS 404 counts as deleted).
 *
 * With retries (faults hit the first attempt only) every write succeeds, with exactly one CDMS
 * record per create (the POST carries its own AccountId, so a retry cannot duplicate it).
 */
import type { EmulatorFault } from '@cdms-sync/cdms-client/emulator';
import { DoesNotExistError } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import type { Organisation } from '../../support/organisation-models';
import {
  cdmsOrganisations,
  type EndToEnd,
  expectStoresAgree,
  localCounts,
  localOrganisations,
  operations,
} from '../support/end-to-end';

/** The faulted client's per-attempt timeout: long enough for a loaded machine, short for the suite. */
const TIMEOUT_MS = 250;
/** A delay beyond the timeout: the emulator applies the write after the client gave up. */
const LATE_MS = 400;

type Write = 'create' | 'save' | 'delete';
type Applied = 'no' | 'yes' | 'late';

interface FaultCase {
  readonly name: string;
  readonly fault: EmulatorFault;
  /** Whether CDMS performs the write. */
  readonly applied: Applied;
  /** The error code of the failed write (no retries). */
  readonly code: string;
}

const FAULTS: readonly FaultCase[] = [
  { name: '500', fault: { type: 'status', status: 500 }, applied: 'no', code: 'CDMS_SERVER_ERROR' },
  {
    name: '503 with Retry-After',
    fault: { type: 'status', status: 503, retryAfter: 1 },
    applied: 'no',
    code: 'CDMS_SERVER_ERROR',
  },
  { name: 'connection reset', fault: { type: 'reset' }, applied: 'no', code: 'CDMS_NETWORK_ERROR' },
  { name: 'timeout', fault: { type: 'timeout' }, applied: 'no', code: 'CDMS_TIMEOUT' },
  {
    name: 'applyThenFail (500)',
    fault: { type: 'applyThenFail' },
    applied: 'yes',
    code: 'CDMS_SERVER_ERROR',
  },
  {
    name: 'applyThenFail (reset)',
    fault: { type: 'applyThenFail', reset: true },
    applied: 'yes',
    code: 'CDMS_NETWORK_ERROR',
  },
  {
    name: 'answered after the client timed out',
    fault: { type: 'latency', ms: LATE_MS },
    applied: 'late',
    code: 'CDMS_TIMEOUT',
  },
];

const WRITES: readonly Write[] = ['create', 'save', 'delete'];

/** The emulator operation of each write. */
const OPERATION = { create: 'create', save: 'update', delete: 'delete' } as const;

/** Requests of each write with retries, when the first attempt meets the fault. */
function retriedRequests(write: Write, applied: Applied): string[] {
  if (write === 'create') {
    // The retried POST meets "duplicate key" when the first one was applied: the client reads it back.
    return applied === 'yes'
      ? ['create Account', 'create Account', 'get Account']
      : ['create Account', 'create Account'];
  }
  if (write === 'save') return ['update Account', 'update Account', 'get Account'];
  // The retried DELETE of an applied delete meets 404: the client counts it as deleted.
  return ['delete Account', 'delete Account'];
}

/** Waits until the emulator handled every delayed request (a `latency` fault answers after the client left). */
async function settled(f: EndToEnd): Promise<void> {
  const deadline = Date.now() + 5000;
  while (
    f.emulator.requests.some((request) => request.faults.includes('latency') && request.status === undefined)
  ) {
    if (Date.now() > deadline) throw new Error('the emulator did not handle the delayed request in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Declares the fault-injection scenarios. */
export function faultInjectionScenarios(f: EndToEnd): void {
  describe('fault injection on writes', () => {
    /** The object the write works on (created through the Sync, so both stores hold it). */
    async function prepare(write: Write): Promise<Organisation | undefined> {
      if (write === 'create') return undefined;
      const acme = await f.Organisation.objects.create({ name: 'Acme' });
      f.emulator.clearRequests();
      return acme;
    }

    function run(write: Write, acme: Organisation | undefined): Promise<unknown> {
      if (write === 'create') return f.Organisation.objects.create({ name: 'Acme' });
      if (!acme) throw new Error('nothing to write');
      if (write === 'save') {
        acme.name = 'Acme Ltd';
        return acme.save();
      }
      return acme.delete();
    }

    describe.each(WRITES)('%s without retries', (write) => {
      it.each(FAULTS)(
        '$name: typed error; the stores agree, or the next read repairs them',
        async (fault) => {
          const acme = await prepare(write);
          const before = await localCounts(f);
          const localBefore = await localOrganisations(f);
          const cdmsBefore = cdmsOrganisations(f);
          f.emulator.addFault({ operation: OPERATION[write], service: 'Account', times: 1 }, fault.fault);
          const faulted = f.newClient({ timeoutMs: TIMEOUT_MS });

          const error = await f.sync
            .runAs({ cdms: faulted }, () => run(write, acme))
            .catch((caught) => caught);
          expect(error).toMatchObject({ code: fault.code });
          // One attempt, and nothing after it (a save never got to its GET).
          expect(operations(f.emulator)).toEqual([`${OPERATION[write]} Account`]);
          // The local transaction rolled back.
          expect(await localCounts(f)).toEqual(before);
          expect(await localOrganisations(f)).toEqual(localBefore);
          await settled(f);

          if (fault.applied === 'no') {
            expect(cdmsOrganisations(f)).toEqual(cdmsBefore);
            await expectStoresAgree(f);
            return;
          }
          // CDMS applied the write: repair with the next read.
          f.emulator.clearRequests();
          if (write === 'create') {
            expect(cdmsOrganisations(f)).toHaveLength(1);
            const imported = await f.Organisation.objects.filter({ name: 'Acme' });
            expect(imported.map((o) => o.name)).toEqual(['Acme']);
            expect(operations(f.emulator)).toEqual(['list Account']);
            expect(await f.sync.history(imported[0] as Organisation)).toMatchObject([
              { kind: 'cdms-refresh' },
            ]);
          } else if (write === 'save') {
            expect(cdmsOrganisations(f)).toMatchObject([{ name: 'Acme Ltd' }]);
            const refreshed = await f.Organisation.objects.get({ id: acme?.id });
            expect(refreshed.name).toBe('Acme Ltd');
            expect(operations(f.emulator)).toEqual(['get Account']);
            expect((await f.sync.history(refreshed))[0]).toMatchObject({
              kind: 'cdms-refresh',
              comment: 'CDMS refresh',
            });
          } else {
            expect(cdmsOrganisations(f)).toEqual([]);
            const missing = await f.Organisation.objects.get({ id: acme?.id }).catch((caught) => caught);
            expect(missing).toBeInstanceOf(DoesNotExistError);
            expect((missing as Error).cause).toMatchObject({ code: 'CDMS_NOT_FOUND' });
            // The 404 repairs it: the stale local row is deleted (history "Deleted in CDMS").
            expect(operations(f.emulator)).toEqual(['get Account']);
            expect((await localCounts(f)).organisations).toBe(0);
            expect((await f.sync.history(acme as Organisation))[0]).toMatchObject({
              kind: 'delete',
              user: 'cdms',
              comment: 'Deleted in CDMS',
            });
          }
          await expectStoresAgree(f);
        },
      );
    });

    describe.each(WRITES)('%s with retries', (write) => {
      it.each(FAULTS)('$name on the first attempt: the write succeeds, one CDMS record', async (fault) => {
        const acme = await prepare(write);
        f.emulator.addFault({ operation: OPERATION[write], service: 'Account', times: 1 }, fault.fault);
        const retrying = f.newClient({
          timeoutMs: TIMEOUT_MS,
          retries: { limit: 2, minTimeoutMs: 10, maxTimeoutMs: 50 },
        });
        await f.sync.runAs({ cdms: retrying }, () => run(write, acme));
        expect(operations(f.emulator)).toEqual(retriedRequests(write, fault.applied));
        await settled(f);
        const records = cdmsOrganisations(f);
        if (write === 'delete') {
          expect(records).toEqual([]);
          expect((await localCounts(f)).organisations).toBe(0);
        } else {
          expect(records).toMatchObject([{ name: write === 'save' ? 'Acme Ltd' : 'Acme' }]);
        }
        if (write === 'save' && fault.applied === 'late') {
          // The first MERGE landed after the retried one and the read-back: CDMS is newer, by
          // VersionNumber at least (within the same second, CRM 2011 leaves ModifiedOn as it was).
          // The next get refreshes the row (same values, newer version).
          const [local] = await localOrganisations(f);
          const [localRow] = await f.knex(f.tables.organisation).select('cdms_version');
          expect(records[0]?.modified).toBeGreaterThanOrEqual(local?.modified ?? Number.POSITIVE_INFINITY);
          expect(Number(f.emulator.records('Account')[0]?.VersionNumber)).toBeGreaterThan(
            Number(localRow?.cdms_version),
          );
          f.emulator.clearRequests();
          await f.Organisation.objects.get({ id: acme?.id });
          expect(operations(f.emulator)).toEqual(['get Account']);
        }
        await expectStoresAgree(f);
      });
    });

    it('503 with Retry-After: 1 once, default backoff cap: the create waits ~1 s, then succeeds with one record', async () => {
      f.emulator.addFault({ operation: 'create', times: 1 }, { type: 'status', status: 503, retryAfter: 1 });
      const retrying = f.newClient({ retries: { limit: 3 } });
      const started = performance.now();
      const acme = await f.sync.runAs({ cdms: retrying }, () =>
        f.Organisation.objects.create({ name: 'Acme' }),
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      expect(f.emulator.requests.map((request) => [request.operation, request.status])).toEqual([
        ['create', 503],
        ['create', 201],
      ]);
      // Both attempts carried the same client-generated key.
      expect(
        f.emulator.requests.map((request) => (request.body as { AccountId?: string }).AccountId),
      ).toEqual([acme.cdmsPk, acme.cdmsPk]);
      expect(f.emulator.records('Account')).toHaveLength(1);
      await expectStoresAgree(f);
    });

    it('bulkCreate with a 500 on the 3rd POST: local rolls back; CDMS keeps 2; the next list repairs', async () => {
      let posts = 0;
      f.client.on('request', () => {
        posts += 1;
        if (posts === 2)
          f.emulator.addFault({ operation: 'create', times: 1 }, { type: 'status', status: 500 });
      });
      await expect(
        f.Organisation.objects.bulkCreate([{ name: 'A' }, { name: 'B' }, { name: 'C' }]),
      ).rejects.toMatchObject({ code: 'CDMS_SERVER_ERROR' });
      expect(operations(f.emulator)).toEqual(['create Account', 'create Account', 'create Account']);
      expect(await localCounts(f)).toEqual({ organisations: 0, contacts: 0, history: 0 });
      expect(
        f.emulator
          .records('Account')
          .map((record) => record.Name)
          .sort(),
      ).toEqual(['A', 'B']);
      expect(await f.Organisation.objects.orderBy('name').valuesList('name', { flat: true })).toEqual([
        'A',
        'B',
      ]);
      await expectStoresAgree(f);
    });
  });
}
