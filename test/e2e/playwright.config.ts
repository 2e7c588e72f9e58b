/**
 * The companion app's end-to-end suite in real Chromium (issue #12 item 4), run by
 * test/companion-e2e.test.ts (`npm test`: the device side), test/deep/companion-e2e.test.ts (all) or directly: `npx playwright test -c test/e2e`.
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
  // No test timeout (the steps are sized by the specs, a busy machine makes them slower, never
  // failing); each wait on the browser is bounded, generously, per expectation and per action.
  timeout: 0,
  expect: { timeout: 30_000 },
  use: {
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
