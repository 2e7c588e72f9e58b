/**
 * `SampleRowEncoder` writes the very bytes of the string formatter's sample row (docs/traces.md
 * "Files"), for the values a sampler produces (whole, tenths, hundredths, negative ambient
 * temperatures) and for any other double, which takes the `String` path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SampleRowEncoder, traceLines } from './format.js';
import type { TraceSample } from './types.js';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

const hundredths = fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 100);
const value = fc.oneof(
  hundredths,
  fc.integer({ min: -5000, max: 5000 }).map((k) => k / 10),
  fc.integer({ min: 0, max: 2 ** 40 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.005, 1e21, 1e-7, 123456789012.34, Number.MAX_VALUE),
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

function encode(encoder: SampleRowEncoder, s: TraceSample): string {
  const words = Float64Array.of(
    -1,
    s.atMs,
    s.heaterC,
    s.heaterW,
    s.puffFlowMlS,
    s.puffs,
    s.holderPct,
    s.chargerPct,
  );
  const names = [s.holderState, s.chargerState, s.holderLed, s.chargerLed].map(ascii) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const room = encoder.maxBytes + names.reduce((sum, n) => sum + n.length, 0);
  const out = new Uint8Array(room + 8).fill(0x7e);
  const end = encoder.write(out, 3, words, 1, ...names);
  expect(end - 3).toBeLessThanOrEqual(room);
  expect(out[end]).toBe(0x7e);
  return new TextDecoder().decode(out.subarray(3, end));
}

describe.each(['jsonl', 'csv'] as const)('SampleRowEncoder (%s)', (format) => {
  const encoder = new SampleRowEncoder(format === 'csv');
  const lines = traceLines(format);

  it('writes the bytes of the string formatter for any sample', () => {
    fc.assert(
      fc.property(sample, (s) => {
        expect(encode(encoder, s)).toBe(lines.sample(s));
      }),
      { numRuns: 2000, seed: 20261206 },
    );
  });

  it('writes a sampler’s typical row', () => {
    const s: TraceSample = {
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
    expect(encode(encoder, s)).toBe(lines.sample(s));
  });
});
