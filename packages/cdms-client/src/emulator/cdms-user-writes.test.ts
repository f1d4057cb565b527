import { afterEach, describe, expect, it } from 'vitest';
import { CdmsClient } from '../client/cdms-client';
import { ACTIVITY_USER } from './cdms-user-activity';
import { startCdmsEmulator } from './start-cdms-emulator';
import type { CdmsEmulator, CdmsEmulatorOptions } from './types';

const emulators: CdmsEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

/** An emulator on a clock the test moves (`clock.now`, epoch ms). */
async function start(options: CdmsEmulatorOptions = {}) {
  const clock = { now: Date.UTC(2026, 10, 27, 9, 0, 0) };
  const emulator = await startCdmsEmulator({ clock: () => clock.now, ...options });
  emulators.push(emulator);
  return { emulator, clock, client: new CdmsClient({ baseUrl: emulator.url }) };
}

describe('late-committing CDMS writes (commitDelayMs, visibleAfterMs)', () => {
  it('keeps an edit invisible until its delay passed, with the ModifiedOn of when it happened', async () => {
    const { emulator, clock, client } = await start();
    const [record] = emulator.seed('Account', [{ Name: 'Before' }]);
    const id = record!.AccountId as string;
    clock.now += 10_000;
    const written = emulator.editAsCdmsUser('Account', id, { Name: 'Late' }, { visibleAfterMs: 3000 });
    expect(written.ModifiedOn).toEqual(new Date(clock.now));

    clock.now += 2000;
    // A later write elsewhere is visible at once, with a later ModifiedOn.
    const [other] = emulator.seed('Account', [{ Name: 'Other' }]);
    expect((await client.get('Account', id)).Name).toBe('Before');
    const changedSince = await client.listAllToArray('Account', {
      filter: `ModifiedOn ge datetime'2026-11-27T09:00:05'`,
    });
    expect(changedSince.map((row) => row.AccountId)).toEqual([other!.AccountId]);
    expect(emulator.records('Account').find((row) => row.AccountId === id)?.Name).toBe('Before');
    expect(emulator.pendingCommits()).toBe(1);

    clock.now += 1000;
    const after = await client.get('Account', id);
    expect(after.Name).toBe('Late');
    expect(after.ModifiedOn).toEqual(written.ModifiedOn);
    expect(emulator.pendingCommits()).toBe(0);
  });

  it('applies commitDelayMs to every CDMS-user write (create, edit, delete), not to OData writes', async () => {
    const { emulator, clock, client } = await start({ commitDelayMs: 5000 });
    const created = emulator.createAsCdmsUser('Account', { Name: 'Made in CDMS' });
    const mine = await client.create('Account', { Name: 'Made by the app' });
    expect((await client.listAllToArray('Account')).map((row) => row.Name)).toEqual(['Made by the app']);
    emulator.deleteAsCdmsUser('Account', mine.AccountId as string);
    expect(await client.listAllToArray('Account')).toHaveLength(1);
    clock.now += 5000;
    expect((await client.listAllToArray('Account')).map((row) => row.AccountId)).toEqual([created.AccountId]);
  });

  it('never shows a newer state before an older one: a later write to the record waits behind it', async () => {
    const { emulator, clock, client } = await start();
    const [record] = emulator.seed('Account', [{ Name: 'v0' }]);
    const id = record!.AccountId as string;
    emulator.editAsCdmsUser('Account', id, { Name: 'v1' }, { visibleAfterMs: 4000 });
    const second = emulator.editAsCdmsUser('Account', id, { Description: 'v2' });
    expect(second.Name).toBe('v1');
    expect((await client.get('Account', id)).Name).toBe('v0');
    clock.now += 4000;
    const now = await client.get('Account', id);
    expect([now.Name, now.Description]).toEqual(['v1', 'v2']);
    // Int64 travels as text.
    expect(now.VersionNumber).toBe(String(second.VersionNumber));
  });

  it('does not bring back a record whose delete is still waiting to commit', async () => {
    const { emulator, clock } = await start();
    const [record] = emulator.seed('Account', [{ Name: 'Doomed' }]);
    const id = record!.AccountId as string;
    emulator.deleteAsCdmsUser('Account', id, { visibleAfterMs: 2000 });
    expect(() => emulator.editAsCdmsUser('Account', id, { Name: 'Again' })).toThrow(/Does Not Exist/);
    expect(emulator.records('Account')).toHaveLength(1);
    clock.now += 2000;
    expect(emulator.records('Account')).toHaveLength(0);
  });

  it('rejects a negative delay before writing anything', async () => {
    await expect(startCdmsEmulator({ commitDelayMs: -1 })).rejects.toThrow(/commitDelayMs/);
    const { emulator } = await start();
    const [record] = emulator.seed('Account', [{ Name: 'Same' }]);
    expect(() =>
      emulator.editAsCdmsUser('Account', record!.AccountId as string, { Name: 'x' }, { visibleAfterMs: -5 }),
    ).toThrow(/visibleAfterMs/);
    expect(emulator.records('Account')[0]!.Name).toBe('Same');
  });
});

describe('seed(service, count)', () => {
  it('inserts many records at once, dated one minute apart up to now, all or nothing', async () => {
    const { emulator, clock } = await start();
    const ids = emulator.seed('Account', 1000);
    expect(ids).toHaveLength(1000);
    const records = emulator.records('Account');
    expect(records).toHaveLength(1000);
    const created = records.map((row) => (row.CreatedOn as Date).getTime()).sort((a, b) => a - b);
    expect(created[999]).toBe(clock.now);
    expect(created[0]).toBe(clock.now - 999 * 60_000);
    expect(new Set(records.map((row) => row.Name)).size).toBe(1000);

    expect(() =>
      emulator.seed('Contact', 10, (index) =>
        index === 7 ? { NoSuchAttribute: 1 } : { LastName: `C${index}` },
      ),
    ).toThrow(/NoSuchAttribute/);
    expect(emulator.records('Contact')).toHaveLength(0);
    expect(emulator.seed('Contact', 3, (index) => ({ LastName: `C${index}` }))).toHaveLength(3);
  });
});

describe('simulated CDMS users (activity)', () => {
  it('edits, creates and deletes at the given rates, as the simulated user', async () => {
    const { emulator } = await start({ clock: undefined });
    emulator.seed('Account', 200, (index) => ({ Name: `A${index}` }));
    const started = performance.now();
    emulator.startActivity({
      editsPerSecond: 100,
      createsPerSecond: 20,
      deletesPerSecond: 20,
      services: ['Account'],
      seed: 42,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = emulator.stopActivity();
    const seconds = (performance.now() - started) / 1000;
    const records = emulator.records('Account');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Stopped means stopped.
    expect(emulator.records('Account')).toEqual(records);
    expect(counts.edits).toBeLessThanOrEqual(Math.floor(100 * seconds));
    expect(counts.deletes).toBeLessThanOrEqual(Math.floor(20 * seconds));
    // Rates are per second of wall time: after ~0.5 s, about half of each rate.
    expect(counts.edits).toBeGreaterThanOrEqual(30);
    expect(counts.creates).toBeGreaterThanOrEqual(6);
    expect(counts.deletes).toBeGreaterThanOrEqual(6);
    expect(records).toHaveLength(200 + counts.creates - counts.deletes);
    const edited = records.filter((row) => row.VersionNumber !== null && (row.VersionNumber as number) > 200);
    expect(edited.length).toBeGreaterThan(0);
    for (const row of edited) expect((row.ModifiedBy as { Id: string }).Id).toBe(ACTIVITY_USER.Id);
    expect(records.filter((row) => String(row.Name).startsWith('Created in CDMS'))).toHaveLength(
      counts.creates,
    );
  });

  it('makes the same edits for the same seed', async () => {
    const run = async () => {
      const { emulator } = await start({ clock: undefined });
      const ids = emulator.seed('Account', 50, (index) => ({ Name: `A${index}` }));
      emulator.startActivity({ editsPerSecond: 200, services: ['Account'], seed: 7 });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const counts = emulator.stopActivity();
      // Which record (by seed position) and attribute the n-th edit changed.
      const edits = new Map<number, string>();
      for (const record of emulator.records('Account')) {
        for (const [attribute, value] of Object.entries(record)) {
          const serial = /^Edited in CDMS (\d+)$/.exec(String(value))?.[1];
          if (serial !== undefined)
            edits.set(Number(serial), `${ids.indexOf(record.AccountId as string)}.${attribute}`);
        }
      }
      return { counts, edits };
    };
    const first = await run();
    const second = await run();
    expect(first.counts.edits).toBeGreaterThan(5);
    let compared = 0;
    for (const [serial, target] of first.edits) {
      if (!second.edits.has(serial) || serial > Math.min(first.counts.edits, second.counts.edits)) continue;
      // A later edit may overwrite the value of an earlier one: compare only edits seen in both runs.
      expect(second.edits.get(serial)).toBe(target);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('runs from the activity option and rejects bad rates before writing', async () => {
    await expect(startCdmsEmulator({ activity: { editsPerSecond: -1 } })).rejects.toThrow(/editsPerSecond/);
    const { emulator } = await start({
      clock: undefined,
      activity: { createsPerSecond: 50, services: ['Contact'] },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emulator.activityCounts().creates).toBeGreaterThan(0);
    expect(() => emulator.startActivity({ services: ['Nope'] })).toThrow(/Nope/);
    emulator.stopActivity();
    expect(emulator.records('Contact').length).toBe(emulator.activityCounts().creates);
  });
});
