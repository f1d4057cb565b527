import { CdmsClient, type CdmsMetadata } from '@cdms-sync/cdms-client';
import { startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';

/** The `$metadata` the CDMS emulator serves for its default entities (Account, Contact, SystemUser). */
export async function emulatorMetadata(): Promise<CdmsMetadata> {
  const emulator = await startCdmsEmulator();
  try {
    return await new CdmsClient({ baseUrl: emulator.url, retries: false }).metadata();
  } finally {
    await emulator.close();
  }
}
