/**
 * `TraceBatch` writes the very bytes of the string formatter's sample row (docs/traces.md
 * "Files"), for the values a sampler produces (whole, tenths, hundredths, negative ambient
 * temperatures) and for any other double, which takes the `String` path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceBatch, traceLines } from './format.js';
import type { TraceSample } from './types.js';

const hundredths = fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 100);
const value = fc.oneof(
  hundredths,
  fc.integer({ min: -5000, max: 5000 }).map((k) => k / 10),
  fc.integer({ min: 0, max: 2 ** 40 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    0.005,
    1e21,
    1e-7,
    123456789012.34,
    9999999999999.99,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
);
const name = fc.constantFrom('off', 'PREHEAT', 'SESSION_ACTIVE', 'white/pulse/3', 'CHARGING', 'a_b/c');

const sample = fc.record({
  atMs: value,
  holderState: name,
  chargerState: name,
  heaterC: value,
  heaterW: value,
  puffFlowMlS: value,
  puffs: value,
  holderPct: value,
  chargerPct: value,
  holderLed: name,
  chargerLed: name,
});

const typical: TraceSample = {
  atMs: 1200,
  holderState: 'SESSION_ACTIVE',
  chargerState: 'IDLE',
  heaterC: -3.4,
  heaterW: 7.05,
  puffFlowMlS: 0,
  puffs: 3,
  holderPct: 99.9,
  chargerPct: 100,
  holderLed: 'white/steady/1',
  chargerLed: 'off',
};

/** `batch`'s bytes for `s`, appended after what it holds, as text. */
function encode(batch: TraceBatch, s: TraceSample): string {
  const before = batch.length;
  batch.sample(s);
  return new TextDecoder().decode(batch.batched().subarray(before));
}

describe.each(['jsonl', 'csv'] as const)('TraceBatch (%s)', (format) => {
  const lines = traceLines(format);

  it('writes the bytes of the string formatter for any sample, after any other rows', () => {
    // A small batch, so that rows regularly make it grow.
    const batch = new TraceBatch(format, 64);
    fc.assert(
      fc.property(sample, (s) => {
        if (batch.length > 4096) batch.clear();
        expect(encode(batch, s)).toBe(lines.sample(s));
      }),
      { numRuns: 2000, seed: 20261206 },
    );
  });

  it('writes a sampler’s typical row', () => {
    expect(encode(new TraceBatch(format), typical)).toBe(lines.sample(typical));
  });

  it('keeps text lines as UTF-8, in order with the rows', () => {
    const batch = new TraceBatch(format, 16);
    batch.text('{"kind":"event","type":"note","text":"25 °C — ok"}\n');
    const row = encode(batch, typical);
    expect(new TextDecoder().decode(batch.batched())).toBe(
      `{"kind":"event","type":"note","text":"25 °C — ok"}\n${row}`,
    );
    batch.clear();
    expect(batch.batched()).toHaveLength(0);
  });
});
