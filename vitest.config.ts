import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start PostgreSQL or Python share the 2 cores of these machines.
    maxWorkers: 2,
    // TMPDIR → a sandbox for the run; fails the run listing anything the tests left in it.
    globalSetup: ['test/support/temp-sandbox.ts'],
    // Ends the output with the skipped tests and why (no Python venv, no PostgreSQL…).
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
});
