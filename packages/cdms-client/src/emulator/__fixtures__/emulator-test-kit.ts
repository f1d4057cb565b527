// Shared by the emulator's tests: one emulator per test, always closed, even when the test fails.
import { afterEach } from 'vitest';
import { startCdmsEmulator } from '../start-cdms-emulator';
import type { CdmsEmulator, CdmsEmulatorOptions } from '../types';

/**
 * Registers an `afterEach` that closes the emulator a test started, and returns the `start`
 * function that starts it. Call once at the top of a test file.
 *
 * @example
 * const start = emulatorPerTest();
 * it('lists', async () => {
 *   const emulator = await start({ pageSize: 2 });
 *   …
 * });
 */
export function emulatorPerTest(): (options?: CdmsEmulatorOptions) => Promise<CdmsEmulator> {
  let emulator: CdmsEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  return async (options = {}) => {
    emulator = await startCdmsEmulator(options);
    return emulator;
  };
}
