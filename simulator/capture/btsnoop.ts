/**
 * btsnoop (docs/captures.md "btsnoop"): the file format of Android's `btsnoop_hci.log` and of
 * Frontline's tools. A 16-byte header (`btsnoop\0`, version 1, datalink 1002 = HCI UART (H4)), then
 * records of 24 bytes of description (original length, included length, flags, cumulative drops, a
 * signed 64-bit timestamp in µs since 0000-01-01) and the H4 packet. Big-endian throughout. Flags bit
 * 0: 0 sent (host → controller), 1 received; bit 1: 1 command or event, 0 data.
 */
import type { CaptureEvent } from '../capture-event.js';
import { ByteWriter, type CaptureResult, errorResult, okResult } from './bytes.js';
import { H4Decoder, h4Of } from './hci.js';

export const BTSNOOP_MAGIC = Uint8Array.of(0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00);
export const BTSNOOP_VERSION = 1;
export const BTSNOOP_DATALINK_H4 = 1002;
/** µs from 0000-01-01 (nominal Gregorian) to 1970-01-01: capture µs are since 1970. */
export const BTSNOOP_EPOCH_DELTA_US = 0x00dcddb30f2f8000n;
const HEADER_BYTES = 16;
const RECORD_HEADER_BYTES = 24;

/** The 16-byte file header. */
export function btsnoopHeader(): Uint8Array {
  return new ByteWriter(false).bytes(BTSNOOP_MAGIC).u32(BTSNOOP_VERSION).u32(BTSNOOP_DATALINK_H4).done();
}

/** One event's record, or undefined when HCI does not carry it (usb, serial, mtu). */
export function btsnoopRecord(event: CaptureEvent): Uint8Array | undefined {
  const packet = h4Of(event);
  if (!packet) return undefined;
  const flags = (packet.received ? 1 : 0) | (packet.commandOrEvent ? 2 : 0);
  const w = new ByteWriter(false).u32(packet.bytes.length).u32(packet.bytes.length).u32(flags).u32(0);
  return w
    .i64(BigInt(event.tUs) + BTSNOOP_EPOCH_DELTA_US)
    .bytes(packet.bytes)
    .done();
}

/** A whole file of `events` (those HCI carries). */
export function encodeBtsnoop(events: readonly CaptureEvent[]): Uint8Array {
  const w = new ByteWriter(false).bytes(btsnoopHeader());
  for (const event of events) {
    const record = btsnoopRecord(event);
    if (record) w.bytes(record);
  }
  return w.done();
}

export interface ReadCapture {
  readonly events: CaptureEvent[];
  /** Records or blocks read but not turned into events (commands, other L2CAP channels, …). */
  readonly skipped: number;
}

/** Capture times are whole µs from 1970 within a safe integer (up to the year 2255). */
export function validTime(tUs: number): boolean {
  return Number.isSafeInteger(tUs) && tUs >= 0;
}

export function startsWith(bytes: Uint8Array, magic: Uint8Array): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Reads a btsnoop file (ours or Android's); errors carry the byte offset of the problem. */
export function readBtsnoop(bytes: Uint8Array): CaptureResult<ReadCapture> {
  if (!startsWith(bytes, BTSNOOP_MAGIC))
    return errorResult('SIM_CAPTURE_FORMAT', 'not a btsnoop file (no "btsnoop\\0" magic)', { offset: 0 });
  if (bytes.length < HEADER_BYTES)
    return errorResult('SIM_CAPTURE_TRUNCATED', 'the btsnoop header is cut short', { offset: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8);
  if (version !== BTSNOOP_VERSION)
    return errorResult('SIM_CAPTURE_VERSION', `btsnoop version ${version}; only 1 is read`, { offset: 8 });
  const datalink = view.getUint32(12);
  if (datalink !== BTSNOOP_DATALINK_H4)
    return errorResult('SIM_CAPTURE_LINKTYPE', `btsnoop datalink ${datalink}; only 1002 (H4) is read`, {
      offset: 12,
    });
  const decoder = new H4Decoder();
  const events: CaptureEvent[] = [];
  let skipped = 0;
  for (let at = HEADER_BYTES; at < bytes.length; ) {
    if (at + RECORD_HEADER_BYTES > bytes.length)
      return errorResult('SIM_CAPTURE_TRUNCATED', 'a btsnoop record header is cut short', { offset: at });
    const original = view.getUint32(at);
    const included = view.getUint32(at + 4);
    const flags = view.getUint32(at + 8);
    const tUs = Number(view.getBigInt64(at + 16) - BTSNOOP_EPOCH_DELTA_US);
    if (!validTime(tUs))
      return errorResult('SIM_CAPTURE_RECORD', 'a timestamp before 1970 or past 2255', { offset: at + 16 });
    const end = at + RECORD_HEADER_BYTES + included;
    if (included > original)
      return errorResult('SIM_CAPTURE_RECORD', `included length ${included} > original ${original}`, {
        offset: at,
      });
    if (end > bytes.length)
      return errorResult('SIM_CAPTURE_TRUNCATED', 'a btsnoop record is cut short', { offset: at });
    if (included < original) skipped++;
    else {
      const decoded = decoder.decode(bytes.subarray(at + RECORD_HEADER_BYTES, end), tUs, (flags & 1) === 1);
      if ('problem' in decoded) return errorResult('SIM_CAPTURE_RECORD', decoded.problem, { offset: at });
      if (decoded.events.length === 0) skipped++;
      events.push(...decoded.events);
    }
    at = end;
  }
  return okResult({ events, skipped });
}
