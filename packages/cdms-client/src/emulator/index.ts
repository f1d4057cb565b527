// The emulator entry point: `@cdms-sync/cdms-client/emulator`. This file only re-exports.
