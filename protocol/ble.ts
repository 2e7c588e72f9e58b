/**
 * BLE transport byte and fragmentation on the SCP characteristic (docs/protocol.md §4.1, defaults D-8, D-9).
 * Every ATT value starts with `T`: `01` = more packets follow, `00` = last packet. A packet carries at
 * most `mtu - 4` frame bytes (ATT payload `mtu - 3` minus `T`): 19 at the default MTU of 23.
 */
import { fail, ok, ProtocolError, type Result } from './errors.js';
import {
  FrameHeader,
  FrameStatus,
  PAYLOAD_SIZES,
  parseFrameInto,
  TYPE_LONG,
  TYPE_RESERVED,
} from './frame.js';
import { isKnownNode } from './nodes.js';
import { ResyncingDecoder, type Scan } from './stream.js';

export const DEFAULT_ATT_MTU = 23;
/** Largest ATT MTU a BLE link can negotiate. */
export const MAX_ATT_MTU = 517;
export const TRANSPORT_MORE = 0x01;
export const TRANSPORT_LAST = 0x00;
/** D-9 `scp.maxFrameBytes`: a reassembled frame may not exceed this (largest payload seen, USB limit). */
export const DEFAULT_MAX_FRAME_BYTES = 62;
/** D-9 `scp.reassemblyTimeoutMs`. */
export const DEFAULT_REASSEMBLY_TIMEOUT_MS = 1000;

/** Frame bytes carried per packet at an ATT MTU. */
export function frameBytesPerPacket(mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < DEFAULT_ATT_MTU || mtu > MAX_ATT_MTU) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `ATT MTU must be ${DEFAULT_ATT_MTU}..${MAX_ATT_MTU}, got ${mtu}`,
    );
  }
  return mtu - 4;
}

/** Splits a logical frame into BLE packets, each `T` + up to `mtu - 4` bytes, filled greedily (D-8). */
export function fragmentFrame(frame: Uint8Array, mtu = DEFAULT_ATT_MTU): Uint8Array[] {
  const chunk = frameBytesPerPacket(mtu);
  const packets: Uint8Array[] = [];
  for (let at = 0; at < frame.length || packets.length === 0; at += chunk) {
    const part = frame.subarray(at, Math.min(frame.length, at + chunk));
    const packet = new Uint8Array(part.length + 1);
    packet[0] = at + chunk >= frame.length ? TRANSPORT_LAST : TRANSPORT_MORE;
    packet.set(part, 1);
    packets.push(packet);
  }
  return packets;
}

/** Number of BLE bytes (with transport bytes) that a frame of `frameLength` bytes takes at `mtu`. */
export function fragmentedLength(frameLength: number, mtu = DEFAULT_ATT_MTU): number {
  const chunk = frameBytesPerPacket(mtu);
  return frameLength + Math.max(1, Math.ceil(frameLength / chunk));
}

export interface BleAssemblerOptions {
  readonly maxFrameBytes?: number;
  readonly reassemblyTimeoutMs?: number;
}

/**
 * Reassembles frames from ATT values whose boundaries are known (one write or notification each).
 * Returns the logical frame on a `T = 00` packet, `undefined` while more packets are due, or an error
 * (bad transport byte, oversize, or a partial frame that went stale) after which it starts afresh.
 */
export class BlePacketAssembler {
  private readonly maxFrameBytes: number;
  private readonly timeoutMs: number;
  private parts: Uint8Array[] = [];
  private length = 0;
  private startedAtMs = 0;

  constructor(options: BleAssemblerOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.timeoutMs = options.reassemblyTimeoutMs ?? DEFAULT_REASSEMBLY_TIMEOUT_MS;
  }

  /** Whether a partial frame is buffered. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  /** Time at which a buffered partial frame goes stale, or undefined. */
  deadline(): number | undefined {
    return this.parts.length > 0 ? this.startedAtMs + this.timeoutMs : undefined;
  }

  /** Drops a partial frame whose deadline has passed; returns true if one was dropped. */
  expire(nowMs: number): boolean {
    const due = this.deadline();
    if (due === undefined || nowMs < due) return false;
    this.reset();
    return true;
  }

  reset(): void {
    this.parts = [];
    this.length = 0;
  }

  /** Partial frames dropped because their last packet never came within the timeout. */
  discardedFrames = 0;

  push(packet: Uint8Array, nowMs = 0): Result<Uint8Array> | undefined {
    if (this.expire(nowMs)) {
      this.discardedFrames += 1;
      // The packet after a stale partial may carry a whole frame of its own: keep it.
      const next = this.acceptPart(packet, nowMs);
      if (next?.ok) return next;
      return fail(
        'PROTOCOL_TRUNCATED',
        `partial frame discarded after ${this.timeoutMs} ms without its last packet`,
      );
    }
    return this.acceptPart(packet, nowMs);
  }

  private acceptPart(packet: Uint8Array, nowMs: number): Result<Uint8Array> | undefined {
    if (packet.length === 0) return fail('PROTOCOL_TRUNCATED', 'empty BLE packet: no transport byte');
    const t = packet[0] as number;
    if (t !== TRANSPORT_LAST && t !== TRANSPORT_MORE) {
      this.reset();
      return fail(
        'PROTOCOL_FRAMING',
        `transport byte must be 00 or 01, got ${t.toString(16).padStart(2, '0')}`,
        {
          offset: 0,
        },
      );
    }
    if (this.parts.length === 0) this.startedAtMs = nowMs;
    this.parts.push(packet.subarray(1));
    this.length += packet.length - 1;
    if (this.length > this.maxFrameBytes) {
      const length = this.length;
      this.reset();
      return fail('PROTOCOL_LENGTH', `reassembled frame exceeds ${this.maxFrameBytes} bytes (${length})`);
    }
    if (t === TRANSPORT_MORE) return undefined;
    const frame = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      frame.set(part, at);
      at += part.length;
    }
    this.reset();
    return ok(frame);
  }
}

/**
 * Push decoder for a byte stream of concatenated BLE packets (as in a capture or a recording, where
 * ATT boundaries are lost), fragmented greedily at a known MTU. Accepts chunks split at any offset;
 * skips bytes until a transport byte, a known node, a plausible type, the expected transport byte of
 * every packet and a valid CRC line up (docs/architecture.md house rule 5).
 */
export class BleStreamDecoder extends ResyncingDecoder {
  private readonly chunk: number;
  private readonly header = new FrameHeader();

  constructor(mtu = DEFAULT_ATT_MTU) {
    super();
    this.chunk = frameBytesPerPacket(mtu);
  }

  protected scan(buf: Uint8Array, at: number, available: number): Scan {
    const t = buf[at] as number;
    if (t !== TRANSPORT_LAST && t !== TRANSPORT_MORE) return 'skip';
    if (available < 2) return 'more';
    if (!isKnownNode(buf[at + 1] as number)) return 'skip';
    if (available < 4) return 'more';
    const type = buf[at + 2] as number;
    if ((type & TYPE_RESERVED) !== 0) return 'skip';
    const frameLength =
      (type & TYPE_LONG) !== 0 ? 5 + (buf[at + 3] as number) : 4 + (PAYLOAD_SIZES[(type >> 2) & 3] as number);
    const packets = Math.ceil(frameLength / this.chunk);
    const consumed = frameLength + packets;
    if (available < consumed) return 'more';
    const frame = new Uint8Array(frameLength);
    for (let p = 0; p < packets; p++) {
      const tAt = at + p * (this.chunk + 1);
      if (buf[tAt] !== (p === packets - 1 ? TRANSPORT_LAST : TRANSPORT_MORE)) return 'skip';
      const from = p * this.chunk;
      frame.set(buf.subarray(tAt + 1, tAt + 1 + Math.min(this.chunk, frameLength - from)), from);
    }
    if (parseFrameInto(frame, 0, frameLength, this.header) !== FrameStatus.OK) return 'skip';
    return { frame, consumed };
  }
}
