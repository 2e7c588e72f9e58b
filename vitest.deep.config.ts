/**
 * `npm run test:deep`: the long seeded runs (10,000 firmware sequences per model, the 10 M-buffer fuzz,
 * soaks): files in `test/deep/` or named `*.deep.test.ts`. Counts come from `IQSIM_DEEP_<NAME>`
 * variables (`scripts/test-deep.mjs` turns `name=count` arguments into them); see README "Testing".
 */
import { defineConfig } from 'vitest/config';
import { DEEP_TESTS } from './vitest.config.js';

export default defineConfig({
  test: {
    include: DEEP_TESTS.map((pattern) => (pattern.endsWith('/**') ? `${pattern}/*.test.ts` : pattern)),
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 0,
    hookTimeout: 0,
  },
});
