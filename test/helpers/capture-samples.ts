/**
 * Capture samples for the reader and writer tests: a short session of every event kind, the files
 * of each format, and the check that a reader's answer is a typed result (docs/captures.md "Errors").
 */
import fc from 'fast-check';
import {
  type CaptureEvent,
  type CaptureResult,
  encodeBtsnoop,
  encodeJsonl,
  encodePcapng,
  type ReadCapture,
  readBtsnoop,
  readCapture,
  readJsonl,
  readPcapng,
  SimulatorError,
} from '../../simulator/index.js';

export const CAPTURE_CODES = [
  'SIM_CAPTURE_FORMAT',
  'SIM_CAPTURE_VERSION',
  'SIM_CAPTURE_LINKTYPE',
  'SIM_CAPTURE_TRUNCATED',
  'SIM_CAPTURE_RECORD',
];

const bytes = (...values: number[]) => Uint8Array.from(values);
const T0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z, µs

/** One of each event kind, in the order a session has them. */
export const SESSION: CaptureEvent[] = [
  { kind: 'advertising', tUs: T0, address: 'CD:8B:F9:BC:AA:93', data: bytes(2, 1, 5), rssi: -61 },
  { kind: 'connect', tUs: T0 + 10, handle: 0x40, address: 'CD:8B:F9:BC:AA:93', central: 'central-1' },
  { kind: 'att', tUs: T0 + 20, dir: 'toDevice', handle: 0x40, bytes: bytes(0x02, 0xf7, 0x00) },
  { kind: 'mtu', tUs: T0 + 20, handle: 0x40, mtu: 247 },
  { kind: 'att', tUs: T0 + 30, dir: 'toHost', handle: 0x40, bytes: bytes(0x03, 0xf7, 0x00) },
  {
    kind: 'att',
    tUs: T0 + 40,
    dir: 'toDevice',
    handle: 0x40,
    bytes: bytes(0x12, 0x17, 0, 0, 0xc0, 0, 0x24, 0xfc),
  },
  { kind: 'att', tUs: T0 + 45, dir: 'toHost', handle: 0x40, bytes: bytes(0x13) },
  { kind: 'bond', tUs: T0 + 50, bonded: true, handle: 0x40 },
  { kind: 'disconnect', tUs: T0 + 60, handle: 0x40, reason: 0x13 },
  { kind: 'bond', tUs: T0 + 61, bonded: false },
  { kind: 'usb', tUs: T0 + 70, dir: 'toDevice', bytes: new Uint8Array(64).fill(0x3f, 0, 1) },
  { kind: 'usb', tUs: T0 + 80, dir: 'toHost', bytes: new Uint8Array(64).fill(0x3f, 0, 1).fill(7, 1, 3) },
  { kind: 'serial', tUs: T0 + 90, dir: 'toDevice', bytes: bytes(0x3f, 0x04, 0xc0) },
  { kind: 'serial', tUs: T0 + 95, dir: 'toHost', bytes: bytes(0xff) },
];

/** What an HCI file keeps of `events`: no usb, serial or mtu; no central; bonds only made on a link. */
export function hciKept(events: readonly CaptureEvent[]): CaptureEvent[] {
  return events.flatMap((e): CaptureEvent[] => {
    if (e.kind === 'usb' || e.kind === 'serial' || e.kind === 'mtu') return [];
    if (e.kind === 'bond' && (!e.bonded || e.handle === undefined)) return [];
    if (e.kind === 'connect') return [{ kind: 'connect', tUs: e.tUs, handle: e.handle, address: e.address }];
    return [e];
  });
}

export const SAMPLE_FILES: Record<'jsonl' | 'btsnoop' | 'pcapng', Uint8Array> = {
  jsonl: new TextEncoder().encode(encodeJsonl(SESSION)),
  btsnoop: encodeBtsnoop(SESSION),
  pcapng: encodePcapng(SESSION),
};

export const READERS: Record<string, (input: Uint8Array) => CaptureResult<ReadCapture>> = {
  readJsonl,
  readBtsnoop,
  readPcapng,
  readCapture,
};

/** A reader's answer is an ok result, or an error of the capture codes with a place; never a throw. */
export function isTypedAnswer(result: CaptureResult<ReadCapture>): boolean {
  if (result.ok) return Array.isArray(result.value.events);
  const { error } = result;
  const placed = Number.isInteger(error.details.offset) || Number.isInteger(error.details.line);
  return error instanceof SimulatorError && CAPTURE_CODES.includes(error.code) && placed;
}

/** Random buffers, and sample files with bytes changed, cut, or inserted. */
export const fuzzInput: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(
      fc.constantFrom(...Object.values(SAMPLE_FILES)),
      fc.array(
        fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    )
    .map(([file, edits]) => {
      let out = file.slice();
      for (const [position, value, edit] of edits) {
        const at = position % (out.length + 1);
        if (edit === 'set' && at < out.length) out[at] = value;
        else if (edit === 'cut') out = out.slice(0, at);
        else {
          const grown = new Uint8Array(out.length + 1);
          grown.set(out.subarray(0, at));
          grown[at] = value;
          grown.set(out.subarray(at), at + 1);
          out = grown;
        }
      }
      return out;
    }),
);

/** Runs every reader over `runs` fuzzed inputs (seeded): each answer typed, none thrown. */
export function fuzzReaders(runs: number, seed: number): void {
  fc.assert(
    fc.property(fuzzInput, (input) => Object.values(READERS).every((read) => isTypedAnswer(read(input)))),
    { numRuns: runs, seed },
  );
}
