import type { CdmsBudgetStats, CdmsThrottleEvent } from './request-budget';
import type { CdmsLogger, CdmsRequestEvent } from './types';

/** The operations the client counts. */
export type CdmsOperation = CdmsRequestEvent['operation'];
/** The methods the client counts; a MERGE is counted as `MERGE`. */
export type CdmsMethod = CdmsRequestEvent['method'];

/**
 * Request counts since the client was created (or `resetStats()` was called). Every HTTP attempt
 * counts, including retries and the replay after a 401.
 */
export interface CdmsClientStats {
  /** HTTP requests sent (attempts, not calls). */
  readonly total: number;
  readonly byOperation: Readonly<Record<CdmsOperation, number>>;
  readonly byMethod: Readonly<Record<CdmsMethod, number>>;
  /** Attempts sent because the retry policy repeated a failed one. */
  readonly retries: number;
  /** Attempts replayed once after a 401 with fresh credentials. */
  readonly authReplays: number;
  /** Attempts that ended in an error (a later retry may still have succeeded). */
  readonly failures: number;
  /** The request budget now: queued, in flight, waited time, throttling. */
  readonly budget: CdmsBudgetStats;
}

/** Listener of `client.on('request', …)`. */
export type CdmsRequestListener = (event: CdmsRequestEvent) => void;

/** Listener of `client.on('throttle', …)`. */
export type CdmsThrottleListener = (event: CdmsThrottleEvent) => void;

/** @internal Why an attempt was sent. */
export type AttemptKind = 'first' | 'retry' | 'auth-replay';

function emptyStats(): {
  total: number;
  byOperation: Record<CdmsOperation, number>;
  byMethod: Record<CdmsMethod, number>;
  retries: number;
  authReplays: number;
  failures: number;
} {
  return {
    total: 0,
    byOperation: { list: 0, get: 0, create: 0, update: 0, delete: 0, metadata: 0 },
    byMethod: { GET: 0, POST: 0, MERGE: 0, PUT: 0, DELETE: 0 },
    retries: 0,
    authReplays: 0,
    failures: 0,
  };
}

/** @internal Per-client listeners and counters (never shared between clients). */
export class RequestEvents {
  readonly #listeners = new Set<CdmsRequestListener>();
  readonly #throttleListeners = new Set<CdmsThrottleListener>();
  #stats = emptyStats();
  readonly #logger: CdmsLogger | undefined;

  constructor(logger: CdmsLogger | undefined) {
    this.#logger = logger;
  }

  on(listener: CdmsRequestListener): () => void {
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const entry: CdmsRequestListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  onThrottle(listener: CdmsThrottleListener): () => void {
    const entry: CdmsThrottleListener = (event) => listener(event);
    this.#throttleListeners.add(entry);
    return () => {
      this.#throttleListeners.delete(entry);
    };
  }

  throttled(event: CdmsThrottleEvent): void {
    this.#logger?.warn('CDMS is busy; slowing the request budget down', { ...event });
    this.#notify(this.#throttleListeners, event);
  }

  /**
   * Counts one attempt, and describes it to the logger and the listeners. The event is built by
   * `describe` only when someone will see it: a client nobody observes only counts.
   */
  record(
    attempt: Pick<CdmsRequestEvent, 'method' | 'operation' | 'errorCode'>,
    kind: AttemptKind,
    describe: () => CdmsRequestEvent,
  ): void {
    const stats = this.#stats;
    stats.total += 1;
    stats.byOperation[attempt.operation] += 1;
    stats.byMethod[attempt.method] += 1;
    if (kind === 'retry') stats.retries += 1;
    if (kind === 'auth-replay') stats.authReplays += 1;
    if (attempt.errorCode !== undefined) stats.failures += 1;
    if (this.#logger === undefined && this.#listeners.size === 0) return;
    const event = describe();
    this.#logger?.debug(`CDMS ${event.method} ${event.url} -> ${event.status ?? event.errorCode ?? '?'}`, {
      ...event,
    });
    this.#notify(this.#listeners, event);
  }

  #notify<E>(listeners: ReadonlySet<(event: E) => void>, event: E): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener must not break the request that it observes.
        this.#logger?.warn('CDMS request listener threw', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  stats(): Omit<CdmsClientStats, 'budget'> {
    const stats = this.#stats;
    return { ...stats, byOperation: { ...stats.byOperation }, byMethod: { ...stats.byMethod } };
  }

  reset(): void {
    this.#stats = emptyStats();
  }
}
