import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e files build images; two cores cannot usefully run more than two at once
    maxWorkers: 2,
    minWorkers: 1,
  },
});
