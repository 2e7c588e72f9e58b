/**
 * `npm run bench -- capture` (issue 17): `capture-overhead-pct`, `diff-100k-wall-ms` (bench/diff.ts)
 * and `conformance-sim-wall-ms` (bench/conformance.ts).
 *
 * `capture-overhead-pct`: the device bench's six-minute session (bench/device.ts) with a JSON-lines
 * writer attached, against the same session without one: 100 × (ratio without / ratio with − 1),
 * from the medians of interleaved rounds. The writer is the file writer's encoder (`jsonlLine`) with
 * the lines counted rather than written, so a disk's speed does not enter the figure;
 * `captured-lines-per-session` shows the stream was not empty.
 */
import { type CaptureSink, jsonlLine } from '../simulator/index.js';
import type { BenchLine } from './codec.js';
import { conformanceSimWallMs } from './conformance.js';
import { sessionRatio } from './device.js';
import { runDiffBench } from './diff.js';

const ROUNDS = 7;

async function captureOverhead(): Promise<BenchLine[]> {
  let lines = 0;
  let bytes = 0;
  const writer = (): CaptureSink => {
    lines = 0;
    return {
      capture(event) {
        lines += 1;
        bytes += jsonlLine(event).length;
      },
    };
  };
  const without: number[] = [];
  const withWriter: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    without.push((await sessionRatio(undefined, 4)).ratio);
    withWriter.push((await sessionRatio(writer, 4)).ratio);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const overhead = (median(without) / median(withWriter) - 1) * 100;
  if (bytes === 0) throw new Error('capture bench: the writer got nothing');
  return [
    { bench: 'capture', metric: 'capture-overhead-pct', value: Math.round(overhead * 10) / 10, unit: '%' },
    { bench: 'capture', metric: 'captured-lines-per-session', value: lines, unit: 'lines' },
  ];
}

export async function runCaptureBench(): Promise<BenchLine[]> {
  return [...(await captureOverhead()), ...(await runDiffBench()), await conformanceSimWallMs()];
}
