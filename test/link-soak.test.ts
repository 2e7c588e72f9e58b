/** Issue 10 item 8, small seeded version: 50 link-fault schedules (1,000 in `npm run test:deep`). */
import { expect, it } from 'vitest';
import { runLinkSoaks } from './helpers/link-soak.js';

it('50 seeded link-fault schedules: every call settles within its budget, honestly; the client works after', async () => {
  const { outcomes, violations } = await runLinkSoaks(50);
  expect(violations).toEqual([]);
  // The faults did happen: some calls failed each way, most succeeded.
  expect(outcomes.ok).toBeGreaterThan(500);
  expect(outcomes.SIM_TIMEOUT).toBeGreaterThan(0);
  expect(outcomes.SIM_DISCONNECTED).toBeGreaterThan(0);
});
