import { spawn } from 'node:child_process';

/**
 * Runs `node <args>` in a child process (stderr shared with this process) and resolves the JSON on
 * the last line it printed. Rejects when it exits with another code than 0 or the line is not JSON.
 *
 * @example
 * const report = await runJsonChild<SyncBenchReport>(['--import', 'tsx', 'sync-bench.ts', '--json'], { label: 'sync bench' });
 */
export function runJsonChild<T>(
  args: readonly string[],
  options: { readonly label: string; readonly env?: NodeJS.ProcessEnv },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    // 'close', not 'exit': stdout may still hold output when the process has exited.
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${options.label} exited with ${code}`));
      try {
        resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`${options.label} printed ${JSON.stringify(output)}`));
      }
    });
  });
}
