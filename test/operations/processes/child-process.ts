import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./run-operation.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A child running `run-operation.ts`; `events` collects its JSON lines. */
export interface OperationProcess {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  /** Resolves when an event satisfies `test`. */
  until(test: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** kill -9 the child, and the process running the script when node started one for it. */
  kill(): void;
  /** Resolves with the exit code (or signal) when the child ends. */
  readonly exited: Promise<number | string | null>;
}

export function startOperation(env: Record<string, string>): OperationProcess {
  const child = spawn(
    process.execPath,
    [`${ROOT}node_modules/tsx/dist/cli.mjs`, '--conditions=@cdms-sync/source', SCRIPT],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const events: Record<string, unknown>[] = [];
  const waiting: {
    test: (event: Record<string, unknown>) => boolean;
    resolve: (event: Record<string, unknown>) => void;
  }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const waiter of [...waiting]) {
      if (waiter.test(event)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exited = new Promise<number | string | null>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal));
  });
  return {
    child,
    events,
    exited,
    kill() {
      const started = events.find((event) => event.event === 'start');
      if (typeof started?.pid === 'number' && started.pid !== child.pid) {
        try {
          process.kill(started.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      child.kill('SIGKILL');
    },
    until(test) {
      const found = events.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiting.push({ test, resolve });
        void exited.then(() =>
          reject(new Error(`the child exited before the event; events: ${JSON.stringify(events.slice(-3))}`)),
        );
      });
    },
  };
}
