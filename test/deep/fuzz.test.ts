/**
 * 10,000,000 seeded random and mutated buffers through every decoder (issue #10 item 8;
 * `IQSIM_DEEP_FUZZ` sets the count): typed results only, no throw (test/fuzz.test.ts checks on 50,000
 * in `npm test` that the mutations reach the frame decoder). `npm run fuzz` runs the same outside
 * the test runner.
 */
import { expect, it } from 'vitest';
import { fuzzDecoders } from '../../bench/fuzz-core.js';
import { deepCount } from '../helpers/deep.js';

const BUFFERS = deepCount('fuzz', 10_000_000);

it(`every decoder survives ${BUFFERS} random and mutated buffers (seed 20261122)`, () => {
  const report = fuzzDecoders(BUFFERS, 20261122);
  expect(report.buffers).toBe(BUFFERS);
});
