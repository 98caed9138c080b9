import { defineConfig } from 'vitest/config';
import CacheFriendlySequencer from './test/helpers/sequencer.js';

// Two projects: `vitest run` (npm test) runs both once; `--project unit` / `--project e2e` one of them.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e files build images; two cores cannot usefully run more than two at once (a setting of the
    // whole run: vitest takes worker counts only here, not per project)
    maxWorkers: 2,
    minWorkers: 1,
    // which files start first (the layer cache e2e files share): test/helpers/sequencer.ts
    sequence: { sequencer: CacheFriendlySequencer },
    projects: [
      // its set-up builds dist/ when missing or stale (a few unit tests run the built bin) and wants shellcheck
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: ['test/helpers/unit-setup.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
