import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ignored = ['node_modules/**', 'dist/**', 'test/apiserver/.bin/**', 'test/apiserver/.run/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The npm route keeps V8 code caches in the user's cache folder (src/cli/code-cache-store.ts): a test run keeps
    // its own in the clone, so it neither fills the developer's ~/.cache nor depends on what is there.
    env: { XDG_CACHE_HOME: fileURLToPath(new URL('.tools/test-cache', import.meta.url)) },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: [...ignored, 'test/live/**', 'test/dist/**'] },
      },
      {
        // The release (npm run package): every platform's archive checked for structure, the linux/amd64 one
        // installed with real krew and run through kubectl without Node, and the npm package installed.
        extends: true,
        test: {
          name: 'dist',
          include: ['test/dist/**/*.test.ts'],
          exclude: ignored,
          globalSetup: ['test/dist/global-setup.ts'],
          testTimeout: 120_000,
        },
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
