// The public API. This file only re-exports; the `cdms-sync` binary is `src/bin.ts`.

// #region config
export { defineConfig } from './config/define-config';
export type { CdmsSyncConfig, CdmsSyncConfigExport } from './config/define-config';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig } from './config/load-config';
export type { LoadConfigOptions, LoadedConfig } from './config/load-config';
export { selectModels } from './config/select-models';
// #endregion config

// #region program
export { createProgram, runCli } from './create-program';
export { createCliRuntime } from './run/cli-runtime';
export type { CliIo, CliRuntime, CommandContext } from './run/cli-runtime';
export { EXIT_CODES } from './run/exit-codes';
export { listenForInterrupt } from './run/interrupt-signal';
export type { InterruptSignal } from './run/interrupt-signal';
export { CliError, isCliError } from './errors/cli-error';
export type { CliErrorCode } from './errors/cli-error';
// #endregion program

// #region commands
export { formatBackfillReport, registerBackfillCommand } from './commands/backfill';
export { formatPollReport, formatPollRound, registerPollCommand } from './commands/poll';
export { formatReconcileReport, registerReconcileCommand } from './commands/reconcile';
export { formatStatus, registerStatusCommand } from './commands/status';
export { formatGenerateReport, registerGenerateCommand } from './commands/generate';
export { registerCheckCommand } from './commands/check';
// #endregion commands

// #region output
export { createBackfillProgressView } from './output/backfill-progress-view';
export type { BackfillProgressView, BackfillProgressViewOptions } from './output/backfill-progress-view';
export type { OutputStream } from './output/output-stream';
export { createThrottledLines } from './output/throttled-lines';
export type { ThrottledLinesOptions } from './output/throttled-lines';
// #endregion output
