/**
 * Trace cost (issue 20, docs/traces.md). One JSON line per metric:
 * - `trace-overhead-pct`: how much slower the device bench's session (bench/device.ts
 *   `sessionRatio`: a 6-minute ILUMA i session with a BLE client, in virtual time) runs with a
 *   `TraceSampler` at 10 Hz writing JSON lines to a file: (plain ratio / traced ratio − 1) × 100,
 *   medians of rounds that alternate plain and traced runs (target ≤ 5).
 * - `trace-discard-overhead-pct`: the same with a sink that throws the rows away: what sampling
 *   costs the simulation, without the text (docs/traces.md "What a trace costs").
 * - `trace-1hz-overhead-pct`: `trace-overhead-pct` at 1 Hz, the rate of the heater events.
 * - `trace-bytes-per-session`: the size of that JSON-lines trace.
 * - `plot-svg-ms`: `renderTraceSvg` of that trace (the `iqsim plot --svg` chart), median of 5
 *   renders after one warm-up; `plot-import-ms`: loading Observable Plot and linkedom the first time.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTrace, TRACE_DEFAULT_RATE_HZ, TraceSampler, type TraceSink } from '../simulator/index.js';
import { openTraceFile, renderTraceSvg } from '../transports/index.js';
import type { BenchLine } from './codec.js';
import { sessionRatio } from './device.js';

/** `--trace`'s default rate (docs/traces.md "Rates"), and the heater events' rate. */
const RATE_HZ = TRACE_DEFAULT_RATE_HZ;
const SLOW_RATE_HZ = 1;
const ROUNDS = 25;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const DISCARD: TraceSink = { start() {}, sample() {}, event() {}, end() {} };

export async function runTraceBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-trace-bench-'));
  let files = 0;
  /** The last 10 Hz file: its size is reported and it is plotted. */
  let path = '';
  // Each run writes a new file, and the files are removed between rounds: removing or overwriting
  // an old trace (its blocks freed, 0.3 ms for a 10 Hz session here) is not tracing.
  const nextPath = (rateHz: number): string => {
    const next = join(dir, `session-${files++}.jsonl`);
    if (rateHz === RATE_HZ) path = next;
    return next;
  };
  const sweep = (): void => {
    for (const name of readdirSync(dir)) if (join(dir, name) !== path) rmSync(join(dir, name));
  };
  try {
    const traced = (rateHz: number, sink: () => TraceSink) =>
      sessionRatio(undefined, 4, (clock, device) => {
        const sampler = new TraceSampler(device, { rateHz, sink: sink(), clock });
        return () => sampler.close();
      });
    const plain: number[] = [];
    const withTrace: number[] = [];
    const discarded: number[] = [];
    const slow: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push((await sessionRatio(undefined, 4)).ratio);
      withTrace.push((await traced(RATE_HZ, () => openTraceFile(nextPath(RATE_HZ)))).ratio);
      discarded.push((await traced(RATE_HZ, () => DISCARD)).ratio);
      slow.push((await traced(SLOW_RATE_HZ, () => openTraceFile(nextPath(SLOW_RATE_HZ)))).ratio);
      sweep();
    }
    const overhead = (ratios: number[]) => Math.round((median(plain) / median(ratios) - 1) * 1000) / 10;
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
      line('trace-overhead-pct', overhead(withTrace), '%'),
      line('trace-discard-overhead-pct', overhead(discarded), '%'),
      line('trace-1hz-overhead-pct', overhead(slow), '%'),
      line('trace-bytes-per-session', bytes, 'bytes'),
      line('plot-import-ms', Math.round(importMs), 'ms'),
      line('plot-svg-ms', Math.round(median(renders)), 'ms'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
