/**
 * A capture as a decoded transcript (docs/captures.md "Transcripts"): the packets of a capture turned
 * into the messages they carry. SCP frames are reassembled across ATT PDUs (docs/protocol.md §4.1),
 * taken out of USB reports (§5.2) or out of a serial byte stream of reports (resyncing after garbage),
 * and decoded; other ATT PDUs and the link's events stay entries of their own. Each entry has a key
 * (what it is, without its values) and its values by name: `iqsim diff` aligns on keys and compares
 * values, replay answers requests by their frames.
 */
import {
  type AttPdu,
  BlePacketAssembler,
  decodeAttPdu,
  decodeFrame,
  decodeUsbReport,
  FrameHeader,
  FrameStatus,
  findCommand,
  parseFrameInto,
  toHex,
  type Unit,
  UsbStreamDecoder,
  unitOfReplyNode,
  unitOfRequestNode,
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
  /** Its values by name, flattened (`vibration.puffEnd`); hex text for bytes. Decoded when first read. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** The bytes its values come from (the SCP frame, the ATT PDU), when it has any: equal bytes, equal values. */
  readonly raw?: Uint8Array;
  /** SCP entries: the unit and register or table, as `charger S 0x90` (a request and its reply share it). */
  readonly target?: string;
  /** SCP entries: the frame's write bit (a write's echo has it too, so a reply is paired by target and write bit). */
  readonly write?: boolean;
  /** ATT entries: the attribute handle, when the PDU names one. */
  readonly handle?: number;
  /** SCP entries: the logical frame. */
  readonly frame?: Uint8Array;
  /** SCP replies: µs from the request they answer (docs/protocol.md §6.1: replies come in request order). */
  readonly latencyUs?: number;
}

const ARROW: Record<CaptureDirection, string> = { toDevice: '→', toHost: '←' };

/** How an entry's values are read from its `raw` bytes, when they are asked for. */
type Values = 'scp' | 'att' | Record<string, FieldValue>;

/** One entry; its values are decoded from `raw` only when read (a diff reads them only when bytes differ). */
class Entry implements TranscriptEntry {
  private decoded: Record<string, FieldValue> | undefined;

  constructor(
    readonly event: number,
    readonly tUs: number,
    readonly dir: CaptureDirection | undefined,
    readonly channel: TranscriptChannel,
    readonly kind: TranscriptKind,
    readonly key: string,
    readonly command: string,
    private readonly values: Values,
    readonly raw: Uint8Array | undefined,
    readonly target: string | undefined,
    readonly handle: number | undefined,
    readonly latencyUs: number | undefined,
    readonly write: boolean | undefined,
  ) {}

  get frame(): Uint8Array | undefined {
    return this.kind === 'scp' ? this.raw : undefined;
  }

  get fields(): Readonly<Record<string, FieldValue>> {
    this.decoded ??= this.decode();
    return this.decoded;
  }

  private decode(): Record<string, FieldValue> {
    if (typeof this.values === 'object') return this.values;
    const out: Record<string, FieldValue> = {};
    const raw = this.raw ?? new Uint8Array(0);
    if (this.values === 'scp') {
      const decoded = decodeFrame(raw);
      if (!decoded.ok) return out;
      for (const [name, value] of Object.entries(decoded.value.fields)) flatten(out, name, value);
      if (!decoded.value.known) out.payload = decoded.value.payloadHex;
      return out;
    }
    const pdu = decodeAttPdu(raw);
    if (pdu.ok)
      for (const [name, value] of Object.entries(pdu.value))
        if (name !== 'kind' && name !== 'handle') flatten(out, name, value);
    return out;
  }
}

/** Decodes every event of a capture in order; never throws (an undecodable frame is a `bad-frame` entry). */
export function transcriptOf(events: readonly CaptureEvent[]): TranscriptEntry[] {
  return new TranscriptBuilder().build(events);
}

/** An outstanding SCP request, waiting for its reply. */
interface Pending {
  readonly tUs: number;
  readonly target: string;
  readonly write: boolean;
}

class TranscriptBuilder {
  private readonly out: TranscriptEntry[] = [];
  private readonly assemblers = new Map<number, BlePacketAssembler>();
  private readonly streams = new Map<CaptureDirection, UsbStreamDecoder>();
  private readonly pending = new Map<TranscriptChannel, Pending[]>();
  private readonly header = new FrameHeader();
  private readonly keys = new StringCache(true);
  private readonly targets = new StringCache(false);

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
        else this.badFrame(event.bytes, frame.error.code, event.dir, 'usb', event.tUs, index);
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
    const op = bytes[0];
    // The SCP characteristic's writes and notifications, read straight off the PDU: most of a capture.
    if (
      (op === 0x12 || op === 0x52 || op === 0x1b) &&
      bytes.length >= 3 &&
      readU16(bytes, 1) === HANDLES.scp
    ) {
      this.scpPacket(bytes.subarray(3), dir, connection, tUs, index);
      return;
    }
    const decoded = decodeAttPdu(bytes);
    if (!decoded.ok) {
      const key = this.key('att', 0, dir, 'att att-invalid');
      this.push(index, tUs, dir, 'ble', 'att', key, 'att-invalid', { hex: toHex(bytes) });
      return;
    }
    const pdu: AttPdu = decoded.value;
    const handle = 'handle' in pdu ? pdu.handle : undefined;
    const key =
      this.keys.get(pdu.kind, handle ?? -1, dir) ??
      this.keys.set(
        pdu.kind,
        handle ?? -1,
        dir,
        `att ${pdu.kind}${handle === undefined ? '' : ` 0x${hex4(handle)}`}`,
      );
    this.push(index, tUs, dir, 'ble', 'att', key, pdu.kind, 'att', bytes, undefined, handle);
  }

  /** One value of the SCP characteristic: reassembled per connection and direction (docs/protocol.md §4.1). */
  private scpPacket(
    value: Uint8Array,
    dir: CaptureDirection,
    connection: number,
    tUs: number,
    index: number,
  ): void {
    const slot = connection * 2 + (dir === 'toDevice' ? 0 : 1);
    let assembler = this.assemblers.get(slot);
    if (!assembler) {
      assembler = new BlePacketAssembler();
      this.assemblers.set(slot, assembler);
    }
    const frame = assembler.push(value, tUs / 1000);
    if (frame === undefined) return;
    if (frame.ok) this.scp(frame.value, dir, 'ble', tUs, index);
    else this.badFrame(value, frame.error.code, dir, 'ble', tUs, index);
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
        this.push(index, tUs, dir, 'serial', 'garbage', this.key('garbage', 0, dir, 'garbage'), 'garbage', {
          bytes: found.bytes,
        });
    }
  }

  /** An SCP frame: its command from the header and catalogue now, its fields when read. */
  private scp(
    frame: Uint8Array,
    dir: CaptureDirection,
    channel: TranscriptChannel,
    tUs: number,
    index: number,
  ): void {
    const h = this.header;
    const status = parseFrameInto(frame, 0, frame.length, h);
    const unit: Unit | undefined =
      status === FrameStatus.OK
        ? h.response
          ? unitOfReplyNode(h.node)
          : unitOfRequestNode(h.node)
        : undefined;
    if (unit === undefined) {
      const decoded = decodeFrame(frame);
      this.badFrame(
        frame,
        decoded.ok ? 'PROTOCOL_UNKNOWN_NODE' : decoded.error.code,
        dir,
        channel,
        tUs,
        index,
      );
      return;
    }
    const payload = frame.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
    const address = h.long ? h.table : h.address;
    const command = findCommand(unit, h.long, address, h.write, h.response, payload);
    const code = (h.long ? 0x10000 : 0) + address;
    const target =
      this.targets.get(unit, code, 'toDevice') ??
      this.targets.set(
        unit,
        code,
        'toDevice',
        `${unit} ${h.long ? `table 0x${hex4(address)}` : `S 0x${address.toString(16).toUpperCase()}`}`,
      );
    // One command can serve several units: the unit is part of the key's code.
    const unitCode = code * 4 + UNITS.indexOf(unit);
    const key =
      this.keys.get(command, unitCode, dir) ??
      this.keys.set(command, unitCode, dir, `${command.name} ${target}`);
    let latencyUs: number | undefined;
    const queue = this.pending.get(channel) ?? [];
    this.pending.set(channel, queue);
    const write = h.write;
    if (!h.response) queue.push({ tUs, target, write });
    else {
      const at = queue.findIndex((p) => p.target === target && p.write === write);
      if (at >= 0) {
        latencyUs = tUs - (queue[at] as Pending).tUs;
        queue.splice(0, at + 1);
      }
    }
    this.push(
      index,
      tUs,
      dir,
      channel,
      'scp',
      key,
      command.name,
      'scp',
      frame,
      target,
      undefined,
      latencyUs,
      write,
    );
  }

  private badFrame(
    bytes: Uint8Array,
    code: string,
    dir: CaptureDirection,
    channel: TranscriptChannel,
    tUs: number,
    index: number,
  ): void {
    const key = this.key('bad-frame', 0, dir, 'bad-frame');
    this.push(index, tUs, dir, channel, 'bad-frame', key, 'bad-frame', { hex: toHex(bytes), code }, bytes);
  }

  private link(command: string, fields: Record<string, FieldValue>, tUs: number, index: number): void {
    this.push(index, tUs, undefined, 'link', 'link', `link ${command}`, command, fields);
  }

  /** A key without variable parts, made once per direction. */
  private key(group: string, code: number, dir: CaptureDirection, text: string): string {
    return this.keys.get(group, code, dir) ?? this.keys.set(group, code, dir, text);
  }

  private push(
    event: number,
    tUs: number,
    dir: CaptureDirection | undefined,
    channel: TranscriptChannel,
    kind: TranscriptKind,
    key: string,
    command: string,
    values: Values,
    raw?: Uint8Array,
    target?: string,
    handle?: number,
    latencyUs?: number,
    write?: boolean,
  ): void {
    this.out.push(
      new Entry(event, tUs, dir, channel, kind, key, command, values, raw, target, handle, latencyUs, write),
    );
  }
}

/**
 * Strings made once and reused: a transcript of 100,000 packets has a few dozen distinct keys, and one
 * string per key is cheaper to make, hash and compare than one per entry. Looked up by a group (a
 * command or a PDU kind), a number and the direction; `set` prefixes the direction's arrow.
 */
class StringCache {
  private readonly groups = new Map<unknown, Map<number, string>>();

  get(group: unknown, code: number, dir: CaptureDirection): string | undefined {
    return this.groups.get(group)?.get(code * 2 + (dir === 'toDevice' ? 0 : 1));
  }

  set(group: unknown, code: number, dir: CaptureDirection, text: string): string {
    let codes = this.groups.get(group);
    if (!codes) {
      codes = new Map();
      this.groups.set(group, codes);
    }
    const value = this.arrows ? `${ARROW[dir]} ${text}` : text;
    codes.set(code * 2 + (dir === 'toDevice' ? 0 : 1), value);
    return value;
  }

  constructor(private readonly arrows: boolean) {}
}

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
}

const UNITS: readonly Unit[] = ['charger', 'holder', 'flexpuff'];

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
