/**
 * Runs specs of the companion app's end-to-end suite (test/e2e/, all of them for an empty list) through
 * `@playwright/test` and fails on any failed, flaky or skipped test. The suite's own waits are bounded
 * per step in test/e2e/playwright.config.ts; this waits for the run to end.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './built-cli.js';

export function runE2e(specs: string[]): void {
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/@playwright/test/cli.js'),
      'test',
      '-c',
      'test/e2e/playwright.config.ts',
      ...specs,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/\d+ passed/);
  expect(output).not.toMatch(/\d+ (failed|flaky|skipped)/);
}
