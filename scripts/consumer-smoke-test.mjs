// The built packages as consumers use them: packs every package under packages/*, installs the
// tarballs with npm into two throw-away projects outside the workspace, and in each runs a synced
// create, get, filter, save and delete against the CDMS emulator with PGlite:
// - ESM + TypeScript (module/moduleResolution nodenext, strict), type-checked by tsc, run by node;
// - CommonJS through require().
// Run `pnpm build` first. Usage: node scripts/consumer-smoke-test.mjs
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConsumerProject, packWorkspacePackages, ROOT, run } from './lib/consumer-project.mjs';

const tarballs = packWorkspacePackages();
const runtime = ['knex', 'knex-pglite', '@electric-sql/pglite'];
const templates = join(ROOT, 'scripts/consumers');

const esm = createConsumerProject({
  name: 'esm-consumer',
  template: join(templates, 'esm'),
  tarballs,
  manifest: { type: 'module' },
  dependencies: [...runtime, 'typescript', '@types/node'],
});
const cjs = createConsumerProject({
  name: 'cjs-consumer',
  template: join(templates, 'cjs'),
  tarballs,
  manifest: { type: 'commonjs' },
  dependencies: runtime,
});
try {
  run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: esm });
  run(process.execPath, ['dist/main.js'], { cwd: esm });
  run(process.execPath, ['main.cjs'], { cwd: cjs });
} finally {
  for (const dir of [esm, cjs]) rmSync(dir, { recursive: true, force: true });
}
console.log('consumer smoke test: ESM (tsc nodenext) and CommonJS consumers passed');
