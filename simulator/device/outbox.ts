/**
 * What the device has to send, in time order: SCP replies, ATT responses and notifications, each
 * with the virtual time it may leave at. Replies keep request order per channel (docs/protocol.md §6.1): a
 * reply is never queued before one already queued on its channel.
 */
import type { Channel, WirePacket } from '../wire.js';

interface Outgoing {
  readonly atMs: number;
  readonly packet: WirePacket;
}

export class Outbox {
  private readonly items: Outgoing[] = [];
  /** Latest time an SCP reply is queued for, per channel: later replies never go before it. */
  private readonly replyHorizonMs: Record<Channel, number> = {
    att: Number.NEGATIVE_INFINITY,
    usb: Number.NEGATIVE_INFINITY,
  };

  /** Queues a packet for `atMs`, after everything already queued for that time or earlier. */
  queue(atMs: number, channel: Channel, bytes: Uint8Array): void {
    const item = { atMs, packet: { channel, bytes } };
    let i = this.items.length;
    while (i > 0 && (this.items[i - 1] as Outgoing).atMs > atMs) i--;
    this.items.splice(i, 0, item);
  }

  /** The next packet due at `nowMs`, taken off the queue. */
  take(nowMs: number): WirePacket | undefined {
    const next = this.items[0];
    if (!next || next.atMs > nowMs) return undefined;
    this.items.shift();
    return next.packet;
  }

  /** When the next packet is due, ms, or +∞. */
  get nextAtMs(): number {
    return this.items[0]?.atMs ?? Number.POSITIVE_INFINITY;
  }

  /**
   * The time a reply to a request received at `nowMs` goes out: a BLE write's echo at once (D-1: a
   * positional client consumes it with its write), anything else `replyDelayMs` later (D-10); never
   * before a reply already queued on the channel.
   */
  replyAt(nowMs: number, channel: Channel, isWrite: boolean, replyDelayMs: number): number {
    const at = Math.max(
      isWrite && channel === 'att' ? nowMs : nowMs + replyDelayMs,
      this.replyHorizonMs[channel],
    );
    this.replyHorizonMs[channel] = at;
    return at;
  }

  /** Drops everything queued on `channel` (its connection went away). */
  dropChannel(channel: Channel): void {
    this.replyHorizonMs[channel] = Number.NEGATIVE_INFINITY;
    for (let i = this.items.length - 1; i >= 0; i--)
      if (this.items[i]?.packet.channel === channel) this.items.splice(i, 1);
  }
}
