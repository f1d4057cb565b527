import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests run against each package's TypeScript sources, never a stale build. */
const alias = [
  {
    find: /^@cdms-sync\/cdms-client\/emulator$/,
    replacement: source('./packages/cdms-client/src/emulator/index.ts'),
  },
  { find: /^@cdms-sync\/cdms-client$/, replacement: source('./packages/cdms-client/src/index.ts') },
  { find: /^@cdms-sync\/core$/, replacement: source('./packages/core/src/index.ts') },
  { find: /^@cdms-sync\/knex$/, replacement: source('./packages/knex/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // CI also writes a JSON report, which .ci/run turns into one plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: '@cdms-sync/cdms-client',
          include: ['packages/cdms-client/src/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['packages/cdms-client/src/**/*.test-d.ts'],
            tsconfig: 'packages/cdms-client/tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: '@cdms-sync/core',
          include: ['packages/core/src/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['packages/core/src/**/*.test-d.ts'],
            tsconfig: 'packages/core/tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: '@cdms-sync/knex',
          include: ['packages/knex/src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
