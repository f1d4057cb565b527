import { AsyncLocalStorage } from 'node:async_hooks';
import { WriteQueueTimeoutError } from '../errors/errors';

/** Options of the write lane, from `createSync`. @internal */
export interface WriteLaneOptions {
  /** How many writes may run at once (each holds one connection across its CDMS round trip). */
  readonly maxConcurrentWrites: number;
  /** How long a write may wait for its turn before it fails with `WriteQueueTimeoutError`. */
  readonly timeoutMs: number;
}

/**
 * The bounded lane every write goes through (`create`, `save`, `delete`, `bulkCreate`, queryset
 * `update`/`delete`, `getOrCreate`, `updateOrCreate`). A write holds a pooled connection and its
 * transaction for its whole CDMS round trip; the lane lets at most `maxConcurrentWrites` of them
 * run at once, and a waiting write waits here, BEFORE it asks the pool for a connection, so the
 * remaining connections keep serving reads however many writes queue up. A write nested in
 * another (the `create` inside `getOrCreate`) runs in its parent's turn. A write that waited
 * `timeoutMs` fails with `WriteQueueTimeoutError` (code `WRITE_QUEUE_TIMEOUT`) having changed
 * nothing; so does one whose connection could not be had (the pool's acquire timeout,
 * `KnexTimeoutError`), since that happens before its transaction begins.
 *
 * @example
 * ```ts
 * const lane = new WriteLane({ maxConcurrentWrites: 4, timeoutMs: 60_000 });
 * await lane.run(() => store.transaction(async () => { … })); // waits for a turn, then BEGIN …
 * ```
 * @internal
 */
export class WriteLane {
  readonly #options: WriteLaneOptions;
  readonly #inside = new AsyncLocalStorage<true>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(options: WriteLaneOptions) {
    this.#options = options;
  }

  /** Writes running now, and writes waiting for a turn. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Run `write` in a turn of the lane (at once when called inside a turn). */
  async run<T>(write: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return write();
    await this.#acquire();
    try {
      return await this.#inside.run(true, write);
    } catch (error) {
      if (error instanceof Error && error.name === 'KnexTimeoutError') {
        throw new WriteQueueTimeoutError(`The write could not get a database connection: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#running < this.#options.maxConcurrentWrites) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        this.#running += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.#waiting.indexOf(turn);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(
          new WriteQueueTimeoutError(
            `The write waited ${this.#options.timeoutMs} ms for one of the ${this.#options.maxConcurrentWrites} write turns (maxConcurrentWrites) and was not started; nothing was sent or written`,
          ),
        );
      }, this.#options.timeoutMs);
      this.#waiting.push(turn);
    });
  }

  #release(): void {
    this.#running -= 1;
    this.#waiting.shift()?.();
  }
}
