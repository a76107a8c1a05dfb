import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: the CLI tests start child processes, and a busy 2-core machine can take tens of seconds
    // to start one. These guard against hangs; no test asserts a duration.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest runs cores − 1 files at once: one on a 2-core machine. Most files here wait on child processes
    // and local HTTP, so two at a time keep both cores busy.
    maxWorkers: 2,
  },
});
