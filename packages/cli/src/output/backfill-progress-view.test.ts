import type { BackfillProgress } from '@cdms-sync/core';
import { describe, expect, it } from 'vitest';
import { createBackfillProgressView } from './backfill-progress-view';
import type { OutputStream } from './output-stream';

function capture(isTTY: boolean): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 160,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

function event(overrides: Partial<BackfillProgress>): BackfillProgress {
  return {
    model: 'Organisation',
    rows: 0,
    pages: 0,
    rangesDone: 0,
    rangesTotal: 4,
    done: false,
    ...overrides,
  };
}

/** ANSI escape sequences (cursor moves, line clears) removed. */
function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

describe('backfill progress view', () => {
  it('draws one bar per model with ranges, rows, pages, rate and elapsed time on a TTY', () => {
    let clock = 0;
    const stream = capture(true);
    const view = createBackfillProgressView({ stream, now: () => clock });
    view.update(event({ rows: 50, pages: 1 }));
    view.update(event({ model: 'Contact', rows: 10, pages: 1, rangesTotal: 1 }));
    clock = 2000;
    view.update(event({ rows: 1000, pages: 20, rangesDone: 2 }));
    view.update(event({ model: 'Contact', rows: 10, pages: 1, rangesDone: 1, rangesTotal: 1, done: true }));
    view.stop();
    const text = plain(stream.text());
    expect(text).toContain('Organisation [');
    expect(text).toContain('ranges 2/4 | 1000 rows | 20 pages | 475 rows/s | 2s');
    expect(text).toContain('Contact [');
    expect(text).toContain('ranges 1/1 | 10 rows | 1 pages');
    // The bar itself: half the ranges of Organisation done, Contact complete.
    expect(text).toMatch(/Organisation \[█{12}░{12}\]/);
    expect(text).toMatch(/Contact \[█{24}\]/);
    // A terminal redraws in place: cursor movement, no plain log lines.
    expect(stream.text()).toContain('\u001b[');
    expect(text).not.toContain('backfill Organisation:');
  });

  it('writes plain lines, at most one per model per interval plus the final one, when not a TTY', () => {
    let clock = 0;
    const stream = capture(false);
    const view = createBackfillProgressView({ stream, now: () => clock, lineIntervalMs: 1000 });
    view.update(event({ rows: 50, pages: 1 }));
    clock = 500;
    view.update(event({ rows: 100, pages: 2 })); // within the interval: no line
    clock = 1500;
    view.update(event({ rows: 1500, pages: 30, rangesDone: 2 }));
    clock = 1600;
    view.update(event({ rows: 1600, pages: 32, rangesDone: 4, done: true }));
    view.stop();
    expect(stream.text().split('\n').filter(Boolean)).toEqual([
      'backfill Organisation: 50 rows, 1 pages, ranges 0/4, 0 rows/s, 0ms',
      'backfill Organisation: 1500 rows, 30 pages, ranges 2/4, 967 rows/s, 2s',
      'backfill Organisation: 1600 rows, 32 pages, ranges 4/4, 969 rows/s, 2s, done',
    ]);
    expect(stream.text()).not.toContain('\u001b[');
  });

  it('counts the rate of a resumed backfill from the rows this run imported', () => {
    let clock = 0;
    const stream = capture(false);
    const view = createBackfillProgressView({ stream, now: () => clock, lineIntervalMs: 0 });
    view.update(event({ rows: 6650, pages: 133 })); // 6600 rows from the interrupted run + this run's first page
    clock = 2000;
    view.update(event({ rows: 8650, pages: 173, rangesDone: 4, rangesTotal: 4, done: true }));
    view.stop();
    expect(stream.text()).toContain(
      'backfill Organisation: 8650 rows, 173 pages, ranges 4/4, 1000 rows/s, 2s, done',
    );
  });
});
