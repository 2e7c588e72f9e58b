/**
 * Reads pcapng (docs/captures.md "pcapng"): either byte order, several sections, the three link
 * types of pcapng-write.ts (from any writer), `if_tsresol` and `epb_flags` honoured. Every error is a
 * result with the byte offset of the block at fault; the loop always moves forward, so no input hangs.
 */
import type { CaptureDirection, CaptureEvent } from '../capture-event.js';
import type { ReadCapture } from './btsnoop.js';
import { validTime } from './btsnoop.js';
import { type CaptureResult, errorResult, okResult } from './bytes.js';
import { H4Decoder } from './hci.js';
import {
  EPB_INBOUND,
  EPB_OUTBOUND,
  LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR,
  LINKTYPE_USB_LINUX_MMAPPED,
  LINKTYPE_USER0,
  OPTION_EPB_FLAGS,
  OPTION_IF_TSRESOL,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_SHB,
  PCAPNG_SPB,
} from './pcapng-write.js';
import { usbmonReport } from './usbmon.js';

const LINK_TYPES = [LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR, LINKTYPE_USB_LINUX_MMAPPED, LINKTYPE_USER0];
const CLASSIC_PCAP = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];

interface Interface {
  readonly linkType: number;
  /** Timestamp units per second (`if_tsresol`; default 10^6). */
  readonly unitsPerSecond: bigint;
}

class Section {
  readonly interfaces: Interface[] = [];
  constructor(readonly littleEndian: boolean) {}
}

type Step =
  | { readonly events: CaptureEvent[] }
  | { readonly problem: string; readonly code?: 'SIM_CAPTURE_LINKTYPE' | 'SIM_CAPTURE_VERSION' };

/** Reads a pcapng file; errors carry the byte offset of the block at fault. */
export function readPcapng(bytes: Uint8Array): CaptureResult<ReadCapture> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && CLASSIC_PCAP.includes(view.getUint32(0)))
    return errorResult('SIM_CAPTURE_FORMAT', 'a classic pcap file; save it as pcapng to read it', {
      offset: 0,
    });
  if (bytes.length < 4 || view.getUint32(0) !== PCAPNG_SHB)
    return errorResult('SIM_CAPTURE_FORMAT', 'not a pcapng file (no Section Header Block)', { offset: 0 });
  const decoder = new H4Decoder();
  const events: CaptureEvent[] = [];
  let section: Section | undefined;
  let skipped = 0;
  for (let at = 0; at < bytes.length; ) {
    if (at + 12 > bytes.length)
      return errorResult('SIM_CAPTURE_TRUNCATED', 'a pcapng block header is cut short', { offset: at });
    const type = view.getUint32(at, section?.littleEndian);
    if (type === PCAPNG_SHB) {
      const order = view.getUint32(at + 8, true);
      if (order !== PCAPNG_BYTE_ORDER_MAGIC && order !== 0x4d3c2b1a)
        return errorResult('SIM_CAPTURE_FORMAT', 'a pcapng section with no byte-order magic', {
          offset: at + 8,
        });
      section = new Section(order === PCAPNG_BYTE_ORDER_MAGIC);
    }
    const le = section?.littleEndian;
    const total = view.getUint32(at + 4, le);
    if (total < 12 || total % 4 !== 0)
      return errorResult('SIM_CAPTURE_RECORD', `a pcapng block length of ${total}`, { offset: at + 4 });
    if (at + total > bytes.length)
      return errorResult('SIM_CAPTURE_TRUNCATED', 'a pcapng block is cut short', { offset: at });
    if (view.getUint32(at + total - 4, le) !== total)
      return errorResult('SIM_CAPTURE_RECORD', 'a pcapng block whose two lengths differ', { offset: at });
    const body = new DataView(bytes.buffer, bytes.byteOffset + at + 8, total - 12);
    const step = blockStep(type, body, section as Section, decoder);
    if ('problem' in step)
      return errorResult(step.code ?? 'SIM_CAPTURE_RECORD', step.problem, { offset: at });
    if ((type === PCAPNG_EPB || type === PCAPNG_SPB) && step.events.length === 0) skipped++;
    events.push(...step.events);
    at += total;
  }
  return okResult({ events, skipped });
}

function blockStep(type: number, body: DataView, section: Section, decoder: H4Decoder): Step {
  const le = section.littleEndian;
  if (type === PCAPNG_SHB) {
    if (body.byteLength < 16) return { problem: 'a Section Header Block shorter than 28 bytes' };
    const major = body.getUint16(4, le);
    if (major === 1) return { events: [] };
    return { problem: `pcapng version ${major}; only 1 is read`, code: 'SIM_CAPTURE_VERSION' };
  }
  if (type === PCAPNG_IDB) {
    if (body.byteLength < 8) return { problem: 'an Interface Description Block shorter than 20 bytes' };
    const linkType = body.getUint16(0, le);
    if (!LINK_TYPES.includes(linkType))
      return { problem: `link type ${linkType}; read are 201, 220 and 147`, code: 'SIM_CAPTURE_LINKTYPE' };
    const options = optionsOf(body, 8, le);
    if (typeof options === 'string') return { problem: options };
    const resolution = options.get(OPTION_IF_TSRESOL)?.[0] ?? 6;
    const unitsPerSecond = resolution & 0x80 ? 2n ** BigInt(resolution & 0x7f) : 10n ** BigInt(resolution);
    section.interfaces.push({ linkType, unitsPerSecond });
    return { events: [] };
  }
  if (type === PCAPNG_EPB) return enhancedPacket(body, section, decoder);
  return { events: [] };
}

function enhancedPacket(body: DataView, section: Section, decoder: H4Decoder): Step {
  const le = section.littleEndian;
  if (body.byteLength < 20) return { problem: 'an Enhanced Packet Block shorter than 32 bytes' };
  const iface = section.interfaces[body.getUint32(0, le)];
  if (!iface) return { problem: `an Enhanced Packet Block on undeclared interface ${body.getUint32(0, le)}` };
  const ts = (BigInt(body.getUint32(4, le)) << 32n) | BigInt(body.getUint32(8, le));
  const tUs = Number((ts * 1_000_000n) / iface.unitsPerSecond);
  if (!validTime(tUs)) return { problem: 'a timestamp before 1970 or past 2255' };
  const captured = body.getUint32(12, le);
  const original = body.getUint32(16, le);
  if (captured > body.byteLength - 20 || captured > original)
    return { problem: `captured length ${captured} does not fit the block or the original ${original}` };
  const data = new Uint8Array(body.buffer, body.byteOffset + 20, captured);
  const options = optionsOf(body, 20 + captured + ((4 - (captured % 4)) % 4), le);
  if (typeof options === 'string') return { problem: options };
  if (captured < original) return { events: [] };
  const flags = options.get(OPTION_EPB_FLAGS);
  const direction =
    flags && flags.length >= 4 ? new DataView(flags.buffer, flags.byteOffset).getUint32(0, le) & 3 : 0;
  const dir: CaptureDirection | undefined =
    direction === EPB_OUTBOUND ? 'toDevice' : direction === EPB_INBOUND ? 'toHost' : undefined;
  return packetEvents(iface.linkType, data, tUs, dir, le, decoder);
}

function packetEvents(
  linkType: number,
  data: Uint8Array,
  tUs: number,
  dir: CaptureDirection | undefined,
  le: boolean,
  decoder: H4Decoder,
): Step {
  if (linkType === LINKTYPE_USER0) {
    if (!dir) return { problem: 'a serial packet with no direction in epb_flags' };
    return { events: [{ kind: 'serial', tUs, dir, bytes: data.slice() }] };
  }
  if (linkType === LINKTYPE_USB_LINUX_MMAPPED) {
    const report = usbmonReport(data, le);
    if (typeof report === 'string') return { problem: report };
    return { events: report ? [{ kind: 'usb', tUs, ...report }] : [] };
  }
  if (data.length < 4) return { problem: 'a Bluetooth packet shorter than its 4-byte direction' };
  const received = new DataView(data.buffer, data.byteOffset).getUint32(0) === 1;
  return decoder.decode(data.subarray(4), tUs, received);
}

/** The options from `start` to the end of `body`, by code (the first value of each). */
function optionsOf(body: DataView, start: number, le: boolean): Map<number, Uint8Array> | string {
  const options = new Map<number, Uint8Array>();
  for (let at = start; at + 4 <= body.byteLength; ) {
    const code = body.getUint16(at, le);
    const length = body.getUint16(at + 2, le);
    if (code === 0) break;
    if (at + 4 + length > body.byteLength) return `option ${code} runs past its block`;
    if (!options.has(code)) options.set(code, new Uint8Array(body.buffer, body.byteOffset + at + 4, length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return options;
}
