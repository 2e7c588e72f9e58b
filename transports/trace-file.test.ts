/**
 * Trace files (docs/traces.md "Files"): what `openTraceFile` writes is, byte for byte, the lines of
 * the string formatters (`traceLines`) in the order the sampler sent them, for both formats and for a
 * rate whose instants are not whole milliseconds; a file's batch, reused by the next file once it is
 * closed, is never touched by the closed file again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createVirtualDevice,
  TraceSampler,
  type TraceSink,
  traceLines,
  VirtualClock,
} from '../simulator/index.js';
import { openTraceFile } from './trace-file.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-trace-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A heating run with a puff and a fault, then 10 idle minutes, traced into `sink`. */
function tracedRun(rateHz: number, sink: TraceSink): void {
  const clock = new VirtualClock();
  const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
  const stop = clock.follow(device);
  const sampler = new TraceSampler(device, { rateHz, sink, clock });
  device.input({ type: 'undock' }, clock.now());
  device.input({ type: 'stick', action: 'insert' }, clock.now());
  clock.advanceBy(25_000);
  device.input({ type: 'puff' }, clock.now());
  clock.advanceBy(8_000);
  device.input({ type: 'fault', fault: 'heaterOverTemp' }, clock.now());
  clock.advanceBy(600_000);
  sampler.close();
  stop();
}

describe.each(['jsonl', 'csv'] as const)('openTraceFile (%s)', (format) => {
  it.each([10, 3])('writes the string formatters’ lines at %s Hz, in order', (rateHz) => {
    const path = join(dir, `run-${rateHz}.${format}`);
    const file = openTraceFile(path);
    const lines = traceLines(format);
    let expected = '';
    tracedRun(rateHz, {
      start(header) {
        expected += lines.header(header);
        file.start(header);
      },
      sample(sample) {
        expected += lines.sample(sample);
        file.sample(sample);
      },
      event(event) {
        expected += lines.event(event);
        file.event(event);
      },
      end(end) {
        expected += lines.end(end);
        file.end(end);
      },
    });
    const written = readFileSync(path, 'utf8');
    // Two 64 KB batches at least.
    expect(written.length).toBeGreaterThan(130_000);
    expect(written).toBe(expected);
  });
});

it('a closed file leaves its batch alone once the next file has it', () => {
  const first = openTraceFile(join(dir, 'first.jsonl'));
  let header: Parameters<TraceSink['start']>[0] | undefined;
  let sample: Parameters<TraceSink['sample']>[0] | undefined;
  tracedRun(1, {
    start: (h) => {
      header = h;
      first.start(h);
    },
    sample: (s) => {
      sample ??= { ...s };
      first.sample(s);
    },
    event: (e) => first.event(e),
    end: (e) => first.end(e),
  });
  const firstText = readFileSync(join(dir, 'first.jsonl'), 'utf8');
  if (header === undefined || sample === undefined) throw new Error('the run sent no rows');
  const second = openTraceFile(join(dir, 'second.jsonl'));
  second.start(header);
  second.sample(sample);
  // Late calls on the closed file, while the second holds what may be its old batch.
  first.start(header);
  first.sample(sample);
  first.event({ type: 'puff', atMs: 1, puffs: 1, counted: true, durationMs: 2000 });
  first.close();
  second.sample(sample);
  second.close();
  const lines = traceLines('jsonl');
  expect(readFileSync(join(dir, 'second.jsonl'), 'utf8')).toBe(
    lines.header(header) + lines.sample(sample) + lines.sample(sample),
  );
  expect(readFileSync(join(dir, 'first.jsonl'), 'utf8')).toBe(firstText);
});
