/**
 * Issue 10 item 8: 1,000 seeded link-fault schedules (`npm run test:deep -- link-soak=N` for another
 * count); the same checks as test/link-soak.test.ts.
 */
import { expect, it } from 'vitest';
import { deepCount } from '../helpers/deep.js';
import { runLinkSoaks } from '../helpers/link-soak.js';

it('seeded link-fault schedules: every call settles within its budget, honestly; the client works after', async () => {
  const count = deepCount('link-soak', 1000);
  const { outcomes, violations } = await runLinkSoaks(count);
  expect(violations).toEqual([]);
  expect(outcomes.ok).toBeGreaterThan(count * 10);
});
