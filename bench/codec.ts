/**
 * Codec throughput (issue #2): short and long frame decode on the allocation-free hot path, semantic
 * decode, encode, characteristic records, and the same short-frame parse written with binary-parser
 * as the baseline, measured in the same run. Each result is one JSON line.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Parser } from 'binary-parser';
import { do_not_optimize, measure } from 'mitata';
import {
  crc8,
  decodeBatteryRecord,
  decodeFrame,
  decodeStatusRecord,
  encodeBatteryRecord,
  encodeCommand,
  encodeShortFrame,
  FrameHeader,
  FrameStatus,
  hexBytes,
  parseFrameInto,
} from '../protocol/index.js';

export interface BenchLine {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The fleet size a line was measured at (`fleet-scaling`). */
  readonly n?: number;
  readonly baseline?: number;
  readonly ratio?: number;
}

/** Short frames as real traffic mixes them: reads, 4/14/24-byte payloads, requests and replies. */
const SHORT_FRAMES = [
  'C0 02 23 C3',
  'C9 47 24 02 01 00 00 05',
  '08 84 24 64 00 00 00 AE',
  'C0 88 00 10 00 87 05 00 21 A0 C0 01 14 01 01 06 06 3F',
  'C9 4F 04 5B 04 00 FF FF FF 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 06',
].map(hexBytes);
const LONG_FRAME = hexBytes('C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9');
const BATTERY = hexBytes('0F 00 38 19 B4 0E 64');
const STATUS = hexBytes('5B 00 00 00 03 00 00 42 0F');

/** The baseline: the same short-frame layout as a binary-parser (node, type, register, payload, crc). */
const baselineParser = new Parser()
  .uint8('node')
  .uint8('type')
  .uint8('register')
  .buffer('payload', {
    length: function (this: { type: number }) {
      return [0, 4, 14, 24][(this.type >> 2) & 3] as number;
    },
  })
  .uint8('crc');

interface Parsed {
  node: number;
  type: number;
  register: number;
  crc: number;
}

async function opsPerSecond(fn: () => unknown): Promise<number> {
  const stats = await measure(fn, { min_cpu_time: 400 * 1e6 });
  return 1e9 / stats.avg;
}

/** GC runs while decoding `count` short frames: 0 means nothing was allocated per frame. */
async function gcEventsDuring(count: number): Promise<number> {
  let events = 0;
  const observer = new PerformanceObserver((list) => {
    events += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const header = new FrameHeader();
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const frame = SHORT_FRAMES[i % SHORT_FRAMES.length] as Uint8Array;
    if (parseFrameInto(frame, 0, frame.length, header) === FrameStatus.OK) ok++;
  }
  do_not_optimize(ok);
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  return events;
}

export async function runCodecBench(): Promise<BenchLine[]> {
  const header = new FrameHeader();
  let i = 0;
  const nextShort = () => SHORT_FRAMES[i++ % SHORT_FRAMES.length] as Uint8Array;

  // Both short-frame arms do the same work, and every result is kept alive (mitata discards what a
  // measured function returns): ours parses the header and checks the CRC (status and register
  // used), the baseline parses the fields and compares its CRC with a computed CRC-8.
  const shortDecode = await opsPerSecond(() => {
    const f = nextShort();
    do_not_optimize(parseFrameInto(f, 0, f.length, header));
    do_not_optimize(header.address);
  });
  const baseline = await opsPerSecond(() => {
    const f = nextShort();
    const parsed = baselineParser.parse(f) as Parsed;
    do_not_optimize(parsed.crc === crc8(f, 1, f.length - 1));
    do_not_optimize(parsed.register);
  });
  const longDecode = await opsPerSecond(() => {
    do_not_optimize(parseFrameInto(LONG_FRAME, 0, LONG_FRAME.length, header));
    do_not_optimize(header.address);
  });
  const semanticDecode = await opsPerSecond(() => do_not_optimize(decodeFrame(nextShort())));
  const shortEncode = await opsPerSecond(() =>
    do_not_optimize(
      encodeShortFrame({ node: 0xc0, address: 0x8e, write: true, payload: SHORT_FRAMES[1]?.subarray(3, 7) }),
    ),
  );
  const commandEncode = await opsPerSecond(() =>
    do_not_optimize(encodeCommand('set-brightness', { args: ['high'] })),
  );
  const batteryDecode = await opsPerSecond(() => do_not_optimize(decodeBatteryRecord(BATTERY)));
  const batteryEncode = await opsPerSecond(() =>
    do_not_optimize(
      encodeBatteryRecord({
        chargerLevelPct: 56,
        chargerTempC: 25,
        chargerVoltageMv: 3764,
        holder1LevelPct: 100,
      }),
    ),
  );
  const statusDecode = await opsPerSecond(() => do_not_optimize(decodeStatusRecord(STATUS)));
  const gcRuns = await gcEventsDuring(10_000_000);

  const line = (metric: string, value: number, unit = 'frames/s'): BenchLine => ({
    bench: 'codec',
    metric,
    value: Math.round(value),
    unit,
  });
  return [
    {
      ...line('short-frame-decode', shortDecode),
      baseline: Math.round(baseline),
      ratio: Number((shortDecode / baseline).toFixed(1)),
    },
    line('binary-parser-short-frame-decode', baseline),
    line('long-frame-decode', longDecode),
    line('semantic-frame-decode', semanticDecode),
    line('short-frame-encode', shortEncode),
    line('command-encode', commandEncode),
    line('battery-record-decode', batteryDecode, 'records/s'),
    line('battery-record-encode', batteryEncode, 'records/s'),
    line('status-record-decode', statusDecode, 'records/s'),
    line('gc-runs-per-10M-short-decodes', gcRuns, 'gc runs'),
  ];
}
