/**
 * `npm test`: every `*.test.ts` except the deep runs. No test timeout (0 = none): the work a test does
 * is sized by its author, so a busy machine makes it slower, never failing. Tests that wait on real
 * I/O (a browser, a pty, a child process) bound those waits themselves. Long runs live in
 * vitest.deep.config.ts (`npm run test:deep`).
 *
 * Two workers on these 2-core machines (vitest's default keeps one core free: 216 s → 166 s for the
 * files), and the files that wait on a browser, a tarball install or a pty start first, so a fresh
 * clone (no duration cache) does not end with the 60 s end-to-end suite running alone.
 */

import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DEEP_TESTS = ['test/deep/**', '**/*.deep.test.ts'];

/** Slowest first, as measured on an idle machine (`npx vitest run` per-file durations). */
const SLOW_FIRST = [
  'test/companion-e2e.test.ts',
  'test/playwright-pack.test.ts',
  'test/serial.test.ts',
  'test/pack.test.ts',
  'test/run-cli.test.ts',
  'test/webbluetooth-browser-order.test.ts',
  'test/webbluetooth-browser.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', ...DEEP_TESTS],
    testTimeout: 0,
    hookTimeout: 0,
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
