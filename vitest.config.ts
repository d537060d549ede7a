import { defineConfig } from 'vitest/config';

const ignored = ['node_modules/**', 'dist/**', 'test/apiserver/.bin/**', 'test/apiserver/.run/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The built CLI (dist/) is imported by Node itself, as oclif imports its commands: in-process CLI tests
    // (test/helpers/cli.ts) must share one module graph with them, or errors and IO would be two copies.
    server: { deps: { external: [/\/dist\//] } },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: [...ignored, 'test/live/**'] },
      },
      {
        // Runs against a real kube-apiserver started once for the run (test/live/global-setup.ts).
        extends: true,
        test: {
          name: 'live',
          include: ['test/live/**/*.test.ts'],
          exclude: ignored,
          globalSetup: ['test/live/global-setup.ts'],
          // The cold harness build can take minutes on a fresh machine.
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
