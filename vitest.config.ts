import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers and spool real files: separate processes, generous time.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
