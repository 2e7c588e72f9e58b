/**
 * Issue #12 item 4 in `npm test`: the companion app's end-to-end suite (test/e2e/*.spec.ts) in real
 * headless Chromium, run by `@playwright/test` with the iqsim/playwright fixture, as QA would run it.
 * Screenshots of failing screens land in test-results/e2e/ (printed below on failure). The suite's own
 * waits are bounded per step in test/e2e/playwright.config.ts; this test waits for the run to end.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';

it('the companion app flows pass in real Chromium', () => {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'test/e2e/playwright.config.ts'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/\d+ passed/);
  expect(output).not.toMatch(/\d+ (failed|flaky|skipped)/);
});
