import type { BackfillProgress } from '@cdms-sync/core';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatDuration } from './format-duration';
import type { OutputStream } from './output-stream';
import { createThrottledLines } from './throttled-lines';

/** Options of `createBackfillProgressView`. */
export interface BackfillProgressViewOptions {
  /** Where progress goes (the CLI uses stderr, so stdout stays for results). */
  readonly stream: OutputStream;
  /** Bars (true) or plain lines (false). @default stream.isTTY === true */
  readonly tty?: boolean;
  /** Plain mode: at most one line per model per this many milliseconds (plus the final one). @default 1000 */
  readonly lineIntervalMs?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** Shows `BackfillProgress` events: one bar per model on a terminal, throttled log lines elsewhere. */
export interface BackfillProgressView {
  update(event: BackfillProgress): void;
  /** Draws the last state and releases the terminal. */
  stop(): void;
}

const BAR_FORMAT =
  '{model} [{bar}] ranges {rangesDone}/{rangesTotal} | {rows} rows | {pages} pages | {rate} rows/s | {elapsed}';

interface ModelState {
  readonly started: number;
  /** Rows already imported when this run's first page arrived (a resumed backfill starts above 0). */
  readonly startRows: number;
  readonly firstEventAt: number;
  bar?: SingleBar;
}

/** Rows per second imported by this run, measured from its first committed page. */
function rate(state: ModelState, rows: number, now: number): string {
  const elapsedMs = now - state.firstEventAt;
  return elapsedMs > 0 ? String(Math.round(((rows - state.startRows) * 1000) / elapsedMs)) : '0';
}

/**
 * The backfill's progress display: on a TTY a `cli-progress` multi-bar (ranges done/total as the
 * bar; rows, pages, rows per second and elapsed time beside it), otherwise one plain line per model
 * at most every `lineIntervalMs`, and always one when a model is done:
 *
 * ```text
 * backfill Organisation: 1500 rows, 30 pages, ranges 2/8, 512 rows/s, 3s
 * ```
 *
 * @example
 * const view = createBackfillProgressView({ stream: process.stderr });
 * await sync.backfill(models, { onProgress: (event) => view.update(event) });
 * view.stop();
 */
export function createBackfillProgressView(options: BackfillProgressViewOptions): BackfillProgressView {
  const { stream } = options;
  const now = options.now ?? Date.now;
  const tty = options.tty ?? stream.isTTY === true;
  const lines = createThrottledLines({ stream, now, intervalMs: options.lineIntervalMs ?? 1000 });
  const models = new Map<string, ModelState>();
  const multiBar = tty
    ? new MultiBar(
        {
          stream: stream as unknown as NodeJS.WritableStream,
          format: BAR_FORMAT,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          barsize: 24,
          fps: 10,
          // Draw even when `tty` is forced on a stream that is not a terminal (tests, `script`).
          noTTYOutput: true,
        },
        Presets.shades_classic,
      )
    : undefined;

  const started = now();

  function stateOf(event: BackfillProgress): ModelState {
    let state = models.get(event.model);
    if (!state) {
      // A model's clock starts when the previous model is done (models run one after the other).
      const at = now();
      state = {
        started: models.size === 0 ? started : at,
        startRows: event.rows,
        firstEventAt: at,
      };
      models.set(event.model, state);
    }
    return state;
  }

  return {
    update(event) {
      const state = stateOf(event);
      const elapsed = now() - state.started;
      const payload = {
        model: event.model,
        rows: event.rows,
        pages: event.pages,
        rangesDone: event.rangesDone,
        rangesTotal: event.rangesTotal,
        rate: rate(state, event.rows, now()),
        elapsed: formatDuration(elapsed),
      };
      if (multiBar) {
        const total = Math.max(event.rangesTotal, 1);
        state.bar ??= multiBar.create(total, 0, payload);
        state.bar.setTotal(total);
        state.bar.update(event.done ? total : event.rangesDone, payload);
        return;
      }
      lines.write(
        event.model,
        `backfill ${event.model}: ${event.rows} rows, ${event.pages} pages, ranges ${event.rangesDone}/${event.rangesTotal}, ${payload.rate} rows/s, ${payload.elapsed}${event.done ? ', done' : ''}`,
        event.done,
      );
    },
    stop() {
      multiBar?.stop();
    },
  };
}
