/**
 * The protocol-level faults of docs/faults.md §15.2 that reshape ATT and USB traffic rather than
 * whole SCP replies (faults-link.ts): F-42, F-47, F-48, F-51, F-53…F-57. Each is a rewrite of the
 * packets crossing an `InMemoryLink` tap, so neither the device nor the client is modified:
 * - an error "from the device" is made by redirecting the request to handle 0 (the server answers
 *   ATT "invalid handle" without touching any state) and rewriting that Error Response into the
 *   fault's handle and error code on its way to the client (ATT: one request outstanding).
 */
import {
  ATT_ERROR_INSUFFICIENT_ENCRYPTION,
  ATT_ERROR_UNLIKELY_ERROR,
  ATT_OP_ERROR_RSP,
  ATT_OP_EXCHANGE_MTU_REQ,
  ATT_OP_EXCHANGE_MTU_RSP,
  ATT_OP_HANDLE_VALUE_NTF,
  ATT_OP_READ_BLOB_REQ,
  ATT_OP_READ_REQ,
  ATT_OP_READ_RSP,
  ATT_OP_WRITE_CMD,
  ATT_OP_WRITE_REQ,
  encodeErrorResponse,
  encodeShortFrame,
  GATT_SERVICES,
  sigUuid,
  toHex,
} from '../../protocol/index.js';
import { HANDLES } from '../device/device.js';
import type { SeededRandom } from '../random.js';
import type { WirePacket } from '../wire.js';
import type { FaultOptions } from './faults-catalogue.js';

/** F-47: the ATT default MTU (Core Vol 3 Part F §3.2.8; docs/protocol.md D-22). */
const DEFAULT_MTU = 23;
/**
 * F-42: no model has this register (docs/protocol.md §4.4 top of the 10-bit range) or this node
 * (docs/protocol.md §1.2).
 */
const UNKNOWN_REGISTER = 0x3ff;
const UNKNOWN_NODE = 0xaa;

/** What `arm` needs from the device. */
export interface ProtocolFaultDevice {
  readonly bonded: boolean;
}

interface ErrorRewrite {
  readonly opcode: number;
  readonly handle: number;
  readonly code: number;
}

export class ProtocolFaults {
  private unknownNext: 'register' | 'node' | undefined;
  private smallMtu = false;
  private dropCccdEnable = false;
  private encryptionRequired = false;
  private disReadError: number | undefined;
  private batteryFlags: number | undefined;
  private usbNoise = false;
  private usbDetached = false;
  private writeReplyOff = false;
  /** A write echo being dropped whole (F-57), until its last fragment. */
  private droppingEcho = false;
  private pendingError: ErrorRewrite | undefined;
  private lastReadHandle = -1;
  /** An SCP write's first packets went by (T = 01): F-42 waits for a request that fits one packet. */
  private midRequest = false;

  constructor(
    private readonly rng: SeededRandom,
    private readonly device: ProtocolFaultDevice,
    private readonly record: (id: string, detail: string) => void,
  ) {}

  /** Arms a fault; returns what was armed, or undefined for an id this class does not handle. */
  arm(id: string, o: FaultOptions): string | undefined {
    switch (id) {
      case 'F-42':
        this.unknownNext = o.variant === 'node' ? 'node' : 'register';
        return `replace the next request with a read of an unknown ${this.unknownNext}`;
      case 'F-47':
        this.smallMtu = true;
        return `hold the MTU at ${DEFAULT_MTU}: MTU exchanges answer ${DEFAULT_MTU} both ways`;
      case 'F-48':
        this.dropCccdEnable = true;
        return 'the next SCP CCCD enable reaches the device as 00 00 (not subscribed)';
      case 'F-51':
        this.encryptionRequired = true;
        return 'SCP writes refused with ATT insufficient encryption (0x0F) until bonded';
      case 'F-53': {
        const handle = disHandle(o.uuid ?? '2A28');
        if (handle === undefined) return undefined;
        this.disReadError = handle;
        return `reads of DIS ${(o.uuid ?? '2A28').toUpperCase()} fail with ATT error 0x0E`;
      }
      case 'F-54':
        this.batteryFlags = o.bits ?? 0x003f;
        return `battery values carry flags 0x${this.batteryFlags.toString(16).padStart(4, '0')} over their own bytes`;
      case 'F-55':
        this.usbNoise = true;
        return 'USB reports carry seeded random bytes after the frame';
      case 'F-56':
        this.usbDetached = true;
        return 'USB detached: no report in either direction';
      case 'F-57':
        this.writeReplyOff = true;
        return 'write echoes are not delivered (writeReply none)';
      default:
        return undefined;
    }
  }

  /** Disarms; false for an id this class does not handle. */
  disarm(id: string): boolean {
    if (id === 'F-42') this.unknownNext = undefined;
    else if (id === 'F-47') this.smallMtu = false;
    else if (id === 'F-48') this.dropCccdEnable = false;
    else if (id === 'F-51') this.encryptionRequired = false;
    else if (id === 'F-53') this.disReadError = undefined;
    else if (id === 'F-54') this.batteryFlags = undefined;
    else if (id === 'F-55') this.usbNoise = false;
    else if (id === 'F-56') this.usbDetached = false;
    else if (id === 'F-57') this.writeReplyOff = false;
    else return false;
    return true;
  }

  /** A packet towards the device; `requestEnd` marks the last packet of an SCP request. */
  toDevice(packet: WirePacket, requestEnd: boolean): WirePacket[] {
    if (packet.channel === 'usb') {
      if (this.usbDetached) {
        this.record('F-56', `dropped report to the device ${toHex(packet.bytes.subarray(0, 6))}…`);
        return [];
      }
      return [requestEnd ? this.unknown(packet) : packet];
    }
    const b = packet.bytes;
    const op = b[0];
    const handle = (b[1] ?? 0) | ((b[2] ?? 0) << 8);
    if (op === ATT_OP_EXCHANGE_MTU_REQ && this.smallMtu) return [att(ATT_OP_EXCHANGE_MTU_REQ, DEFAULT_MTU)];
    if (op === ATT_OP_READ_REQ || op === ATT_OP_READ_BLOB_REQ) {
      this.lastReadHandle = handle;
      if (handle === this.disReadError) return [this.redirect(packet, 'F-53', ATT_ERROR_UNLIKELY_ERROR)];
    }
    if ((op === ATT_OP_WRITE_REQ || op === ATT_OP_WRITE_CMD) && handle === HANDLES.scp) {
      if (this.encryptionRequired && !this.device.bonded) {
        if (op === ATT_OP_WRITE_CMD) {
          this.record('F-51', 'dropped an unencrypted SCP write command');
          return [];
        }
        return [this.redirect(packet, 'F-51', ATT_ERROR_INSUFFICIENT_ENCRYPTION)];
      }
      const whole = requestEnd && !this.midRequest;
      this.midRequest = !requestEnd;
      return [whole ? this.unknown(packet) : packet];
    }
    if (op === ATT_OP_WRITE_REQ && handle === HANDLES.scp + 1 && this.dropCccdEnable && (b[3] ?? 0) & 1) {
      this.dropCccdEnable = false;
      this.record('F-48', 'SCP CCCD enable written as 00 00');
      return [{ channel: 'att', bytes: Uint8Array.of(op, b[1] ?? 0, b[2] ?? 0, 0, 0) }];
    }
    return [packet];
  }

  /** A packet towards the client. */
  toClient(packet: WirePacket): WirePacket[] {
    if (packet.channel === 'usb') {
      if (this.usbDetached) return [];
      if (this.writeReplyOff && isWriteEcho(packet.bytes[3])) return this.dropEcho(packet, true);
      return [this.usbNoise ? this.noisy(packet) : packet];
    }
    const b = packet.bytes;
    const op = b[0];
    if (op === ATT_OP_ERROR_RSP && this.pendingError) {
      const e = this.pendingError;
      this.pendingError = undefined;
      return [{ channel: 'att', bytes: encodeErrorResponse(e.opcode, e.handle, e.code) }];
    }
    if (op === ATT_OP_EXCHANGE_MTU_RSP && this.smallMtu) return [att(ATT_OP_EXCHANGE_MTU_RSP, DEFAULT_MTU)];
    const handle = (b[1] ?? 0) | ((b[2] ?? 0) << 8);
    if (op === ATT_OP_HANDLE_VALUE_NTF && handle === HANDLES.scp && this.writeReplyOff) {
      if (this.droppingEcho || (b[3] !== undefined && isWriteEcho(b[5])))
        return this.dropEcho(packet, b[3] === 0);
    }
    if (this.batteryFlags !== undefined) {
      if (op === ATT_OP_HANDLE_VALUE_NTF && handle === HANDLES.battery) return [this.flags(packet, 3)];
      if (op === ATT_OP_READ_RSP && this.lastReadHandle === HANDLES.battery) return [this.flags(packet, 1)];
    }
    return [packet];
  }

  /** F-42: the request's frame replaced by a read the device does not know. */
  private unknown(packet: WirePacket): WirePacket {
    const kind = this.unknownNext;
    if (!kind) return packet;
    this.unknownNext = undefined;
    const node = packet.channel === 'usb' ? (packet.bytes[2] ?? 0xc0) : (packet.bytes[4] ?? 0xc0);
    const frame =
      kind === 'node'
        ? encodeShortFrame({ node: UNKNOWN_NODE, address: 0 })
        : encodeShortFrame({ node, address: UNKNOWN_REGISTER });
    this.record('F-42', `request replaced by ${toHex(frame)} (unknown ${kind})`);
    if (packet.channel === 'usb') {
      const bytes = new Uint8Array(packet.bytes.length);
      bytes.set([0x3f, frame.length, ...frame]);
      return { channel: 'usb', bytes };
    }
    return { channel: 'att', bytes: Uint8Array.of(...packet.bytes.subarray(0, 3), 0x00, ...frame) };
  }

  /** Sends the request to handle 0 and remembers how to rewrite the server's error. */
  private redirect(packet: WirePacket, id: string, code: number): WirePacket {
    const b = packet.bytes;
    const handle = (b[1] ?? 0) | ((b[2] ?? 0) << 8);
    this.pendingError = { opcode: b[0] ?? 0, handle, code };
    this.record(
      id,
      `ATT 0x${(b[0] ?? 0).toString(16)} on handle ${handle} refused with error 0x${code.toString(16)}`,
    );
    const bytes = b.slice();
    bytes[1] = 0;
    bytes[2] = 0;
    return { channel: 'att', bytes };
  }

  private dropEcho(packet: WirePacket, last: boolean): WirePacket[] {
    this.droppingEcho = !last;
    if (last) this.record('F-57', `write echo not delivered (${packet.channel})`);
    return [];
  }

  /** F-55: the bytes after the frame (length byte + frame) filled with seeded noise. */
  private noisy(packet: WirePacket): WirePacket {
    const bytes = packet.bytes.slice();
    for (let i = 2 + (bytes[1] ?? 0); i < bytes.length; i++) bytes[i] = this.rng.int(256);
    return { channel: 'usb', bytes };
  }

  /** F-54: the battery record's flags (u16 LE at `at`) replaced, its bytes kept. */
  private flags(packet: WirePacket, at: number): WirePacket {
    const bytes = packet.bytes.slice();
    const flags = this.batteryFlags ?? 0;
    bytes[at] = flags & 0xff;
    bytes[at + 1] = flags >> 8;
    this.record('F-54', `battery value flags set to 0x${flags.toString(16).padStart(4, '0')}`);
    return { channel: 'att', bytes };
  }
}

/** A reply frame's type byte with the response and write bits (docs/protocol.md §4.3: 0x80 | 0x40). */
function isWriteEcho(type: number | undefined): boolean {
  return type !== undefined && (type & 0xc0) === 0xc0;
}

function att(opcode: number, mtu: number): WirePacket {
  return { channel: 'att', bytes: Uint8Array.of(opcode, mtu & 0xff, mtu >> 8) };
}

/** The value handle of a Device Information characteristic (`2A28` …), or undefined. */
export function disHandle(uuid: string): number | undefined {
  const short = Number.parseInt(uuid, 16);
  if (!/^[0-9a-f]{4}$/i.test(uuid)) return undefined;
  for (const service of GATT_SERVICES)
    for (const c of service.characteristics) if (c.uuid === sigUuid(short)) return c.valueHandle;
  return undefined;
}
