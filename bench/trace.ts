/**
 * Trace cost (issue 20, docs/traces.md). One JSON line per metric:
 * - `trace-overhead-pct`: how much slower the device bench's session (bench/device.ts
 *   `sessionRatio`: a 6-minute ILUMA i session with a BLE client, in virtual time) runs with a
 *   `TraceSampler` at 10 Hz writing JSON lines to a file: (plain ratio / traced ratio − 1) × 100,
 *   medians of rounds that alternate plain and traced runs (target ≤ 5).
 * - `trace-discard-overhead-pct`: the same with a sink that throws the rows away: what sampling
 *   costs the simulation, without the text (docs/traces.md "What a trace costs").
 * - `trace-bytes-per-session`: the size of that JSON-lines trace.
 * - `plot-svg-ms`: `renderTraceSvg` of that trace (the `iqsim plot --svg` chart), median of 5
 *   renders after one warm-up; `plot-import-ms`: loading Observable Plot and linkedom the first time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTrace, TraceSampler, type TraceSink } from '../simulator/index.js';
import { openTraceFile, renderTraceSvg } from '../transports/index.js';
import type { BenchLine } from './codec.js';
import { sessionRatio } from './device.js';

const RATE_HZ = 10;
const ROUNDS = 25;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const DISCARD: TraceSink = { start() {}, sample() {}, event() {}, end() {} };

export async function runTraceBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-trace-bench-'));
  const path = join(dir, 'session.jsonl');
  try {
    const traced = (sink: () => TraceSink) =>
      sessionRatio(undefined, 4, (clock, device) => {
        const sampler = new TraceSampler(device, { rateHz: RATE_HZ, sink: sink(), clock });
        return () => sampler.close();
      });
    const plain: number[] = [];
    const withTrace: number[] = [];
    const discarded: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push((await sessionRatio(undefined, 4)).ratio);
      withTrace.push((await traced(() => openTraceFile(path))).ratio);
      discarded.push((await traced(() => DISCARD)).ratio);
    }
    const overheadPct = (median(plain) / median(withTrace) - 1) * 100;
    const discardPct = (median(plain) / median(discarded) - 1) * 100;
    const bytes = statSync(path).size;
    const trace = readTrace(await readFile(path, 'utf8'));
    const importStart = performance.now();
    await renderTraceSvg(trace);
    const importMs = performance.now() - importStart;
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await renderTraceSvg(trace);
      renders.push(performance.now() - start);
    }
    const line = (metric: string, value: number, unit: string): BenchLine => ({
      bench: 'trace',
      metric,
      value,
      unit,
    });
    return [
      line('trace-overhead-pct', Math.round(overheadPct * 10) / 10, '%'),
      line('trace-discard-overhead-pct', Math.round(discardPct * 10) / 10, '%'),
      line('trace-bytes-per-session', bytes, 'bytes'),
      line('plot-import-ms', Math.round(importMs), 'ms'),
      line('plot-svg-ms', Math.round(median(renders)), 'ms'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
