/**
 * Identical reads in flight at the same time share one request: the first caller's promise is
 * handed to every caller that asks for the same `key` with the same `identity` (the CDMS client of
 * the acting user) before it settles, then forgotten. Only reads go through it: a write is never
 * merged with another.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight();
 * await Promise.all(Array.from({ length: 200 }, () =>
 *   flights.run(client, "GET AccountSet(guid'…')?$select=…", () => client.get('Account', id))));
 * // 1 GET
 * ```
 * @internal
 */
export class SingleFlight {
  readonly #inFlight = new WeakMap<object, Map<string, Promise<unknown>>>();

  /** `fn()`, or the promise of an identical call (same `identity` and `key`) still in flight. */
  run<T>(identity: object, key: string, fn: () => Promise<T>): Promise<T> {
    let byKey = this.#inFlight.get(identity);
    if (!byKey) {
      byKey = new Map();
      this.#inFlight.set(identity, byKey);
    }
    const existing = byKey.get(key);
    if (existing) return existing as Promise<T>;
    const flights = byKey;
    let promise: Promise<T>;
    try {
      promise = fn();
    } catch (error) {
      return Promise.reject(error);
    }
    const shared = promise.finally(() => flights.delete(key));
    flights.set(key, shared);
    return shared;
  }
}
