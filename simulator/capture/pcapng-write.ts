/**
 * pcapng (docs/captures.md "pcapng"): a Section Header Block, one Interface Description Block per
 * channel, then an Enhanced Packet Block per event, little-endian, timestamps in µs since 1970 (the
 * default `if_tsresol` of 6). Interfaces: 0 = BLE as LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR (201: a
 * 4-byte big-endian direction, then the H4 packet of hci.ts), 1 = USB as LINKTYPE_USB_LINUX_MMAPPED
 * (220, usbmon.ts), 2 = serial bytes as LINKTYPE_USER0 (147). USB and serial packets carry their
 * direction in the EPB's `epb_flags` option (1 inbound, 2 outbound, seen from the host).
 */
import type { CaptureEvent } from '../capture-event.js';
import { ByteWriter } from './bytes.js';
import { h4Of } from './hci.js';
import { usbmonPacket } from './usbmon.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR = 201;
export const LINKTYPE_USB_LINUX_MMAPPED = 220;
export const LINKTYPE_USER0 = 147;
export const OPTION_END = 0;
export const OPTION_IF_NAME = 2;
export const OPTION_EPB_FLAGS = 2;
export const OPTION_IF_TSRESOL = 9;
export const EPB_INBOUND = 1;
export const EPB_OUTBOUND = 2;
const SNAPLEN = 0x40000;

/** The interfaces every file of ours declares, in interface-id order. */
const INTERFACES = [
  { linkType: LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR, name: 'ble' },
  { linkType: LINKTYPE_USB_LINUX_MMAPPED, name: 'usb' },
  { linkType: LINKTYPE_USER0, name: 'serial' },
] as const;

const text = new TextEncoder();

function block(type: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter().u32(type).u32(0);
  body(w);
  w.pad(4);
  const total = w.length + 4;
  return w.u32(total).setU32(4, total).done();
}

function option(w: ByteWriter, code: number, value: Uint8Array): void {
  w.u16(code).u16(value.length).bytes(value).pad(4);
}

/** The section header and the three interface descriptions. */
export function pcapngHeader(): Uint8Array {
  const w = new ByteWriter();
  w.bytes(
    block(PCAPNG_SHB, (b) => {
      b.u32(PCAPNG_BYTE_ORDER_MAGIC).u16(1).u16(0).i64(-1n).u32(0);
    }),
  );
  for (const { linkType, name } of INTERFACES)
    w.bytes(
      block(PCAPNG_IDB, (b) => {
        b.u16(linkType).u16(0).u32(SNAPLEN);
        option(b, OPTION_IF_NAME, text.encode(name));
        b.u32(OPTION_END);
      }),
    );
  return w.done();
}

/** A writer of packet blocks; keeps the usbmon URB ids unique within the file. */
export class PcapngPackets {
  private urbId = 0;

  /** The block of one event, or undefined for an MTU event (the ATT PDUs carry it). */
  block(event: CaptureEvent): Uint8Array | undefined {
    const packet = this.packetOf(event);
    if (!packet) return undefined;
    const { interfaceId, data, flags } = packet;
    const ts = BigInt(event.tUs);
    return block(PCAPNG_EPB, (b) => {
      b.u32(interfaceId)
        .u32(Number(ts >> 32n))
        .u32(Number(ts & 0xffffffffn));
      b.u32(data.length).u32(data.length).bytes(data).pad(4);
      if (flags !== undefined) option(b, OPTION_EPB_FLAGS, new ByteWriter().u32(flags).done());
      b.u32(OPTION_END);
    });
  }

  private packetOf(
    event: CaptureEvent,
  ): { interfaceId: number; data: Uint8Array; flags?: number } | undefined {
    const flags = 'dir' in event ? (event.dir === 'toDevice' ? EPB_OUTBOUND : EPB_INBOUND) : undefined;
    if (event.kind === 'usb') return { interfaceId: 1, data: usbmonPacket(event, ++this.urbId, true), flags };
    if (event.kind === 'serial') return { interfaceId: 2, data: event.bytes, flags };
    const h4 = h4Of(event);
    if (!h4) return undefined;
    const data = new ByteWriter(false)
      .u32(h4.received ? 1 : 0)
      .bytes(h4.bytes)
      .done();
    return { interfaceId: 0, data, flags };
  }
}

/** A whole file of `events`. */
export function encodePcapng(events: readonly CaptureEvent[]): Uint8Array {
  const w = new ByteWriter().bytes(pcapngHeader());
  const packets = new PcapngPackets();
  for (const event of events) {
    const b = packets.block(event);
    if (b) w.bytes(b);
  }
  return w.done();
}
