/**
 * `npm test`: every `*.test.ts` except the deep runs. No test timeout (0 = none): the work a test does
 * is sized by its author, so a busy machine makes it slower, never failing. Tests that wait on real
 * I/O (a browser, a pty, a child process) bound those waits themselves. Long runs live in
 * vitest.deep.config.ts (`npm run test:deep`).
 *
 * A worker per core plus one (vitest's default keeps one core free: on these 2-core machines that is
 * one worker, 216 s for the files against 166 s with two). The two browser suites at the head of the
 * list hold two workers for most of the run while they mostly wait on Chromium (a run used about 70 %
 * of the two cores), so the third works through the other files meanwhile. The files that wait on a
 * browser, a tarball install or a pty start first, so a fresh clone (no duration cache) does not end
 * with the 60 s end-to-end suite running alone.
 *
 * `isolate: false`: a worker keeps its module graph from one file to the next instead of importing
 * everything again for each of the ~120 files. Measured on the idle machine: the files took 146 s
 * instead of 209–234 s, and 197 CPU-seconds instead of ~330 (import time 18 s instead of 84–89 s).
 * Test files therefore must not leave global state behind (fake timers, stubbed globals): each
 * restores what it changes in afterEach/afterAll; a file that mocks a module (`vi.mock`) runs isolated.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DEEP_TESTS = ['test/deep/**', '**/*.deep.test.ts'];

/** Slowest first, as measured on an idle machine (`npx vitest run` per-file durations). */
const SLOW_FIRST = [
  'test/companion-e2e.test.ts',
  'test/pack.test.ts',
  'test/serial.test.ts',
  'test/run-cli.test.ts',
  'test/webbluetooth-browser-order.test.ts',
  'test/webbluetooth-browser.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array sort is stable: the rest keep the base sequencer's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/** Debian's Chromium without the omnibox popup it preloads in every window (see the script). */
const LEAN_CHROMIUM = fileURLToPath(new URL('test/fixtures/chromium/lean-chromium', import.meta.url));

/** Files that replace a module with `vi.mock`: run in a fresh module graph of their own. */
const MOCKING = ['test/noble.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 0,
    hookTimeout: 0,
    // A Chromium of the developer's own ($IQSIM_CHROMIUM) is left as it is.
    env: process.env.IQSIM_CHROMIUM ? {} : { IQSIM_CHROMIUM: LEAN_CHROMIUM },
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', 'dist/**', ...DEEP_TESTS, ...MOCKING],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING, isolate: true } },
    ],
  },
});
