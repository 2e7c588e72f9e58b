/** 50,000 seeded random and mutated buffers through every decoder: typed results only, no throw. */
import { expect, it } from 'vitest';
import { fuzzDecoders } from '../bench/fuzz-core.js';

it('every decoder survives 50,000 random and mutated buffers (seed 20261122)', () => {
  const report = fuzzDecoders(50_000, 20261122);
  expect(report.buffers).toBe(50_000);
  expect(report.framesDecoded).toBeGreaterThan(0);
});
