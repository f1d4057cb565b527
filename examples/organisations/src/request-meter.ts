import type { CdmsClient, CdmsRequestEvent } from '@cdms-sync/cdms-client';

/** The CDMS requests one measured operation made. */
export interface MeasuredOperation {
  readonly label: string;
  readonly requests: readonly CdmsRequestEvent[];
}

/**
 * Counts the CDMS requests of each demo step from the client's `request` events (every HTTP
 * attempt, retries included). Steps run one after another, so every event belongs to the step
 * that is running.
 */
export class RequestMeter {
  readonly operations: MeasuredOperation[] = [];
  #current: CdmsRequestEvent[] | undefined;
  readonly #unsubscribe: () => void;
  readonly #serviceRoot: string;

  constructor(client: CdmsClient) {
    this.#serviceRoot = client.serviceRoot;
    this.#unsubscribe = client.on('request', (event) => this.#current?.push(event));
  }

  /** Runs `fn` and records the requests it made under `label`; a failed `fn` is recorded too. */
  async measure<T>(
    label: string,
    fn: () => Promise<T>,
  ): Promise<{ result: T; requests: readonly CdmsRequestEvent[] }> {
    const requests: CdmsRequestEvent[] = [];
    this.#current = requests;
    try {
      const result = await fn();
      return { result, requests };
    } finally {
      this.#current = undefined;
      this.operations.push({ label, requests });
    }
  }

  /** `GET AccountSet(guid'…')?$select=… -> 200`, relative to the service root, GUIDs shortened. */
  describe(event: CdmsRequestEvent): string {
    let path = event.url.startsWith(this.#serviceRoot)
      ? event.url.slice(this.#serviceRoot.length + 1)
      : event.url;
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep it encoded
    }
    path = path
      .replace(/guid'([0-9a-f]{8})[0-9a-f-]{28}'/gi, "guid'$1…'")
      .replace(/\$select=[^&]*/, '$select=…');
    if (path.length > 100) path = `${path.slice(0, 99)}…`;
    const outcome = event.status ?? event.errorCode ?? '?';
    const retry = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
    return `${event.method} ${path} -> ${outcome}${retry}`;
  }

  /** `2 (1 MERGE, 1 GET)`. */
  summarise(requests: readonly CdmsRequestEvent[]): string {
    if (requests.length === 0) return '0';
    const byMethod = new Map<string, number>();
    for (const request of requests) byMethod.set(request.method, (byMethod.get(request.method) ?? 0) + 1);
    const parts = [...byMethod].map(([method, count]) => `${count} ${method}`);
    return `${requests.length} (${parts.join(', ')})`;
  }

  /** Stops listening to the client. */
  stop(): void {
    this.#unsubscribe();
  }
}
