/**
 * `npm test`: every `*.test.ts` except the deep runs. No test timeout (0 = none): the work a test does
 * is sized by its author, so a busy machine makes it slower, never failing. Tests that wait on real
 * I/O (a browser, a pty, a child process) bound those waits themselves. Long runs live in
 * vitest.deep.config.ts (`npm run test:deep`).
 */
import { defineConfig } from 'vitest/config';

export const DEEP_TESTS = ['test/deep/**', '**/*.deep.test.ts'];

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', ...DEEP_TESTS],
    testTimeout: 0,
    hookTimeout: 0,
  },
});
