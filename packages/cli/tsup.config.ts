import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const define = { __CLI_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // The programmatic API (createProgram, loadConfig, defineConfig …): ESM + CJS + declarations.
  // `libraryBuild` empties `dist/` once, before any of these builds runs.
  ...libraryBuild({ define }),
  // The `cdms-sync` binary: ESM only, with its shebang.
  {
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    define,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
