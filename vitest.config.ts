import { defineConfig } from 'vitest/config';

/**
 * Three layers, one `npm test`: fast pure unit tests, integration tests against real servers on
 * loopback (dynalite, the venue replay server, headless Chromium) and infrastructure tests that
 * synthesise the CDK app.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
