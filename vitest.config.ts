import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and PostgreSQL work is I/O and native code; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
