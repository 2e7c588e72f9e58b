/**
 * The companion app's whole end-to-end suite (test/e2e/*.spec.ts) in real headless Chromium: the
 * device flows `npm test` runs (test/companion-e2e.test.ts) plus the account flows and every screen at
 * phone and desktop size under axe-core.
 */
import { it } from 'vitest';
import { runE2e } from '../helpers/e2e.js';

it('the whole companion app suite passes in real Chromium', () => {
  runE2e([]);
});
