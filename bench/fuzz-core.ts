/**
 * Seeded fuzzing of every decoder: random buffers and mutations of real frames. A decoder passes if
 * it returns (a result, events or undefined) without throwing; the function rethrows the first throw
 * with the offending input. Shared by test/fuzz.test.ts (1 M buffers) and `npm run fuzz` (10 M).
 */
import {
  BlePacketAssembler,
  BleStreamDecoder,
  decodeAdvertising,
  decodeBatteryRecord,
  decodeFrame,
  decodeStatusRecord,
  decodeUsbReport,
  fragmentFrame,
  hexBytes,
  inspectBytes,
  toHex,
  UsbStreamDecoder,
} from '../protocol/index.js';

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'C0 02 23 C3',
  'C0 88 00 10 00 87 05 00 21 A0 C0 01 14 01 01 06 06 3F',
  'C9 4F 04 5B 04 00 FF FF FF 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 06',
  'C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9',
  'C9 10 02 01 01 75 D6',
  '08 8B 04 04 00 00 00 00 09 00 00 00 00 00 00 00 00 EE',
  '5B 00 00 00 03 00 00 42 0F',
  '0F 00 38 19 B4 0E 64',
  '02 01 05 05 FF 23 02 00 00 11 07 1B C5 D5 A5 02 00 45 9E E4 11 41 B0 40 B2 EB DA 02 0A 06',
].map(hexBytes);

export interface FuzzReport {
  readonly buffers: number;
  readonly seed: number;
  readonly framesDecoded: number;
}

/** Buffers between two calls of `onProgress`. */
const PROGRESS_EVERY = 65_536;

/** Runs `count` buffers through every decoder; `onProgress(done)` every PROGRESS_EVERY buffers. */
export function fuzzDecoders(count: number, seed: number, onProgress?: (done: number) => void): FuzzReport {
  const random = seededRandom(seed);
  const ble = new BleStreamDecoder();
  const usb = new UsbStreamDecoder();
  const assembler = new BlePacketAssembler();
  let framesDecoded = 0;
  for (let i = 0; i < count; i++) {
    if (onProgress && i % PROGRESS_EVERY === 0) onProgress(i);
    const input = i % 2 === 0 ? randomBuffer(random) : mutate(SEEDS[i % SEEDS.length] as Uint8Array, random);
    try {
      if (decodeFrame(input).ok) framesDecoded++;
      decodeBatteryRecord(input);
      decodeStatusRecord(input);
      decodeAdvertising(input);
      decodeUsbReport(input);
      assembler.push(input, i);
      ble.push(input);
      usb.push(input);
      if (i % 16 === 0) {
        inspectBytes(input, { transport: 'ble' });
        inspectBytes(input, { transport: 'usb' });
        for (const packet of fragmentFrame(input)) ble.push(packet);
      }
    } catch (e) {
      throw new Error(
        `decoder threw on input ${toHex(input)} (seed ${seed}, buffer ${i}): ${(e as Error).stack}`,
      );
    }
  }
  return { buffers: count, seed, framesDecoded };
}

function randomBuffer(random: () => number): Uint8Array {
  const out = new Uint8Array(Math.floor(random() * 70));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const out = Uint8Array.from(seed);
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
  const cut = random();
  if (cut < 0.2) return out.subarray(0, Math.floor(random() * out.length));
  if (cut < 0.3) return Uint8Array.of(...out, Math.floor(random() * 256));
  return out;
}
