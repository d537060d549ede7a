import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['node_modules', 'dist', 'test/apiserver/.bin/**', 'test/apiserver/.run/**'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
