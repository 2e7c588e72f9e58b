/**
 * A capture as a decoded transcript (docs/captures.md "Transcripts"): the packets of a capture turned
 * into the messages they carry. SCP frames are reassembled across ATT PDUs (docs/protocol.md §4.1),
 * taken out of USB reports (§5.2) or out of a serial byte stream of reports (resyncing after garbage),
 * and decoded; other ATT PDUs and the link's events stay entries of their own. Each entry has a key
 * (what it is, without its values) and its values by name: `iqsim diff` aligns on keys and compares
 * values, replay answers requests by their frames.
 */
import {
  BlePacketAssembler,
  type DecodedFrame,
  decodeAttPdu,
  decodeFrame,
  decodeUsbReport,
  toHex,
  UsbStreamDecoder,
} from '../../protocol/index.js';
import type { CaptureDirection, CaptureEvent } from '../capture-event.js';
import { HANDLES } from '../device/gatt-values.js';

/** Where an entry travelled: a BLE connection, USB reports, a serial byte stream, or the link itself. */
export type TranscriptChannel = 'ble' | 'usb' | 'serial' | 'link';

/**
 * `scp`: a decoded SCP frame; `bad-frame`: SCP bytes that do not decode (bad CRC, bad length);
 * `att`: an ATT PDU that carries no SCP frame; `garbage`: serial bytes between reports; `link`: a
 * connection, disconnection, MTU, bond or advertising event.
 */
export type TranscriptKind = 'scp' | 'bad-frame' | 'att' | 'garbage' | 'link';

export type FieldValue = string | number | boolean;

export interface TranscriptEntry {
  /** Index of the capture event that completed it (the last fragment of a frame). */
  readonly event: number;
  readonly tUs: number;
  /** Undefined for link events. */
  readonly dir?: CaptureDirection;
  readonly channel: TranscriptChannel;
  readonly kind: TranscriptKind;
  /** What the entry is without its values, e.g. `→ get-battery-percent charger`: the alignment key. */
  readonly key: string;
  /** Name the ignore rules match (docs/captures.md "Ignore rules"): the SCP command, the ATT PDU kind or the link event. */
  readonly command: string;
  /** Its values by name, flattened (`vibration.puffEnd`); hex text for bytes. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** SCP entries: the unit and register or table, as `charger S 0x90` (a request and its reply share it). */
  readonly target?: string;
  /** ATT entries: the attribute handle, when the PDU names one. */
  readonly handle?: number;
  /** SCP entries: the logical frame. */
  readonly frame?: Uint8Array;
  /** SCP replies: µs from the request they answer (docs/protocol.md §6.1: replies come in request order). */
  readonly latencyUs?: number;
}

const ARROW: Record<CaptureDirection, string> = { toDevice: '→', toHost: '←' };

/** Decodes every event of a capture in order; never throws (an undecodable frame is a `bad-frame` entry). */
export function transcriptOf(events: readonly CaptureEvent[]): TranscriptEntry[] {
  return new TranscriptBuilder().build(events);
}

/** An outstanding SCP request, waiting for its reply. */
interface Pending {
  readonly tUs: number;
  readonly target: string;
}

class TranscriptBuilder {
  private readonly out: TranscriptEntry[] = [];
  private readonly assemblers = new Map<string, BlePacketAssembler>();
  private readonly streams = new Map<CaptureDirection, UsbStreamDecoder>();
  private readonly pending = new Map<TranscriptChannel, Pending[]>();

  build(events: readonly CaptureEvent[]): TranscriptEntry[] {
    for (const [index, event] of events.entries()) this.add(event, index);
    return this.out;
  }

  private add(event: CaptureEvent, index: number): void {
    switch (event.kind) {
      case 'att':
        this.att(event.bytes, event.dir, event.handle, event.tUs, index);
        return;
      case 'usb': {
        const frame = decodeUsbReport(event.bytes);
        if (frame.ok) this.scp(frame.value, event.dir, 'usb', event.tUs, index);
        else this.badFrame(toHex(event.bytes), frame.error.code, event.dir, 'usb', event.tUs, index);
        return;
      }
      case 'serial':
        this.serial(event.bytes, event.dir, event.tUs, index);
        return;
      case 'connect':
        this.link('connect', { address: event.address, central: event.central ?? '' }, event.tUs, index);
        return;
      case 'disconnect':
        this.pending.delete('ble');
        this.assemblers.clear();
        this.link('disconnect', { reason: event.reason }, event.tUs, index);
        return;
      case 'mtu':
        this.link('mtu', { mtu: event.mtu }, event.tUs, index);
        return;
      case 'bond':
        this.link('bond', { bonded: event.bonded }, event.tUs, index);
        return;
      case 'advertising':
        this.link(
          'advertising',
          { address: event.address, data: toHex(event.data), rssi: event.rssi },
          event.tUs,
          index,
        );
    }
  }

  private att(
    bytes: Uint8Array,
    dir: CaptureDirection,
    connection: number,
    tUs: number,
    index: number,
  ): void {
    const decoded = decodeAttPdu(bytes);
    if (!decoded.ok) {
      this.push({ event: index, tUs, dir, channel: 'ble', kind: 'att', command: 'att-invalid' }, '', {
        hex: toHex(bytes),
      });
      return;
    }
    const pdu = decoded.value;
    const scpValue =
      (pdu.kind === 'writeRequest' ||
        pdu.kind === 'writeCommand' ||
        pdu.kind === 'handleValueNotification') &&
      pdu.handle === HANDLES.scp;
    if (scpValue) {
      const key = `${connection}:${dir}`;
      let assembler = this.assemblers.get(key);
      if (!assembler) {
        assembler = new BlePacketAssembler();
        this.assemblers.set(key, assembler);
      }
      const frame = assembler.push(pdu.value, tUs / 1000);
      if (frame === undefined) return;
      if (frame.ok) this.scp(frame.value, dir, 'ble', tUs, index);
      else this.badFrame(toHex(pdu.value), frame.error.code, dir, 'ble', tUs, index);
      return;
    }
    const fields: Record<string, FieldValue> = {};
    for (const [name, value] of Object.entries(pdu))
      if (name !== 'kind' && name !== 'handle') flatten(fields, name, value);
    const handle = 'handle' in pdu ? pdu.handle : undefined;
    this.push(
      {
        event: index,
        tUs,
        dir,
        channel: 'ble',
        kind: 'att',
        command: pdu.kind,
        ...(handle === undefined ? {} : { handle }),
      },
      handle === undefined ? '' : ` 0x${hex4(handle)}`,
      fields,
    );
  }

  private serial(bytes: Uint8Array, dir: CaptureDirection, tUs: number, index: number): void {
    let stream = this.streams.get(dir);
    if (!stream) {
      stream = new UsbStreamDecoder();
      this.streams.set(dir, stream);
    }
    for (const found of stream.push(bytes)) {
      if (found.type === 'frame') this.scp(found.frame, dir, 'serial', tUs, index);
      else
        this.push({ event: index, tUs, dir, channel: 'serial', kind: 'garbage', command: 'garbage' }, '', {
          bytes: found.bytes,
        });
    }
  }

  private scp(
    frame: Uint8Array,
    dir: CaptureDirection,
    channel: TranscriptChannel,
    tUs: number,
    index: number,
  ): void {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      this.badFrame(toHex(frame), decoded.error.code, dir, channel, tUs, index);
      return;
    }
    const f = decoded.value;
    const fields: Record<string, FieldValue> = {};
    for (const [name, value] of Object.entries(f.fields)) flatten(fields, name, value);
    if (!f.known) fields.payload = f.payloadHex;
    const target = `${f.unit} ${matchTarget(f)}`;
    let latencyUs: number | undefined;
    const queue = this.pending.get(channel) ?? [];
    this.pending.set(channel, queue);
    if (f.kind === 'request') queue.push({ tUs, target });
    else {
      const at = queue.findIndex((p) => p.target === target);
      if (at >= 0) {
        latencyUs = tUs - (queue[at] as Pending).tUs;
        queue.splice(0, at + 1);
      }
    }
    const entry = {
      event: index,
      tUs,
      dir,
      channel,
      kind: 'scp' as const,
      command: f.command,
      target,
      frame,
      latencyUs,
    };
    this.push(entry, ` ${target}`, fields);
  }

  private badFrame(
    hex: string,
    code: string,
    dir: CaptureDirection,
    channel: TranscriptChannel,
    tUs: number,
    index: number,
  ): void {
    this.push({ event: index, tUs, dir, channel, kind: 'bad-frame', command: 'bad-frame' }, '', {
      hex,
      code,
    });
  }

  private link(command: string, fields: Record<string, FieldValue>, tUs: number, index: number): void {
    this.push({ event: index, tUs, channel: 'link', kind: 'link', command }, '', fields);
  }

  private push(
    entry: Omit<TranscriptEntry, 'key' | 'fields'>,
    target: string,
    fields: Record<string, FieldValue>,
  ): void {
    const arrow = entry.dir ? `${ARROW[entry.dir]} ` : '';
    const what =
      entry.kind === 'scp' || entry.kind === entry.command ? entry.command : `${entry.kind} ${entry.command}`;
    this.out.push({ ...entry, key: `${arrow}${what}${target}`, fields });
  }
}

/** The register or table of a frame: what pairs a reply with its request (a write's echo has the write's command name). */
function matchTarget(f: DecodedFrame): string {
  return f.frame === 'long'
    ? `table 0x${hex4(f.table ?? 0)}`
    : `S 0x${(f.register ?? 0).toString(16).toUpperCase()}`;
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** Flattens nested decoded values into dotted names; bytes become hex, arrays and others JSON. */
function flatten(into: Record<string, FieldValue>, name: string, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    into[name] = value;
  else if (value instanceof Uint8Array) into[name] = toHex(value);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value))
    for (const [key, inner] of Object.entries(value)) flatten(into, `${name}.${key}`, inner);
  else into[name] = JSON.stringify(value) ?? 'undefined';
}
