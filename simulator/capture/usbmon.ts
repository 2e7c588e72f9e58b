/**
 * USB HID reports as Linux usbmon packets (LINKTYPE_USB_LINUX_MMAPPED, 220): a 64-byte URB header, then
 * the report. Host → device reports are interrupt OUT submissions on endpoint 0x01 (`S`, with data),
 * device → host reports interrupt IN completions on 0x81 (`C`, with data), as on the device's one
 * interface (docs/protocol.md §5.1). Header fields are in the file's byte order (here little-endian).
 */
import type { CaptureDirection, UsbCapture } from '../capture-event.js';
import { ByteWriter } from './bytes.js';

export const USBMON_HEADER_BYTES = 64;
const URB_SUBMIT = 0x53; // 'S'
const URB_COMPLETE = 0x43; // 'C'
const TRANSFER_INTERRUPT = 1;
const ENDPOINT_OUT = 0x01;
const ENDPOINT_IN = 0x81;
/** flag_setup '-': no setup packet (not a control transfer); flag_data 0: data present. */
const NO_SETUP = 0x2d;
/** A submission's status: -EINPROGRESS. */
const IN_PROGRESS = -115;
const BUS = 1;
const DEVICE_ADDRESS = 1;
/** Interrupt interval, ms (docs/protocol.md §5.1: 1 ms). */
const INTERVAL_MS = 1;

/** One report as a usbmon packet; `urbId` tells URBs apart (any number unique within the file). */
export function usbmonPacket(event: UsbCapture, urbId: number, littleEndian: boolean): Uint8Array {
  const out = event.dir === 'toDevice';
  const seconds = Math.floor(event.tUs / 1e6);
  const w = new ByteWriter(littleEndian).u32(urbId >>> 0).u32(0);
  w.u8(out ? URB_SUBMIT : URB_COMPLETE)
    .u8(TRANSFER_INTERRUPT)
    .u8(out ? ENDPOINT_OUT : ENDPOINT_IN);
  w.u8(DEVICE_ADDRESS).u16(BUS).u8(NO_SETUP).u8(0);
  w.i64(BigInt(seconds))
    .i32(event.tUs - seconds * 1e6)
    .i32(out ? IN_PROGRESS : 0);
  w.u32(event.bytes.length).u32(event.bytes.length).u32(0).u32(0);
  w.i32(INTERVAL_MS).i32(0).u32(0).u32(0);
  return w.bytes(event.bytes).done();
}

/** The report of a usbmon packet, undefined when it carries none, or a problem. */
export function usbmonReport(
  bytes: Uint8Array,
  littleEndian: boolean,
): { dir: CaptureDirection; bytes: Uint8Array } | undefined | string {
  if (bytes.length < USBMON_HEADER_BYTES) return 'a usbmon packet shorter than its 64-byte header';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const captured = view.getUint32(36, littleEndian);
  if (captured !== bytes.length - USBMON_HEADER_BYTES)
    return `usbmon len_cap ${captured} but ${bytes.length - USBMON_HEADER_BYTES} data bytes`;
  if (captured === 0) return undefined;
  const endpoint = bytes[10] ?? 0;
  return { dir: endpoint & 0x80 ? 'toHost' : 'toDevice', bytes: bytes.slice(USBMON_HEADER_BYTES) };
}
