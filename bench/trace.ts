/**
 * Trace cost (issue 20, docs/traces.md). One JSON line per metric:
 * - `trace-overhead-pct`: how much slower the device bench's session (bench/device.ts
 *   `sessionRatio`: a 6-minute ILUMA i session with a BLE client, in virtual time) runs with a
 *   `TraceSampler` at 10 Hz (`--trace`'s default) writing JSON lines to a file: (bare ratio /
 *   traced ratio − 1) × 100, each the median over 15 processes per variant, run in turn
 *   (bench/trace-child.ts: 18 sessions each after 12 of warm-up). Target ≤ 5.
 * - `trace-discard-overhead-pct`: the same with a sink that throws the rows away: what sampling
 *   costs the simulation, without the text (docs/traces.md "What a trace costs").
 * - `trace-1hz-overhead-pct`: `trace-overhead-pct` at 1 Hz, the rate of the heater events.
 * - `trace-bytes-per-session`: the size of that JSON-lines trace.
 * - `plot-svg-ms`: `renderTraceSvg` of that trace (the `iqsim plot --svg` chart), median of 5
 *   renders after one warm-up; `plot-import-ms`: loading Observable Plot and linkedom the first time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readTrace, TRACE_DEFAULT_RATE_HZ, TraceSampler } from '../simulator/index.js';
import { openTraceFile, renderTraceSvg } from '../transports/index.js';
import type { BenchLine } from './codec.js';
import { sessionRatio } from './device.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** What each process of the bench runs (bench/trace-child.ts): no trace, or a trace at a rate into a file or thrown away. */
export const TRACE_VARIANTS = ['bare', 'file-10hz', 'discard-10hz', 'file-1hz'] as const;
export type TraceVariant = (typeof TRACE_VARIANTS)[number];

/** Processes per variant, run in turn (bare, file, discard, 1 Hz, bare, …). */
const PROCESSES = 15;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The session ratio of one process running `variant`. Then `sync`: the kernel writing back a file
 * variant's 18 MB must not land in the next process's timing (it made single processes up to three
 * times slower).
 */
function childRatio(variant: TraceVariant, dir: string): number {
  const child = spawnSync(process.execPath, [join(HERE, 'trace-child.js'), variant, dir], {
    encoding: 'utf8',
  });
  const ratio = Number(child.stdout);
  if (child.status !== 0 || !(ratio > 0)) throw new Error(`trace bench: ${variant} failed: ${child.stderr}`);
  spawnSync('sync');
  return ratio;
}

export async function runTraceBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-trace-bench-'));
  try {
    const ratios = new Map<TraceVariant, number[]>(TRACE_VARIANTS.map((v) => [v, []]));
    for (let round = 0; round < PROCESSES; round++)
      for (const variant of TRACE_VARIANTS) ratios.get(variant)?.push(childRatio(variant, dir));
    const bare = median(ratios.get('bare') ?? []);
    const overhead = (variant: TraceVariant) =>
      Math.round((bare / median(ratios.get(variant) ?? []) - 1) * 1000) / 10;
    // One more 10 Hz trace, in this process, for its size and the plot.
    const path = join(dir, 'session.jsonl');
    await sessionRatio(undefined, 1, (clock, device) => {
      const sampler = new TraceSampler(device, {
        rateHz: TRACE_DEFAULT_RATE_HZ,
        sink: openTraceFile(path),
        clock,
      });
      return () => sampler.close();
    });
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
      line('trace-overhead-pct', overhead('file-10hz'), '%'),
      line('trace-discard-overhead-pct', overhead('discard-10hz'), '%'),
      line('trace-1hz-overhead-pct', overhead('file-1hz'), '%'),
      line('trace-bytes-per-session', bytes, 'bytes'),
      line('plot-import-ms', Math.round(importMs), 'ms'),
      line('plot-svg-ms', Math.round(median(renders)), 'ms'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
