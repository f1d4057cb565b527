/**
 * One backfill of the benchmark, in a process of its own so that its peak RSS and CPU time are its
 * own (the emulator runs in the parent). Reads its job from `BENCH_BACKFILL` (JSON), imports every
 * Account of the emulator into the given PostgreSQL schema, and prints one JSON line:
 * `{ wallMs, cpuMs, maxRssMb, rows }`.
 *
 *   BENCH_BACKFILL='{"side":"library","serviceUrl":"…","baseUrl":"…","schema":"…","concurrency":8}' \
 *     npx tsx test/bench/operations/backfill-child.ts
 */
import { CdmsClient } from '../../../packages/cdms-client/src/index';
import { createSync } from '../../../packages/core/src/index';
import { knexStore } from '../../../packages/knex/src/index';
import { postgres } from '../support/bench-databases';
import { BaselineOrganisations } from '../sync/baseline-organisations';
import { defineOrganisation } from '../sync/organisation-model';

/** What the parent asks for. */
export interface BackfillJob {
  /** `library`: `sync.backfill`; `baseline`: the sequential `__next` walk with raw axios + Knex. */
  readonly side: 'library' | 'baseline';
  /** The emulator's root URL (for `CdmsClient`). */
  readonly baseUrl: string;
  /** The emulator's OData service URL (for the baseline's axios). */
  readonly serviceUrl: string;
  readonly schema: string;
  /** The library's page concurrency; undefined for its default. */
  readonly concurrency?: number;
}

/** What the child prints. */
export interface BackfillOutcome {
  readonly wallMs: number;
  /** User + system CPU time of the import (process start-up excluded). */
  readonly cpuMs: number;
  /** Peak resident set size of the whole child process. */
  readonly maxRssMb: number;
  /** Rows in the local table afterwards. */
  readonly rows: number;
}

async function run(job: BackfillJob): Promise<BackfillOutcome> {
  const knex = postgres(job.schema);
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    if (job.side === 'baseline') {
      await new BaselineOrganisations(knex, job.serviceUrl).importAll();
    } else {
      const sync = createSync({ store: knexStore(knex), cdms: new CdmsClient({ baseUrl: job.baseUrl }) });
      const Organisation = defineOrganisation();
      sync.register(Organisation);
      const report = await sync.backfill([Organisation], {
        ...(job.concurrency !== undefined ? { concurrency: job.concurrency } : {}),
      });
      if (report.aborted) throw new Error('the backfill stopped early');
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const table = job.side === 'baseline' ? 'baseline_organisation' : 'organisation';
    const [counted] = await knex(table).count({ count: '*' });
    return {
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      // maxRSS is in kilobytes.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rows: Number(counted?.count ?? 0),
    };
  } finally {
    await knex.destroy();
  }
}

const job = JSON.parse(process.env.BENCH_BACKFILL ?? 'null') as BackfillJob | null;
if (!job) throw new Error('BENCH_BACKFILL is not set');
const outcome = await run(job);
process.stdout.write(`${JSON.stringify(outcome)}\n`, () => process.exit(0));
