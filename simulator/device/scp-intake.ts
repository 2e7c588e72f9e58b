/**
 * How SCP requests reach the responder (docs/protocol.md D-9, D-11), as state with deadlines so the device
 * can report them through `nextDeadline()` / `handleTimeout()`:
 * - D-9: BLE packets are reassembled (`T = 01` … `T = 00`); a partial frame whose last packet has
 *   not come `scp.reassemblyTimeoutMs` (1000) after its first is discarded at that deadline, not at
 *   the next packet, and counted (`staleFrames`, and `malformed` as D-9 says).
 * - D-11: requests are served FIFO with `scp.queueDepth` (16) slots per transport; a request holds a
 *   slot from its arrival until its reply leaves. A request arriving with every slot taken (the
 *   17th) is dropped before it is decoded: no reply, no state change, `queueOverflow` += 1.
 */
import { BlePacketAssembler } from '../../protocol/index.js';
import type { Channel } from '../wire.js';

/** The `ScpDiagnostics` counters the intake updates. */
export interface IntakeCounters {
  malformed: number;
  staleFrames: number;
  queueOverflow: number;
}

export interface ScpIntakeOptions {
  /** D-11 `scp.queueDepth` (default 16). */
  readonly queueDepth?: number;
  /** D-9 `scp.reassemblyTimeoutMs` (default 1000). */
  readonly reassemblyTimeoutMs?: number;
  /** D-9 `scp.maxFrameBytes` (default 62). */
  readonly maxFrameBytes?: number;
}

export class ScpIntake {
  readonly queueDepth: number;
  private readonly assembler: BlePacketAssembler;
  /** Send times of the replies still owed, per transport, oldest first. */
  private readonly owed: Record<Channel, number[]> = { att: [], usb: [] };

  constructor(
    private readonly diag: IntakeCounters,
    options: ScpIntakeOptions = {},
  ) {
    this.queueDepth = options.queueDepth ?? 16;
    this.assembler = new BlePacketAssembler({
      ...(options.reassemblyTimeoutMs === undefined
        ? {}
        : { reassemblyTimeoutMs: options.reassemblyTimeoutMs }),
      ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
    });
  }

  /**
   * One BLE value written to the SCP characteristic: the whole frame once its last packet is in,
   * else undefined. A packet that breaks the framing (bad transport byte, over `maxFrameBytes`)
   * is counted as malformed (D-6, D-9).
   */
  pushBle(packet: Uint8Array, nowMs: number): Uint8Array | undefined {
    this.handleTimeout(nowMs);
    const result = this.assembler.push(packet, nowMs);
    if (!result) return undefined;
    if (!result.ok) {
      this.diag.malformed += 1;
      return undefined;
    }
    return result.value;
  }

  /** When a buffered partial frame goes stale (D-9), or undefined. */
  nextDeadline(): number | undefined {
    return this.assembler.deadline();
  }

  /** Discards a partial frame whose D-9 deadline has passed; returns whether one was. */
  handleTimeout(nowMs: number): boolean {
    if (!this.assembler.expire(nowMs)) return false;
    this.diag.staleFrames += 1;
    this.diag.malformed += 1;
    return true;
  }

  /** The BLE link went away: a partial frame and the replies owed on it go with it. */
  disconnect(): void {
    this.assembler.reset();
    this.owed.att.length = 0;
  }

  /** D-11: whether a request arriving at `nowMs` on `channel` gets a slot; counts the overflow. */
  admit(channel: Channel, nowMs: number): boolean {
    const owed = this.owed[channel];
    while (owed.length > 0 && (owed[0] as number) <= nowMs) owed.shift();
    if (owed.length < this.queueDepth) return true;
    this.diag.queueOverflow += 1;
    return false;
  }

  /** The admitted request's reply leaves at `atMs`: its slot is held until then. */
  owe(channel: Channel, atMs: number): void {
    this.owed[channel].push(atMs);
  }

  /** Requests holding a slot on `channel` at `nowMs`. */
  pending(channel: Channel, nowMs: number): number {
    return this.owed[channel].filter((at) => at > nowMs).length;
  }
}
