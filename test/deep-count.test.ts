/** The count rules of `npm run test:deep` (test/helpers/deep.ts). */
import { expect, it } from 'vitest';
import { deepCount, deepVariable } from './helpers/deep.js';

it('a count comes from its own variable, else IQSIM_DEEP_RUNS, else the default', () => {
  expect(deepVariable('firmware-links')).toBe('IQSIM_DEEP_FIRMWARE_LINKS');
  expect(deepCount('fuzz', 7, {})).toBe(7);
  expect(deepCount('fuzz', 7, { IQSIM_DEEP_RUNS: '40' })).toBe(40);
  expect(deepCount('fuzz', 7, { IQSIM_DEEP_RUNS: '40', IQSIM_DEEP_FUZZ: '9' })).toBe(9);
  expect(() => deepCount('fuzz', 7, { IQSIM_DEEP_FUZZ: '1e3x' })).toThrow(/IQSIM_DEEP_FUZZ=1e3x/);
  expect(() => deepCount('fuzz', 7, { IQSIM_DEEP_RUNS: '0' })).toThrow(/IQSIM_DEEP_RUNS=0/);
});
