/**
 * One reader for every capture format, told apart by the first bytes (the btsnoop magic, a pcapng
 * Section Header Block, else JSON lines); and the SCP frame a packet carries, derived on demand
 * rather than stored (docs/captures.md "The capture record").
 */
import {
  bleBytesToFrame,
  decodeAttPdu,
  decodeFrame,
  decodeUsbReport,
  type FrameDecodeResult,
} from '../../protocol/index.js';
import type { CaptureEvent } from '../capture-event.js';
import { HANDLES } from '../device/gatt-values.js';
import { BTSNOOP_MAGIC, type ReadCapture, readBtsnoop, startsWith } from './btsnoop.js';
import type { CaptureResult } from './bytes.js';
import { readJsonl } from './jsonl.js';
import { readPcapng } from './pcapng-read.js';

export type CaptureFormat = 'jsonl' | 'btsnoop' | 'pcapng';

const PCAPNG_MAGIC = Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a);
const CLASSIC_PCAP_MAGICS = [
  Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4),
  Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1),
  Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d),
  Uint8Array.of(0x4d, 0x3c, 0xb2, 0xa1),
];

/** The format of a capture file by its first bytes. */
export function captureFormatOf(bytes: Uint8Array): CaptureFormat {
  if (startsWith(bytes, BTSNOOP_MAGIC)) return 'btsnoop';
  if (startsWith(bytes, PCAPNG_MAGIC) || CLASSIC_PCAP_MAGICS.some((m) => startsWith(bytes, m)))
    return 'pcapng';
  return 'jsonl';
}

/** Reads any capture file: its format and events, or an error with its byte offset or line. */
export function readCapture(bytes: Uint8Array): CaptureResult<ReadCapture & { format: CaptureFormat }> {
  const format = captureFormatOf(bytes);
  const read =
    format === 'btsnoop' ? readBtsnoop(bytes) : format === 'pcapng' ? readPcapng(bytes) : readJsonl(bytes);
  return read.ok ? { ok: true, value: { ...read.value, format } } : read;
}

/**
 * The SCP frame a packet carries, decoded: a USB report's frame, or a single-packet BLE frame in a
 * write or notification of the SCP characteristic (docs/protocol.md §4.1, §5.2). Undefined for any other
 * packet, and for one fragment of a frame split over several ATT PDUs.
 */
export function scpFrameOf(event: CaptureEvent): FrameDecodeResult | undefined {
  if (event.kind === 'usb') {
    const frame = decodeUsbReport(event.bytes);
    return frame.ok ? decodeFrame(frame.value) : undefined;
  }
  if (event.kind !== 'att') return undefined;
  const pdu = decodeAttPdu(event.bytes);
  if (!pdu.ok) return undefined;
  const { value } = pdu;
  const carries =
    value.kind === 'writeRequest' ||
    value.kind === 'writeCommand' ||
    value.kind === 'handleValueNotification';
  if (!carries || value.handle !== HANDLES.scp || value.value[0] !== 0x00) return undefined;
  const frame = bleBytesToFrame(value.value);
  return frame.ok ? decodeFrame(frame.value) : undefined;
}
