/**
 * The in-memory link (docs/architecture.md house rule 8: a product feature, not a test mock): a client
 * `Transport` wired to a `VirtualDevice` through a `VirtualClock`, with an optional one-way latency. Every
 * delivery is a clock timer, so a whole exchange is deterministic and runs in virtual time.
 */
import type { VirtualClock } from './clock.js';
import { DEFAULT_CENTRAL, type VirtualDevice } from './device/device.js';
import { SimulatorError } from './errors.js';
import { ListenerSet } from './listeners.js';
import type { WirePacket } from './wire.js';

/** The one transport shape (architecture "core contracts"): bytes out, bytes in, close. */
export interface Transport {
  write(packet: WirePacket): void;
  onData(listener: (packet: WirePacket) => void): () => void;
  /** Called when the link drops (device disconnect, link fault, close). */
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
  readonly open: boolean;
}

export interface LinkOptions {
  /** One-way latency, ms (default 0: delivered at the current virtual time, after the sender returns). */
  latencyMs?: number;
  /** Connect the BLE channel at once (default true). */
  connect?: boolean;
  /**
   * Which central this link is (its identity address; bonds are per central, docs/protocol.md §3.8). Default
   * `DEFAULT_CENTRAL`.
   */
  central?: string;
}

/** Hooks a fault injector uses to drop, corrupt or delay packets in either direction. */
export interface LinkTap {
  /** Returns the packets to deliver (none to drop, a changed copy to corrupt) and an extra delay. */
  toDevice?(packet: WirePacket, nowMs: number): { packets: WirePacket[]; delayMs?: number };
  toClient?(packet: WirePacket, nowMs: number): { packets: WirePacket[]; delayMs?: number };
}

export class InMemoryLink implements Transport {
  private readonly listeners = new ListenerSet<WirePacket>();
  private readonly closeListeners = new ListenerSet<string>();
  private readonly unfollow: () => void;
  private openValue = true;
  private readonly latencyMs: number;
  /** The central this link connects as. */
  readonly central: string;
  tap: LinkTap | undefined;

  constructor(
    readonly clock: VirtualClock,
    readonly device: VirtualDevice,
    options: LinkOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.central = options.central ?? DEFAULT_CENTRAL;
    this.unfollow = clock.follow({
      nextDeadline: () => device.nextDeadline(),
      handleTimeout: (nowMs) => {
        device.handleTimeout(Math.max(nowMs, device.now));
        this.drain();
      },
      watchDeadline: (changed) => device.watchDeadline(changed),
    });
    if (options.connect ?? true) device.connect(clock.now(), this.central);
  }

  get open(): boolean {
    return this.openValue;
  }

  write(packet: WirePacket): void {
    if (!this.openValue) throw new SimulatorError('SIM_DISCONNECTED', 'the link is closed');
    const now = this.clock.now();
    const routed = this.tap?.toDevice?.(packet, now) ?? { packets: [packet] };
    for (const p of routed.packets) {
      this.clock.schedule(now + this.latencyMs + (routed.delayMs ?? 0), (t) => {
        if (!this.openValue) return;
        // A device driven ahead of the clock (input with a later time) receives at its own time.
        this.device.receive(p, Math.max(t, this.device.now));
        this.drain();
      });
    }
  }

  onData(listener: (packet: WirePacket) => void): () => void {
    return this.listeners.add(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.closeListeners.add(listener);
  }

  /** Drops the BLE connection from the device side (F-49) or on close. */
  disconnect(reason = 'disconnected'): void {
    if (!this.openValue) return;
    this.openValue = false;
    // A dropped link stops taking the device's output, so a new link gets what comes after.
    this.unfollow();
    this.device.disconnect(this.clock.now());
    this.closeListeners.emit(reason);
  }

  close(): void {
    this.disconnect('closed by the client');
    this.unfollow();
  }

  /** Hands every packet the device has ready to the client side, after the latency. */
  private drain(): void {
    if (!this.openValue) return;
    const now = this.clock.now();
    for (let packet = this.device.pollTransmit(); packet; packet = this.device.pollTransmit()) {
      const routed = this.tap?.toClient?.(packet, now) ?? { packets: [packet] };
      for (const p of routed.packets) {
        this.clock.schedule(now + this.latencyMs + (routed.delayMs ?? 0), () => {
          if (!this.openValue) return;
          this.listeners.emit(p);
        });
      }
    }
  }
}

/**
 * Awaits `promise` while advancing `clock` from timer to timer: the way a test (or the CLI) runs an
 * async client call in virtual time. Before each step it lets the promise jobs already queued run
 * (`clock.settleJobs`), so client code between two awaits schedules its next packet or timer before
 * time moves; time only moves to the clock's next timer, so whatever happens first (a reply, a
 * disconnect, a timeout) is what the call reports. Throws SIM_TIMEOUT when nothing is left to run
 * or the next timer lies beyond `limitMs`.
 */
export async function runUntilSettled<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  limitMs = 3_600_000,
): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  const isSettled = () => settled;
  const end = clock.now() + limitMs;
  for (;;) {
    let next = clock.nextAt();
    if (next === undefined || next > clock.now()) {
      // Time would move (or stop): first let the jobs already queued run and schedule their timers.
      await clock.settleJobs(isSettled);
      if (settled) return tracked;
      next = clock.nextAt();
    } else {
      // Timers due at this instant fire in their order whatever the jobs do; one turn lets a call
      // that has settled be seen.
      await undefined;
      if (settled) return tracked;
    }
    if (next === undefined)
      throw new SimulatorError('SIM_TIMEOUT', 'nothing left to run and the call has not finished');
    if (next > end)
      throw new SimulatorError('SIM_TIMEOUT', `the call did not finish within ${limitMs} ms of virtual time`);
    clock.advanceTo(Math.max(next, clock.now()));
  }
}
