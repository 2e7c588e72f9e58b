/**
 * `diff-100k-wall-ms` (issue 17): what `iqsim diff` does with two 100,000-packet JSON-lines captures
 * that differ in one reply, in process (node's own start-up, about 0.4 s here, and printing one
 * difference are not counted): reading both files, the schema check of every line, two transcripts
 * and the aligned diff. The
 * captures are a recorded ILUMA i session (68 packets: discovery, DIS reads, SCP reads and a write)
 * repeated with its times shifted; B has one battery reply changed in the middle. Median of 5 runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCommand } from '../protocol/index.js';
import {
  type CaptureEvent,
  CaptureList,
  createVirtualDevice,
  diffTranscripts,
  encodeJsonl,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  transcriptOf,
  VirtualClock,
} from '../simulator/index.js';
import { readCaptureFile } from '../transports/index.js';
import type { BenchLine } from './codec.js';

const PACKETS = 100_000;

async function session(): Promise<CaptureEvent[]> {
  const capture = new CaptureList();
  const clock = new VirtualClock(0);
  const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
  device.captureTo(capture);
  const link = new InMemoryLink(clock, device, { latencyMs: 1 });
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock, channel: 'ble' }));
  await runUntilSettled(clock, client.readDeviceInformation());
  await runUntilSettled(clock, client.getBatteryPercent());
  await runUntilSettled(clock, client.getProductNumber('holder'));
  await runUntilSettled(clock, client.setBrightness('low'));
  await runUntilSettled(clock, client.readUsageCounters('charger'));
  link.close();
  return capture.events.filter((e) => e.kind === 'att');
}

/** `PACKETS` packets: the session again and again, 1 s apart. */
function repeated(packets: readonly CaptureEvent[]): CaptureEvent[] {
  const out: CaptureEvent[] = [];
  for (let round = 0; out.length < PACKETS; round += 1)
    for (const p of packets) if (out.length < PACKETS) out.push({ ...p, tUs: p.tUs + round * 1_000_000 });
  return out;
}

/** The same capture with the battery reply nearest the middle answering 42 %. */
function withOneChange(events: readonly CaptureEvent[]): CaptureEvent[] {
  const reply = encodeCommand('get-battery-percent', { reply: true, args: ['42'] });
  const at = events.findIndex(
    (e, i) =>
      i >= events.length / 2 &&
      e.kind === 'att' &&
      e.dir === 'toHost' &&
      e.bytes[0] === 0x1b &&
      e.bytes[4] === 0xc0 &&
      e.bytes[6] === 0x24,
  );
  const out = [...events];
  const old = out[at] as Extract<CaptureEvent, { kind: 'att' }>;
  out[at] = { ...old, bytes: Uint8Array.of(...old.bytes.subarray(0, 3), 0x00, ...reply) };
  return out;
}

export async function runDiffBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-bench-diff-'));
  try {
    const a = repeated(await session());
    const b = withOneChange(a);
    writeFileSync(join(dir, 'a.jsonl'), encodeJsonl(a));
    writeFileSync(join(dir, 'b.jsonl'), encodeJsonl(b));
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const [left, right] = [
        await readCaptureFile(join(dir, 'a.jsonl')),
        await readCaptureFile(join(dir, 'b.jsonl')),
      ];
      if (!left.ok || !right.ok) throw new Error('diff bench: a capture did not read');
      const result = diffTranscripts(transcriptOf(left.value.events), transcriptOf(right.value.events));
      times.push(performance.now() - started);
      if (result.count !== 1)
        throw new Error(`diff bench: expected exactly one difference, got ${result.count}`);
    }
    times.sort((x, y) => x - y);
    return [
      { bench: 'capture', metric: 'diff-100k-wall-ms', value: Math.round(times[2] as number), unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
