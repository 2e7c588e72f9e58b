/**
 * Capture events as HCI packets in H4 framing (docs/captures.md "btsnoop"), the packet data of btsnoop
 * (datalink 1002) and of pcapng's LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR: an ATT PDU is an ACL data
 * packet (type 0x02: handle with PB/BC flags, length) holding an L2CAP basic frame on CID 0x0004; a
 * connection is an LE Connection Complete event (type 0x04, LE Meta 0x3E, subevent 0x01), its end a
 * Disconnection Complete (0x05), a bond an Encryption Change (0x08), an advertisement an LE Advertising
 * Report (subevent 0x02). Layouts: Bluetooth Core spec Vol 4 Part E §5.4 and §7.7.
 */
import type { CaptureEvent } from '../capture-event.js';
import { addressBytes, addressText, ByteWriter } from './bytes.js';

export const H4_COMMAND = 0x01;
export const H4_ACL = 0x02;
export const H4_EVENT = 0x04;
const ATT_CID = 0x0004;
const EVENT_DISCONNECTION_COMPLETE = 0x05;
const EVENT_ENCRYPTION_CHANGE = 0x08;
const EVENT_LE_META = 0x3e;
const LE_CONNECTION_COMPLETE = 0x01;
const LE_ADVERTISING_REPORT = 0x02;
const LE_ENHANCED_CONNECTION_COMPLETE = 0x0a;
/** PB flag: first non-flushable fragment (host → controller), first flushable (controller → host), continuing. */
const PB_FIRST_NON_FLUSHABLE = 0b00;
const PB_CONTINUING = 0b01;
const PB_FIRST_FLUSHABLE = 0b10;
/** Random (static) address: the devices' addresses are random static (docs/protocol.md §2.1). */
const ADDRESS_RANDOM = 0x01;
/** Connection parameters written into LE Connection Complete: 30 ms interval, no latency, 5 s timeout. */
const INTERVAL_UNITS = 24;
const SUPERVISION_TIMEOUT_UNITS = 500;

export interface H4Packet {
  readonly bytes: Uint8Array;
  /** Controller → host (btsnoop flag bit 0, the pcapng pseudo-header's direction 1). */
  readonly received: boolean;
  /** A command or event rather than data (btsnoop flag bit 1). */
  readonly commandOrEvent: boolean;
}

/** The H4 packet of an event, or undefined for what HCI does not carry (usb, serial, mtu, a bond without a link). */
export function h4Of(event: CaptureEvent): H4Packet | undefined {
  switch (event.kind) {
    case 'att': {
      const pb = event.dir === 'toDevice' ? PB_FIRST_NON_FLUSHABLE : PB_FIRST_FLUSHABLE;
      const w = new ByteWriter().u8(H4_ACL).u16((event.handle & 0x0fff) | (pb << 12));
      w.u16(event.bytes.length + 4)
        .u16(event.bytes.length)
        .u16(ATT_CID)
        .bytes(event.bytes);
      return { bytes: w.done(), received: event.dir === 'toHost', commandOrEvent: false };
    }
    case 'connect': {
      const address = addressBytes(event.address) ?? new Uint8Array(6);
      const w = leMeta(LE_CONNECTION_COMPLETE, 18).u8(0).u16(event.handle).u8(0x00).u8(ADDRESS_RANDOM);
      w.bytes(address).u16(INTERVAL_UNITS).u16(0).u16(SUPERVISION_TIMEOUT_UNITS).u8(0);
      return received(w);
    }
    case 'disconnect':
      return received(hciEvent(EVENT_DISCONNECTION_COMPLETE, 4).u8(0).u16(event.handle).u8(event.reason));
    case 'bond':
      if (!event.bonded || event.handle === undefined) return undefined;
      return received(hciEvent(EVENT_ENCRYPTION_CHANGE, 4).u8(0).u16(event.handle).u8(0x01));
    case 'advertising': {
      const address = addressBytes(event.address) ?? new Uint8Array(6);
      const w = leMeta(LE_ADVERTISING_REPORT, 11 + event.data.length)
        .u8(1)
        .u8(0x00)
        .u8(ADDRESS_RANDOM);
      w.bytes(address)
        .u8(event.data.length)
        .bytes(event.data)
        .u8(event.rssi & 0xff);
      return received(w);
    }
    default:
      return undefined;
  }
}

function hciEvent(code: number, length: number): ByteWriter {
  return new ByteWriter().u8(H4_EVENT).u8(code).u8(length);
}
function leMeta(subevent: number, length: number): ByteWriter {
  return hciEvent(EVENT_LE_META, length + 1).u8(subevent);
}
function received(w: ByteWriter): H4Packet {
  return { bytes: w.done(), received: true, commandOrEvent: true };
}

interface Pending {
  readonly dir: 'toDevice' | 'toHost';
  readonly tUs: number;
  readonly data: Uint8Array;
  filled: number;
}

/** What one H4 packet decoded to: events (often none), or why it is malformed. */
export type H4Decoded = { readonly events: CaptureEvent[] } | { readonly problem: string };

/** Decodes H4 packets into capture events, joining ACL fragments per connection handle. */
export class H4Decoder {
  private readonly pending = new Map<number, Pending>();

  decode(bytes: Uint8Array, tUs: number, isReceived: boolean): H4Decoded {
    if (bytes.length === 0) return { problem: 'an empty HCI packet' };
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (bytes[0]) {
      case H4_ACL:
        return this.acl(bytes, view, tUs, isReceived ? 'toHost' : 'toDevice');
      case H4_EVENT:
        return hciEventOf(bytes, view, tUs);
      case H4_COMMAND:
      case 0x03:
      case 0x05:
        return { events: [] };
      default:
        return { problem: `0x${(bytes[0] ?? 0).toString(16)} is no H4 packet type` };
    }
  }

  private acl(bytes: Uint8Array, view: DataView, tUs: number, dir: Pending['dir']): H4Decoded {
    if (bytes.length < 5) return { problem: 'an ACL packet shorter than its 4-byte header' };
    const handle = view.getUint16(1, true) & 0x0fff;
    const pb = (view.getUint16(1, true) >> 12) & 0b11;
    const length = view.getUint16(3, true);
    if (5 + length !== bytes.length)
      return { problem: `ACL length ${length} but ${bytes.length - 5} bytes follow its header` };
    const payload = bytes.subarray(5);
    if (pb === PB_CONTINUING) return this.continued(handle, payload);
    this.pending.delete(handle);
    if (payload.length < 4) return { problem: 'an L2CAP frame shorter than its 4-byte header' };
    const l2capLength = view.getUint16(5, true);
    const cid = view.getUint16(7, true);
    if (4 + l2capLength < payload.length)
      return { problem: `L2CAP length ${l2capLength} but ${payload.length - 4} bytes follow its header` };
    if (cid !== ATT_CID) return { events: [] };
    const pdu = payload.subarray(4);
    if (pdu.length === l2capLength)
      return { events: [{ kind: 'att', tUs, dir, handle, bytes: pdu.slice() }] };
    const data = new Uint8Array(l2capLength);
    data.set(pdu);
    this.pending.set(handle, { dir, tUs, data, filled: pdu.length });
    return { events: [] };
  }

  private continued(handle: number, payload: Uint8Array): H4Decoded {
    const pending = this.pending.get(handle);
    if (!pending) return { events: [] };
    if (pending.filled + payload.length > pending.data.length) {
      this.pending.delete(handle);
      return { problem: 'an ACL continuation longer than its L2CAP frame' };
    }
    pending.data.set(payload, pending.filled);
    pending.filled += payload.length;
    if (pending.filled < pending.data.length) return { events: [] };
    this.pending.delete(handle);
    const { dir, tUs, data } = pending;
    return { events: [{ kind: 'att', tUs, dir, handle, bytes: data }] };
  }
}

function hciEventOf(bytes: Uint8Array, view: DataView, tUs: number): H4Decoded {
  if (bytes.length < 3) return { problem: 'an HCI event shorter than its 2-byte header' };
  const length = bytes[2] ?? 0;
  if (3 + length !== bytes.length)
    return { problem: `HCI event length ${length} but ${bytes.length - 3} bytes follow its header` };
  const code = bytes[1];
  if (code === EVENT_DISCONNECTION_COMPLETE && length >= 4 && bytes[3] === 0)
    return {
      events: [{ kind: 'disconnect', tUs, handle: view.getUint16(4, true) & 0x0fff, reason: bytes[6] ?? 0 }],
    };
  if (code === EVENT_ENCRYPTION_CHANGE && length >= 4 && bytes[3] === 0 && bytes[6] !== 0)
    return { events: [{ kind: 'bond', tUs, bonded: true, handle: view.getUint16(4, true) & 0x0fff }] };
  if (code !== EVENT_LE_META || length < 1) return { events: [] };
  const subevent = bytes[3];
  if ((subevent === LE_CONNECTION_COMPLETE || subevent === LE_ENHANCED_CONNECTION_COMPLETE) && length >= 13) {
    if (bytes[4] !== 0) return { events: [] };
    const handle = view.getUint16(5, true) & 0x0fff;
    return { events: [{ kind: 'connect', tUs, handle, address: addressText(bytes.subarray(9, 15)) }] };
  }
  if (subevent === LE_ADVERTISING_REPORT) return advertisingReports(bytes, tUs);
  return { events: [] };
}

function advertisingReports(bytes: Uint8Array, tUs: number): H4Decoded {
  const count = bytes[4] ?? 0;
  const events: CaptureEvent[] = [];
  let at = 5;
  for (let i = 0; i < count; i++) {
    if (at + 9 > bytes.length) return { problem: 'an LE Advertising Report shorter than its reports' };
    const address = addressText(bytes.subarray(at + 2, at + 8));
    const dataLength = bytes[at + 8] ?? 0;
    const end = at + 9 + dataLength;
    if (end + 1 > bytes.length) return { problem: 'an LE Advertising Report shorter than its data' };
    const rssi = ((bytes[end] ?? 0) << 24) >> 24;
    events.push({ kind: 'advertising', tUs, address, data: bytes.slice(at + 9, end), rssi });
    at = end + 1;
  }
  return { events };
}
