import { ValidationError } from '../errors/errors';
import type { ModelClass } from '../model/model-class';
import type { SyncLease } from '../store/sync-leases';
import { modelsInForeignKeyOrder, type OperationServices } from './operation-services';
import { checkOverlap, type ModelPollReport, type PollReport, pollLeaseName, pollModel } from './poll';

/** Options of `sync.startPolling()`. */
export interface StartPollingOptions {
  /** Pause between the end of one round and the start of the next, in milliseconds. */
  intervalMs: number;
  /** The models to poll. @default every registered synced model */
  models?: readonly ModelClass[];
  /** Stops the poller like `stop()`. */
  signal?: AbortSignal;
  /** Called after every round. */
  onRound?: (report: PollReport) => void;
  /** Called when a round fails; the poller keeps going with the next round. @default logs a warning */
  onError?: (error: unknown) => void;
  /** Seconds before the watermark each round reads again. @default 30 */
  overlapSeconds?: number;
}

/** A running poller. */
export interface Poller {
  /** Stop: the page being imported is finished and checkpointed, the leases released; resolves then. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * Poll `options.models` every `intervalMs` until stopped. A model's poll lease is kept from round
 * to round while it is held (checked before every page); a model whose lease another process
 * holds is tried again every round, so when that process dies (its database connection closes and
 * the lock with it) this one takes over within one interval.
 * @internal
 */
export function startPolling(services: OperationServices, options: StartPollingOptions): Poller {
  const { intervalMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new ValidationError(`intervalMs must be a number of at least 0, got ${intervalMs}`);
  }
  checkOverlap(options);
  const controller = new AbortController();
  const stopOn = () => controller.abort();
  options.signal?.addEventListener('abort', stopOn, { once: true });
  if (options.signal?.aborted) controller.abort();
  const leases = new Map<string, SyncLease>();
  let wake: (() => void) | undefined;
  controller.signal.addEventListener('abort', () => wake?.(), { once: true });

  const round = async (): Promise<PollReport> => {
    const metas = await modelsInForeignKeyOrder(services, options.models);
    const reports: ModelPollReport[] = [];
    for (const meta of metas) {
      if (controller.signal.aborted) break;
      const name = pollLeaseName(meta);
      let lease = leases.get(name);
      if (lease && !(await lease.held())) {
        await lease.release();
        leases.delete(name);
        lease = undefined;
      }
      lease ??= await services.leases.tryLease(name);
      if (!lease) {
        const state = await services.state.model(meta.table);
        reports.push({
          model: meta.Model.name,
          changes: 0,
          requests: 0,
          watermark: state?.watermark ?? null,
          skipped: 'lease-held',
        });
        continue;
      }
      leases.set(name, lease);
      reports.push(
        await pollModel(services, meta, lease, {
          signal: controller.signal,
          ...(options.overlapSeconds === undefined ? {} : { overlapSeconds: options.overlapSeconds }),
        }),
      );
    }
    return { aborted: controller.signal.aborted, models: reports };
  };

  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        options.onRound?.(await round());
      } catch (error) {
        if (options.onError) options.onError(error);
        else services.engine.logger?.warn('CDMS poll round failed', { error: String(error) });
      }
      if (controller.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const lease of leases.values()) await lease.release().catch(() => {});
    leases.clear();
    options.signal?.removeEventListener('abort', stopOn);
  })();

  let running = true;
  void loop.finally(() => {
    running = false;
  });
  return {
    async stop() {
      controller.abort();
      await loop;
    },
    get running() {
      return running;
    },
  };
}
