/**
 * SCP requests as they reach the device: BLE writes to the control point (reassembled, D-9) and USB
 * reports (docs/protocol.md §5.2), admitted by the bond table, answered by the responder, and their replies
 * queued with the timing of D-1 and D-10 in request order (docs/protocol.md §6.1): fragments to the MTU over
 * BLE, one report per frame over USB.
 */
import {
  ATT_ERROR_INSUFFICIENT_AUTHENTICATION,
  decodeUsbReport,
  encodeUsbReport,
  FrameHeader,
  fragmentFrame,
  parseFrameInto,
  toHex,
} from '../../protocol/index.js';
import type { Channel } from '../wire.js';
import type { Bonds } from './bonds.js';
import type { DeviceEvent } from './device-events.js';
import type { GattServer } from './gatt-server.js';
import { HANDLES } from './gatt-values.js';
import type { Outbox } from './outbox.js';
import type { ScpResponder } from './scp.js';
import type { DeviceScript } from './script.js';

export interface RequestContext {
  readonly scp: ScpResponder;
  readonly gatt: GattServer;
  readonly outbox: Outbox;
  readonly bonds: Bonds;
  readonly replyDelayMs: number;
  /** Recorded answers that replace the responder's (docs/captures.md "Replay"). */
  readonly script?: DeviceScript;
  /** The connected central, or undefined. */
  central(): string | undefined;
  /** Lets the firmware's events out after the responder changed its state. */
  pump(): void;
  /** Reports a packet the device did not take (a `dropped` event). */
  emit(event: Extract<DeviceEvent, { type: 'dropped' }>): void;
}

export class ScpRequests {
  private readonly header = new FrameHeader();
  /** When the echo of the SCP write being handled goes out (its ATT Write Response follows it, D-1). */
  echoAtMs = 0;

  constructor(private readonly ctx: RequestContext) {}

  /** A connection went away: a half-received BLE write and the replies owed on it go with it. */
  reset(): void {
    this.ctx.scp.intake.disconnect();
  }

  /** When a half-received BLE write goes stale (D-9), or undefined. */
  nextDeadline(): number | undefined {
    return this.ctx.scp.intake.nextDeadline();
  }

  /** Discards a half-received BLE write at its D-9 deadline (counted, and a `dropped` event). */
  handleTimeout(nowMs: number): void {
    if (this.ctx.scp.intake.handleTimeout(nowMs))
      this.ctx.emit({
        type: 'dropped',
        atMs: nowMs,
        channel: 'att',
        reason: 'stale partial frame (D-9)',
        hex: '',
      });
  }

  /** An ATT write to the control point; returns the ATT error code, 0 for success. */
  bleWrite(value: Uint8Array, nowMs: number): number {
    if (!this.ctx.bonds.admits(this.ctx.central())) return ATT_ERROR_INSUFFICIENT_AUTHENTICATION;
    this.handleTimeout(nowMs);
    const frame = this.ctx.scp.intake.pushBle(value, nowMs);
    if (frame) this.handle(frame, nowMs, 'att');
    return 0;
  }

  usbReport(report: Uint8Array, nowMs: number): void {
    if (!this.ctx.bonds.admits(undefined)) {
      this.drop('bonded-only: USB has no pairing (docs/protocol.md §5)', report, nowMs);
      return;
    }
    const frame = decodeUsbReport(report);
    if (!frame.ok) {
      this.ctx.scp.diagnostics.malformed += 1;
      this.drop(frame.error.code, report, nowMs);
      return;
    }
    this.handle(frame.value, nowMs, 'usb');
  }

  private drop(reason: string, report: Uint8Array, atMs: number): void {
    this.ctx.emit({ type: 'dropped', atMs, channel: 'usb', reason, hex: toHex(report) });
  }

  /**
   * Replies to SCP writes go out at once, before the ATT Write Response the server queues after this
   * returns (D-1: positional clients consume the echo with their write); read replies after
   * `replyDelayMs` (D-10).
   */
  private handle(frame: Uint8Array, nowMs: number, channel: Channel): void {
    const { scp, outbox, gatt } = this.ctx;
    if (!scp.intake.admit(channel, nowMs)) {
      // D-11: every queue slot holds a reply not yet sent; the request is dropped undecoded.
      this.ctx.emit({
        type: 'dropped',
        atMs: nowMs,
        channel,
        reason: 'SCP queue full (D-11)',
        hex: toHex(frame),
      });
      return;
    }
    const scripted = this.ctx.script?.answer(frame);
    const replies = this.ctx.script ? (scripted?.frames ?? []) : scp.handleFrame(frame, nowMs);
    this.ctx.pump();
    if (replies.length === 0) return;
    // The frame was answered, so its header parses; only the write bit is needed here.
    parseFrameInto(frame, 0, frame.length, this.header, 'either');
    const isWrite = this.header.write;
    const at = outbox.replyAt(nowMs, channel, isWrite, scripted?.delayMs ?? this.ctx.replyDelayMs);
    if (isWrite && channel === 'att') this.echoAtMs = at;
    scp.intake.owe(channel, at);
    for (const reply of replies) {
      if (channel === 'usb') outbox.queue(at, 'usb', encodeUsbReport(reply));
      else
        for (const fragment of fragmentFrame(reply, gatt.mtu)) {
          const pdu = gatt.notify(HANDLES.scp, fragment);
          if (pdu) outbox.queue(at, 'att', pdu);
        }
    }
  }
}
