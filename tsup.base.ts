import type { Options } from 'tsup';

/** The build every package shares: ESM + CJS + declarations for Node 20. */
export function libraryBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    ...overrides,
  };
}
