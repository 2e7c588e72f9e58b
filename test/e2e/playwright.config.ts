/**
 * The companion app's end-to-end suite in real Chromium (issue #12 item 4), run by
 * test/companion-e2e.test.ts (`npm test`) or directly: `npx playwright test -c test/e2e`.
 * Debian's Chromium comes from the fixture (iqsim/playwright); one worker per core is plenty: each
 * test has its own device, registry and app server.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: process.env.IQSIM_E2E_OUTPUT ?? '../../test-results/e2e',
  fullyParallel: true,
  workers: process.env.IQSIM_E2E_WORKERS ? Number(process.env.IQSIM_E2E_WORKERS) : 2,
  reporter: [['list']],
  // A browser test waits on a real browser: bounded, generously, per test and per expectation.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
