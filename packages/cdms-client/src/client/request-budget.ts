import * as pQueue from 'p-queue';
import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';

type PQueue = pQueue.default;

/**
 * p-queue is ESM-only. From our CommonJS build it arrives through `require(esm)` with its default
 * export one level deeper (`.default.default`); from ESM it is `.default`. Take whichever is the class.
 */
const PQueue: typeof pQueue.default =
  typeof pQueue.default === 'function'
    ? pQueue.default
    : (pQueue.default as unknown as { default: typeof pQueue.default }).default;

/**
 * How much of CDMS one `CdmsClient` may use: CDMS is shared with the people working in it, so
 * every request of the client (application reads and writes, backfill, poll) waits for a slot.
 *
 * @example
 * ```ts
 * new CdmsClient({ baseUrl, auth, budget: { maxConcurrent: 4, requestsPerSecond: 20 } });
 * ```
 */
export interface CdmsBudgetOptions {
  /** Requests in flight at once, at most (`Infinity`: no limit). @default 8 */
  maxConcurrent?: number;
  /** Requests started in any one-second window, at most (spread evenly). @default no limit */
  requestsPerSecond?: number;
  /** How long to hold new requests after a 429/503 that has no `Retry-After`. @default 1000 */
  throttlePauseMs?: number;
  /** The longest `Retry-After` honoured (a longer one is cut to this). @default 60000 */
  maxPauseMs?: number;
}

/** The budget's counters, in `client.stats().budget`. */
export interface CdmsBudgetStats {
  /** Requests waiting for a slot now. */
  readonly queued: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** The most requests in flight at once so far. */
  readonly maxInFlight: number;
  /** The concurrency allowed now: `maxConcurrent`, lower for a while after 429/503. */
  readonly concurrency: number;
  /** Milliseconds requests spent waiting for a slot, summed over requests. */
  readonly waitedMs: number;
  /** 429/503 answers that slowed the budget down. */
  readonly throttled: number;
  /** Milliseconds during which new requests were held after a 429/503. */
  readonly pausedMs: number;
}

/** What `client.on('throttle', …)` reports after a 429 or 503. */
export interface CdmsThrottleEvent {
  readonly status: number;
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs?: number;
  /** How long new requests are held from now. */
  readonly pauseMs: number;
  /** The concurrency allowed from now on (halved, at least 1). */
  readonly concurrency: number;
}

/** Statuses that mean "CDMS is overloaded: slow down". */
const THROTTLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

function positive(name: string, value: number | undefined, allowInfinity: boolean): void {
  if (value === undefined) return;
  const valid =
    typeof value === 'number' &&
    value > 0 &&
    (Number.isFinite(value) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!valid) {
    throw new CdmsInvalidArgumentError(
      `CdmsClient budget.${name} must be a positive number, got ${String(value)}`,
    );
  }
}

/**
 * @internal The request budget of one client: a p-queue with the concurrency and the start rate
 * (sliding window), slowed down on 429/503: new requests are held for the `Retry-After` (or
 * `throttlePauseMs`), and the concurrency is halved, then grows back by one after each run of
 * that many successes (AIMD, as TCP does), up to `maxConcurrent`.
 *
 * A request that finds the budget idle enough (no start rate, not paused, nobody waiting, a slot
 * free besides the last one) starts at once without entering the queue: p-queue's bookkeeping per
 * task cost more CPU than the rest of a request's. Those requests hold their slots outside the
 * queue, so the queue is allowed `concurrency - direct` slots (set before every `add` and whenever
 * a direct request ends); the last slot is the queue's, so that is at least 1, except right after
 * a 429/503 halved the concurrency below the direct requests still in flight: the queue is then
 * held until enough of them have ended.
 */
export class RequestBudget {
  readonly #queue: PQueue;
  readonly #maxConcurrent: number;
  readonly #throttlePauseMs: number;
  readonly #maxPauseMs: number;
  readonly #onThrottle: (event: CdmsThrottleEvent) => void;
  #inFlight = 0;
  #maxInFlight = 0;
  #waitedMs = 0;
  #throttled = 0;
  #pausedMs = 0;
  #successes = 0;
  #pausedUntil = 0;
  #resume: NodeJS.Timeout | undefined;
  /** The concurrency allowed now (AIMD); the queue gets what direct requests leave of it. */
  #concurrency: number;
  /** Requests in flight that started without the queue. */
  #direct = 0;
  /** Direct starts are possible at all: no start rate to keep. */
  readonly #directAllowed: boolean;

  constructor(options: CdmsBudgetOptions = {}, onThrottle: (event: CdmsThrottleEvent) => void = () => {}) {
    if (typeof options !== 'object' || options === null) {
      throw new CdmsInvalidArgumentError('CdmsClient budget must be an object such as { maxConcurrent: 4 }');
    }
    positive('maxConcurrent', options.maxConcurrent, true);
    positive('requestsPerSecond', options.requestsPerSecond, false);
    positive('throttlePauseMs', options.throttlePauseMs, false);
    positive('maxPauseMs', options.maxPauseMs, false);
    if (
      options.maxConcurrent !== undefined &&
      Number.isFinite(options.maxConcurrent) &&
      !Number.isInteger(options.maxConcurrent)
    ) {
      throw new CdmsInvalidArgumentError(
        `CdmsClient budget.maxConcurrent must be a whole number, got ${options.maxConcurrent}`,
      );
    }
    this.#maxConcurrent = options.maxConcurrent ?? 8;
    this.#throttlePauseMs = options.throttlePauseMs ?? 1000;
    this.#maxPauseMs = options.maxPauseMs ?? 60_000;
    this.#onThrottle = onThrottle;
    const rate = options.requestsPerSecond;
    this.#concurrency = this.#maxConcurrent;
    this.#directAllowed = rate === undefined;
    this.#queue = new PQueue({
      concurrency: this.#maxConcurrent,
      ...(rate === undefined ? {} : { intervalCap: 1, interval: 1000 / rate, strict: true }),
    });
  }

  /** Runs `send` when a slot is free; `send` learns how long it waited. */
  run<T>(send: (waitedMs: number) => Promise<T>): Promise<T> {
    if (this.#canStartDirectly()) return this.#runDirectly(send);
    const queuedAt = performance.now();
    this.#applyConcurrency();
    return this.#queue.add(async () => {
      const waitedMs = performance.now() - queuedAt;
      this.#waitedMs += waitedMs;
      this.#started();
      try {
        return await send(waitedMs);
      } finally {
        this.#inFlight -= 1;
      }
    });
  }

  /** Idle enough to start without the queue (see the class). */
  #canStartDirectly(): boolean {
    const queue = this.#queue;
    return (
      this.#directAllowed &&
      !queue.isPaused &&
      queue.size === 0 &&
      this.#direct + 1 < this.#concurrency &&
      queue.pending + this.#direct < this.#concurrency
    );
  }

  async #runDirectly<T>(send: (waitedMs: number) => Promise<T>): Promise<T> {
    this.#direct += 1;
    this.#started();
    try {
      return await send(0);
    } finally {
      this.#inFlight -= 1;
      this.#direct -= 1;
      // Requests queued meanwhile may use the slot this one frees.
      if (this.#queue.size > 0 || this.#queue.isPaused) this.#applyConcurrency();
    }
  }

  #started(): void {
    this.#inFlight += 1;
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
  }

  /**
   * The queue gets the slots direct requests leave; it is held (paused) while a 429/503 pause runs
   * or no slot is left, and started again when neither holds.
   */
  #applyConcurrency(): void {
    const queue = this.#queue;
    const room = this.#concurrency - this.#direct;
    const slots = Math.max(1, room);
    if (queue.concurrency !== slots) queue.concurrency = slots;
    const hold = room < 1 || this.#resume !== undefined;
    if (hold !== queue.isPaused) {
      if (hold) queue.pause();
      else queue.start();
    }
  }

  /** Records how an attempt ended: a 429/503 slows down, a success lets the concurrency grow back. */
  settle(status: number | undefined, retryAfterMs: number | undefined): void {
    if (status !== undefined && THROTTLE_STATUSES.has(status)) {
      this.#throttle(status, retryAfterMs);
      return;
    }
    if (status === undefined || status >= 400) return;
    const current = this.#concurrency;
    if (current >= this.#maxConcurrent) return;
    this.#successes += 1;
    if (this.#successes >= current) {
      this.#successes = 0;
      this.#concurrency = current + 1;
      this.#applyConcurrency();
    }
  }

  #throttle(status: number, retryAfterMs: number | undefined): void {
    this.#throttled += 1;
    this.#successes = 0;
    const current = Number.isFinite(this.#concurrency) ? this.#concurrency : Math.max(1, this.#inFlight);
    const concurrency = Math.max(1, Math.floor(current / 2));
    this.#concurrency = concurrency;
    const pauseMs = Math.min(Math.max(0, retryAfterMs ?? this.#throttlePauseMs), this.#maxPauseMs);
    const now = performance.now();
    const until = now + pauseMs;
    if (until > this.#pausedUntil) {
      this.#pausedMs += until - Math.max(now, this.#pausedUntil);
      this.#pausedUntil = until;
      if (this.#resume !== undefined) clearTimeout(this.#resume);
      // Not unref'd: a request waiting in the queue must keep the process alive until it is sent.
      this.#resume = setTimeout(() => {
        this.#resume = undefined;
        this.#applyConcurrency();
      }, pauseMs);
    }
    this.#applyConcurrency();
    this.#onThrottle({
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      pauseMs: Math.round(Math.max(0, this.#pausedUntil - now)),
      concurrency,
    });
  }

  stats(): CdmsBudgetStats {
    return {
      queued: this.#queue.size,
      inFlight: this.#inFlight,
      maxInFlight: this.#maxInFlight,
      concurrency: this.#concurrency,
      waitedMs: Math.round(this.#waitedMs),
      throttled: this.#throttled,
      pausedMs: Math.round(this.#pausedMs),
    };
  }

  /** Sets the counters (not the live values) back to zero. */
  resetStats(): void {
    this.#maxInFlight = this.#inFlight;
    this.#waitedMs = 0;
    this.#throttled = 0;
    this.#pausedMs = 0;
  }
}
