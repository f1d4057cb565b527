import { describe, expectTypeOf, it } from 'vitest';
import type { CdmsEmulator, EmulatorActivityCounts, EmulatorRecord } from '../emulator/index';
import type { CdmsBudgetStats, CdmsThrottleEvent } from '../index';
import { CdmsClient } from './cdms-client';

describe('request budget types', () => {
  it('takes budget options, reports budget stats and throttle events', () => {
    const client = new CdmsClient({
      baseUrl: 'https://crm.example.org/ORG',
      budget: { maxConcurrent: 4, requestsPerSecond: 10 },
    });
    expectTypeOf(client.stats().budget).toEqualTypeOf<CdmsBudgetStats>();
    client.on('throttle', (event) => {
      expectTypeOf(event).toEqualTypeOf<CdmsThrottleEvent>();
    });
    // @ts-expect-error: maxConcurrent is a number
    new CdmsClient({ baseUrl: 'https://crm.example.org/ORG', budget: { maxConcurrent: '4' } });
  });
});

describe('emulator seed and activity types', () => {
  it('returns records for rows and keys for a count', () => {
    const emulator = {} as CdmsEmulator;
    expectTypeOf(emulator.seed('Account', [{ Name: 'Acme' }])).toEqualTypeOf<EmulatorRecord[]>();
    expectTypeOf(emulator.seed('Account', 100_000)).toEqualTypeOf<string[]>();
    expectTypeOf(emulator.seed('Account', 10, (index) => ({ Name: `A${index}` }))).toEqualTypeOf<string[]>();
    expectTypeOf(emulator.stopActivity()).toEqualTypeOf<EmulatorActivityCounts>();
    emulator.editAsCdmsUser('Account', 'id', { Name: 'x' }, { visibleAfterMs: 3000 });
  });
});
