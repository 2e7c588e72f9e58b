/**
 * The long run of the capture readers' fuzz (`IQSIM_DEEP_CAPTURE_FUZZ` sets the count; `npm test`
 * runs 2,000 in capture.test.ts with another seed): every answer a typed result, none thrown.
 */
import { it } from 'vitest';
import { fuzzReaders } from '../../test/helpers/capture-samples.js';
import { deepCount } from '../../test/helpers/deep.js';

const RUNS = deepCount('capture-fuzz', 200_000);

it(`every capture reader survives ${RUNS} random and mutated files (seed 20261707)`, () => {
  fuzzReaders(RUNS, 20261707);
});
