import { CdmsEmulatorError } from './cdms-emulator-error';
import type { CdmsUserWrites } from './cdms-user-writes';
import type { EntityCatalog, EntityModel } from './entity-model';
import type { EntityStore } from './entity-store';
import { seededRandom } from './seeded-random';
import type { EmulatorActivityCounts, EmulatorActivityOptions } from './types';

/** The user simulated writes are attributed to (`ModifiedBy`, `CreatedBy`). */
export const ACTIVITY_USER = {
  Id: '0a0c1b2e-5d6f-4a1b-9c8d-7e6f5a4b3c2d',
  LogicalName: 'systemuser',
  Name: 'CDMS user (simulated)',
} as const;

/** How often the scheduler looks at the clock. */
const TICK_MS = 20;

function assertRate(name: string, value: number | undefined): number {
  const rate = value ?? 0;
  if (!Number.isFinite(rate) || rate < 0) {
    throw new CdmsEmulatorError(500, `Invalid activity ${name} ${value}: it must be a non-negative number.`);
  }
  return rate;
}

/**
 * People working in CDMS while the library runs: edits, creates and deletes at given rates (per
 * second, across the chosen entities), on records and with values picked by a seeded random
 * generator, written as `editAsCdmsUser` writes (attributed to `ACTIVITY_USER`, late-committing
 * when the emulator has `commitDelayMs`). The schedule follows the wall clock: after `t` seconds,
 * `floor(t × rate)` writes of each kind have been made.
 *
 * @example
 * ```ts
 * activity.start({ editsPerSecond: 20, deletesPerSecond: 1, services: ['Account'], seed: 7 });
 * // … a backfill runs …
 * activity.stop(); // { edits: 412, creates: 0, deletes: 20 }
 * ```
 *
 * @internal
 */
export class CdmsUserActivity {
  readonly #catalog: EntityCatalog;
  readonly #store: EntityStore;
  readonly #writes: CdmsUserWrites;
  readonly #commitDelayMs: () => number;
  #timer: NodeJS.Timeout | undefined;
  #counts: EmulatorActivityCounts = { edits: 0, creates: 0, deletes: 0, skipped: 0 };
  /** Record ids per entity, refreshed now and then (picking must not copy 100k ids per write). */
  readonly #ids = new Map<EntityModel, { ids: string[]; at: number }>();

  constructor(
    catalog: EntityCatalog,
    store: EntityStore,
    writes: CdmsUserWrites,
    commitDelayMs: () => number,
  ) {
    this.#catalog = catalog;
    this.#store = store;
    this.#writes = writes;
    this.#commitDelayMs = commitDelayMs;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Writes so far (since the last `start`). */
  counts(): EmulatorActivityCounts {
    return { ...this.#counts };
  }

  /** Starts (or restarts with new options). Validates everything before any write. */
  start(options: EmulatorActivityOptions): void {
    const rates = {
      edits: assertRate('editsPerSecond', options.editsPerSecond),
      creates: assertRate('createsPerSecond', options.createsPerSecond),
      deletes: assertRate('deletesPerSecond', options.deletesPerSecond),
    };
    const entities = (options.services ?? this.#catalog.entities.map((entity) => entity.name)).map(
      (service) => this.#catalog.require(service),
    );
    if (entities.length === 0) throw new CdmsEmulatorError(500, 'Invalid activity: services is empty.');
    this.stop();
    // One stream per kind: the n-th edit picks the same record whatever the timing of the others.
    const seed = options.seed ?? 1;
    const random = {
      creates: seededRandom(seed),
      edits: seededRandom(seed + 1),
      deletes: seededRandom(seed + 2),
    };
    const started = performance.now();
    const done = { edits: 0, creates: 0, deletes: 0 };
    this.#counts = { edits: 0, creates: 0, deletes: 0, skipped: 0 };
    this.#ids.clear();
    const tick = () => {
      const elapsedSeconds = (performance.now() - started) / 1000;
      for (const kind of ['creates', 'edits', 'deletes'] as const) {
        const due = Math.floor(elapsedSeconds * rates[kind]);
        for (; done[kind] < due; done[kind] += 1) {
          const entity = entities[Math.floor(random[kind]() * entities.length)]!;
          this.#act(kind, entity, random[kind]);
        }
      }
    };
    this.#timer = setInterval(tick, TICK_MS);
    this.#timer.unref();
  }

  /** Stops; returns the writes made since `start`. */
  stop(): EmulatorActivityCounts {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    return this.counts();
  }

  #pick(entity: EntityModel, random: () => number): string | undefined {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      let cached = this.#ids.get(entity);
      if (cached === undefined || performance.now() - cached.at > 1000 || attempt > 0) {
        cached = {
          ids: this.#store.rows(entity).map((row) => String(row[entity.primaryKey])),
          at: performance.now(),
        };
        this.#ids.set(entity, cached);
      }
      if (cached.ids.length === 0) return undefined;
      const id = cached.ids[Math.floor(random() * cached.ids.length)]!;
      if (this.#store.find(entity, id) !== undefined) return id;
    }
    return undefined;
  }

  #act(kind: 'edits' | 'creates' | 'deletes', entity: EntityModel, random: () => number): void {
    const delay = this.#commitDelayMs();
    const serial = this.#counts[kind] + 1;
    const attribution = (name: string) => (entity.attributes.has(name) ? { [name]: ACTIVITY_USER } : {});
    const text = Object.values(Object.fromEntries(entity.attributes))
      .filter((attribute) => attribute.type === 'Edm.String' && !attribute.system)
      .map((attribute) => attribute.name);
    try {
      if (kind === 'creates') {
        const name = entity.primaryNameAttribute ?? text[0];
        this.#writes.create(
          entity,
          {
            ...(name === undefined ? {} : { [name]: `Created in CDMS ${serial}` }),
            ...attribution('CreatedBy'),
            ...attribution('ModifiedBy'),
          },
          delay,
        );
      } else {
        const id = this.#pick(entity, random);
        if (id === undefined) {
          this.#counts.skipped += 1;
          return;
        }
        if (kind === 'deletes') {
          this.#writes.delete(entity, id, delay);
        } else {
          const attribute = text[Math.floor(random() * text.length)];
          this.#writes.edit(
            entity,
            id,
            {
              ...(attribute === undefined ? {} : { [attribute]: `Edited in CDMS ${serial}` }),
              ...attribution('ModifiedBy'),
            },
            delay,
          );
        }
      }
      this.#counts[kind] += 1;
    } catch {
      // A record deleted meanwhile (or a pending delete): nothing to do, like a user who gives up.
      this.#counts.skipped += 1;
    }
  }
}
