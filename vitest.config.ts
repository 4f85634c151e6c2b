import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Spawned CLIs run dist/: rebuild it when src/ changed since, so no test runs stale code.
    globalSetup: ['test/helpers/build-current-source.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and PostgreSQL work is I/O and native code; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
