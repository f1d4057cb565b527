/** One shared read: when it was sent and its outcome. */
interface Flight {
  readonly sentAt: number;
  readonly promise: Promise<unknown>;
  settled: boolean;
}

/** How long a settled read stays reusable by reads that began before it was sent. */
const REUSE_MS = 1000;

/**
 * Identical reads share one request. A call joins an identical call (same `identity`, the CDMS
 * client of the acting user, and same `key`) that is still in flight; and a call that began at
 * `startedAt` also takes the result of an identical call that was *sent* at or after `startedAt`
 * and already answered: that answer is at least as fresh as a request of its own would be. So 200
 * concurrent `get()` of one record make one GET even when their local queries end at different
 * times. A failed call is never reused. Only reads go through it: writes are never merged.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight();
 * const startedAt = performance.now();
 * await Promise.all(Array.from({ length: 200 }, () =>
 *   flights.run(client, "GET Account(…)", () => client.get('Account', id), startedAt)));
 * // 1 GET
 * ```
 * @internal
 */
export class SingleFlight {
  readonly #flights = new WeakMap<object, Map<string, Flight>>();

  /** `fn()`, or the outcome of an identical call this one may share (see the class). */
  run<T>(identity: object, key: string, fn: () => Promise<T>, startedAt?: number): Promise<T> {
    let flights = this.#flights.get(identity);
    if (!flights) {
      flights = new Map();
      this.#flights.set(identity, flights);
    }
    const existing = flights.get(key);
    if (existing && (!existing.settled || (startedAt !== undefined && existing.sentAt >= startedAt))) {
      return existing.promise as Promise<T>;
    }
    const byKey = flights;
    const sentAt = performance.now();
    let promise: Promise<T>;
    try {
      promise = fn();
    } catch (error) {
      return Promise.reject(error);
    }
    const flight: Flight = {
      sentAt,
      settled: false,
      promise: promise.then(
        (value) => {
          flight.settled = true;
          setTimeout(() => forget(byKey, key, flight), REUSE_MS).unref();
          return value;
        },
        (error: unknown) => {
          forget(byKey, key, flight);
          throw error;
        },
      ),
    };
    flights.set(key, flight);
    return flight.promise as Promise<T>;
  }
}

function forget(flights: Map<string, Flight>, key: string, flight: Flight): void {
  if (flights.get(key) === flight) flights.delete(key);
}
