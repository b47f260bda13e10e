import { defineConfig } from 'vitest/config';

// Three projects so each layer can be run alone (npm run test:unit …) and
// `npm test` runs them all. Integration and e2e tests spawn real ffmpeg and
// Chromium, so they get longer timeouts and run files one at a time per worker.
export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Test machines are containers where Chromium's own sandbox cannot start.
          env: { TELLFRAME_CHROMIUM_NO_SANDBOX: '1' },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          env: { TELLFRAME_CHROMIUM_NO_SANDBOX: '1' },
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // What a page shows after a key often waits for frames decoded by ffmpeg on a machine
          // running other tests: 1 s (vitest's default) is too short to wait for that.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
