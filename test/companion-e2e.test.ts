/**
 * Issue #12 item 4 in `npm test`: the device side of the companion app's end-to-end suite
 * (test/e2e/: pairing, the device screen, no Web Bluetooth, teardown) in real headless Chromium, run by
 * `@playwright/test` with the iqsim/playwright fixture, as QA would run it. The whole suite, with the
 * account flows and every screen at two sizes under axe-core, runs in `npm run test:deep`
 * (test/deep/companion-e2e.test.ts): together they took `npm test` past its 4 minutes on a 2-core
 * machine. Screenshots of failing screens land in test-results/e2e/.
 */
import { it } from 'vitest';
import { runE2e } from './helpers/e2e.js';

it('the companion app device flows pass in real Chromium', () => {
  runE2e(['pairing.spec.ts', 'device-screen.spec.ts', 'no-bluetooth.spec.ts', 'teardown.spec.ts']);
});
