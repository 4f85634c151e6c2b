import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Spawned CLIs run dist/: rebuild it when src/ changed since, so no test runs stale code.
    globalSetup: ['test/helpers/build-current-source.ts'],
    // Some tests run a whole walkthrough (five plans and applies, each a CLI process): on a
    // busy 2-core machine they need more than a minute; a real hang still fails.
    testTimeout: 150_000,
    hookTimeout: 90_000,
    // DuckDB and PostgreSQL work is I/O and native code; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
