/**
 * The seeded fault injector (docs/faults.md §15): device faults F-01…F-28 as firmware inputs, link
 * and protocol faults F-40…F-50 as an `InMemoryLink` tap, each applied now, `at(tMs)`, on the n-th
 * SCP request, or `withProbability(p)` per request or per packet. Every random choice (which request,
 * which corrupting byte, how long a weak-USB dropout lasts) comes from one `SeededRandom`, so one seed
 * and one sequence of calls give one run, and `log` says what was applied when.
 */
import { checkInput, type FirmwareInput } from '../../firmware-model/index.js';
import type { TimerHandle, VirtualClock } from '../clock.js';
import type { VirtualDevice } from '../device/device.js';
import { SimulatorError } from '../errors.js';
import type { InMemoryLink, LinkTap } from '../link.js';
import { SeededRandom } from '../random.js';
import type { WirePacket } from '../wire.js';
import { type FaultId, type FaultRef, faultIdOf } from './fault-names.js';
import {
  DEVICE_FAULTS,
  type FaultOptions,
  type FaultStep,
  findFault,
  LINK_FAULTS,
} from './faults-catalogue.js';
import { checkFaultOptions } from './faults-format.js';
import { hex2, isRequestEnd, LinkFaults, type Routed } from './faults-link.js';
import { disHandle, ProtocolFaults } from './faults-protocol.js';

export {
  FAULT_GUIDE,
  type FaultAlias,
  type FaultId,
  type FaultRef,
  faultIdOf,
} from './fault-names.js';
export {
  DEVICE_FAULTS,
  type DeviceFault,
  type FaultOptions,
  type FaultStep,
  findFault,
  LINK_FAULTS,
  type LinkFault,
} from './faults-catalogue.js';

export interface FaultLogEntry {
  readonly atMs: number;
  readonly id: string;
  readonly detail: string;
}

export interface FaultInjectorOptions {
  clock: VirtualClock;
  device: VirtualDevice;
  /** The link whose tap the injector owns (link faults need one; see `attach`). */
  link?: InMemoryLink;
  seed: number;
  /** F-17 `usb.weakSourceDropoutSeconds` (D, default 120). */
  weakUsbDropoutSeconds?: number;
  /** F-17 dropout length range, ms, drawn per dropout (default 500…5000). */
  weakUsbDropoutMs?: readonly [number, number];
}

export interface FaultTrigger {
  inject(ref: FaultRef, options?: FaultOptions): ScheduledFault;
}

export interface ScheduledFault {
  cancel(): void;
}

interface Pending {
  readonly id: FaultId;
  readonly options: FaultOptions;
  readonly when: { kind: 'request'; n: number } | { kind: 'chance'; p: number; per: 'request' | 'packet' };
  cancelled: boolean;
}

export class FaultInjector {
  private readonly clock: VirtualClock;
  private readonly device: VirtualDevice;
  private readonly rng: SeededRandom;
  private readonly entries: FaultLogEntry[] = [];
  private readonly pending: Pending[] = [];
  private readonly timers = new Set<TimerHandle>();
  private readonly dropoutPeriodMs: number;
  private readonly dropoutMs: readonly [number, number];
  private link: InMemoryLink | undefined;
  private readonly packets: LinkFaults;
  private readonly protocol: ProtocolFaults;
  private requestCount = 0;
  /** Options of the last injection of each device fault, for `clear`. */
  private readonly lastOptions = new Map<string, FaultOptions>();
  private weakUsbTimer: TimerHandle | undefined;
  private readonly tap: LinkTap = {
    toDevice: (packet) => this.toDevice(packet),
    toClient: (packet) => this.toClient(packet),
  };

  constructor(options: FaultInjectorOptions) {
    this.clock = options.clock;
    this.device = options.device;
    this.rng = new SeededRandom(options.seed);
    this.packets = new LinkFaults(this.rng, (id, detail) => this.record(id, detail));
    this.protocol = new ProtocolFaults(this.rng, this.device, (id, detail) => this.record(id, detail));
    this.dropoutPeriodMs = (options.weakUsbDropoutSeconds ?? 120) * 1000;
    this.dropoutMs = options.weakUsbDropoutMs ?? [500, 5000];
    const [min, max] = this.dropoutMs;
    if (!(min >= 0 && max >= min && max < this.dropoutPeriodMs && Number.isFinite(this.dropoutPeriodMs)))
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        'weakUsbDropoutMs must be [min, max] with 0 ≤ min ≤ max < weakUsbDropoutSeconds',
      );
    if (options.link) this.attach(options.link);
  }

  /** Applied faults, in order. */
  get log(): readonly FaultLogEntry[] {
    return this.entries;
  }

  /** SCP requests seen on the attached links (the last packet of each request counts). */
  get requestsSeen(): number {
    return this.requestCount;
  }

  /** Takes over `link.tap` (a reconnect attaches the new link); the previous link's tap is removed. */
  attach(link: InMemoryLink): void {
    this.detach();
    this.link = link;
    link.tap = this.tap;
  }

  detach(): void {
    if (this.link?.tap === this.tap) this.link.tap = undefined;
    this.link = undefined;
    this.packets.resetReply();
  }

  /** Applies a fault now; `ref` is its id or name (`F-02`, `heater-too-hot`). */
  inject(ref: FaultRef, options: FaultOptions = {}): void {
    const id = faultIdOf(ref);
    this.check(id, options);
    const needsLink = LINK_FAULTS.some((f) => f.id === id) && id !== 'F-50';
    if (needsLink && !this.link?.open)
      throw new SimulatorError('SIM_BAD_INPUT', `${id} needs an open link attached`);
    this.apply(id, options, 'now');
  }

  /** Applies a fault at virtual time `tMs` (a past time: at the next advance). */
  at(tMs: number): FaultTrigger {
    if (!Number.isFinite(tMs)) throw new SimulatorError('SIM_BAD_INPUT', `at(${tMs}): not a finite time`);
    return {
      inject: (ref, options = {}) => {
        const id = faultIdOf(ref);
        this.check(id, options);
        const timer = this.clock.schedule(tMs, () => {
          this.timers.delete(timer);
          this.apply(id, options, `at ${tMs} ms`);
        });
        this.timers.add(timer);
        return {
          cancel: () => {
            timer.cancel();
            this.timers.delete(timer);
          },
        };
      },
    };
  }

  /** Applies a fault as the `n`-th SCP request (1-based, counted since construction) reaches the link. */
  onNthRequest(n: number): FaultTrigger {
    if (!Number.isInteger(n) || n <= this.requestCount)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        `onNthRequest(${n}): need a whole number > ${this.requestCount} (requests seen)`,
      );
    return this.trigger({ kind: 'request', n });
  }

  /** Applies a fault with probability `p` at each SCP request (or each packet, either way), seeded. */
  withProbability(p: number, options: { per?: 'request' | 'packet' } = {}): FaultTrigger {
    if (!(p >= 0 && p <= 1))
      throw new SimulatorError('SIM_BAD_INPUT', `withProbability(${p}): p must be in [0, 1]`);
    return this.trigger({ kind: 'chance', p, per: options.per ?? 'request' });
  }

  /** Lifts a fault: its firmware clear inputs (bits as last injected, unless given), or disarms it. */
  clear(ref: FaultRef, options?: FaultOptions): void {
    const id = faultIdOf(ref);
    const device = DEVICE_FAULTS.find((f) => f.id === id);
    if (device?.clear) {
      if (id === 'F-17') this.stopWeakUsb();
      if (id === 'F-14') this.packets.holderSilent = false;
      for (const input of device.clear(this.device, options ?? this.lastOptions.get(id) ?? {}))
        this.input(input);
    } else if (!this.packets.disarm(id) && !this.protocol.disarm(id))
      throw new SimulatorError('SIM_BAD_INPUT', `${id} cannot be cleared by the injector`);
    this.record(id, 'cleared');
  }

  /** Cancels every scheduled fault and timer and gives the link's tap back. */
  stop(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.stopWeakUsb();
    for (const p of this.pending) p.cancelled = true;
    this.pending.length = 0;
    this.detach();
  }

  private trigger(when: Pending['when']): FaultTrigger {
    return {
      inject: (ref, options = {}) => {
        const id = faultIdOf(ref);
        this.check(id, options);
        const entry: Pending = { id, options, when, cancelled: false };
        this.pending.push(entry);
        return {
          cancel: () => {
            entry.cancelled = true;
          },
        };
      },
    };
  }

  /** Throws SIM_BAD_INPUT for an unknown or inapplicable id, or options out of range. */
  private check(id: FaultId, o: FaultOptions): void {
    const row = findFault(id);
    if (!row) throw new SimulatorError('SIM_BAD_INPUT', `${id} has no row in the injector's catalogue`);
    const usable = 'supported' in row ? row.supported : row.steps !== undefined;
    if (!usable) throw new SimulatorError('SIM_BAD_INPUT', `${id} (${row.name}) is ${row.applied}`);
    const problem = checkFaultOptions(o)[0];
    if (problem)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        `${id}: options ${problem.pointer || '/'}: ${problem.message}`,
      );
    if (o.uuid !== undefined && disHandle(o.uuid) === undefined)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        `${id}: uuid '${o.uuid}' is no Device Information characteristic`,
      );
    // Whatever the fault turns into must be a valid firmware input now: applied later (at a time,
    // on a request) an out-of-range value would throw from inside the clock (issue 10).
    for (const step of 'steps' in row ? (row.steps?.(this.device, o) ?? []) : []) {
      try {
        checkInput(step.input);
      } catch (error) {
        throw new SimulatorError('SIM_BAD_INPUT', `${id}: ${(error as Error).message}`);
      }
    }
  }

  private apply(id: FaultId, o: FaultOptions, cause: string): void {
    const device = DEVICE_FAULTS.find((f) => f.id === id);
    if (device?.steps) {
      const steps = device.steps(this.device, o);
      this.lastOptions.set(id, o);
      this.record(id, `${cause}: ${steps.map((s) => describe(s)).join(', ')}`);
      for (const step of steps) {
        if (!step.afterMs) this.input(step.input);
        else this.later(this.now() + step.afterMs, () => this.input(step.input));
      }
      if (id === 'F-17') this.startWeakUsb();
      if (id === 'F-14') this.packets.holderSilent = true;
      return;
    }
    if (id === 'F-50') {
      this.device.forgetBonds(this.now());
      this.record(id, `${cause}: bonds forgotten`);
      return;
    }
    const link = this.link;
    if (!link?.open) {
      this.record(id, `${cause}: skipped, no open link attached`);
      return;
    }
    if (id === 'F-52') {
      this.secondCentral(cause);
      return;
    }
    const armed = this.packets.arm(id, o) ?? this.protocol.arm(id, o);
    if (armed !== undefined) {
      this.record(id, `${cause}: armed, ${armed}`);
      return;
    }
    // F-49: a dead link is closed too, so it stops following the device (a reconnect gets every packet).
    this.record(id, `${cause}: disconnect`);
    this.packets.resetReply();
    link.disconnect(`fault ${id}`);
    link.close();
  }

  private toDevice(packet: WirePacket): Routed {
    const end = isRequestEnd(packet);
    if (end) {
      this.requestCount += 1;
      this.fire('request');
    }
    this.fire('packet');
    if (!this.link?.open) return { packets: [] };
    const routed = end ? this.packets.request(packet, this.requestCount) : packet;
    return { packets: this.protocol.toDevice(routed, end) };
  }

  private toClient(packet: WirePacket): Routed {
    this.fire('packet');
    if (!this.link?.open) return { packets: [] };
    const routed = this.packets.toClient(packet);
    return { ...routed, packets: routed.packets.flatMap((p) => this.protocol.toClient(p)) };
  }

  /**
   * F-52: a second central tries the device while one is connected (docs/protocol.md D-21
   * `ble.maxCentrals = 1`).
   */
  private secondCentral(cause: string): void {
    if (!this.device.connected) {
      this.record('F-52', `${cause}: skipped, no central connected`);
      return;
    }
    const advertising = this.device.advertising() !== undefined;
    try {
      this.device.connect(this.now());
      this.record('F-52', `${cause}: a second central was accepted`);
    } catch (error) {
      const code = (error as SimulatorError).code;
      this.record('F-52', `${cause}: refused (${code}); advertising ${advertising ? 'on' : 'off'}`);
    }
  }

  /** Runs the request- or packet-triggered faults that are due, in the order they were scheduled. */
  private fire(event: 'request' | 'packet'): void {
    for (const entry of [...this.pending]) {
      if (entry.cancelled) continue;
      const w = entry.when;
      if (w.kind === 'request') {
        if (event !== 'request' || w.n !== this.requestCount) continue;
        entry.cancelled = true;
        this.apply(entry.id, entry.options, `on request ${w.n}`);
      } else if (w.per === event && this.rng.next() < w.p) {
        this.apply(
          entry.id,
          entry.options,
          `p=${w.p} on ${event === 'request' ? `request ${this.requestCount}` : 'a packet'}`,
        );
      }
    }
    for (let i = this.pending.length - 1; i >= 0; i--)
      if (this.pending[i]?.cancelled) this.pending.splice(i, 1);
  }

  /**
   * F-17: a dropout starts every `weakUsbDropoutSeconds` from the injection and lasts a seeded time;
   * it stops once something else changed the USB power (a plug, an unplug, `clear`).
   */
  private startWeakUsb(): void {
    this.stopWeakUsb();
    const [min, max] = this.dropoutMs;
    const usb = () => this.device.firmware.state.charger.usbPower;
    const schedule = (atMs: number) => {
      this.weakUsbTimer = this.later(atMs, () => {
        if (usb() !== 'weak') {
          this.weakUsbTimer = undefined;
          this.record('F-17', 'ended: USB is no longer the weak source');
          return;
        }
        const ms = min + this.rng.int(max - min + 1);
        this.input({ type: 'usb', power: 'none' });
        this.record('F-17', `dropout for ${ms} ms`);
        this.weakUsbTimer = this.later(atMs + ms, () => {
          this.weakUsbTimer = undefined;
          if (usb() !== 'none') return;
          this.input({ type: 'usb', power: 'weak' });
          schedule(atMs + this.dropoutPeriodMs);
        });
      });
    };
    schedule(this.now() + this.dropoutPeriodMs);
  }

  private stopWeakUsb(): void {
    this.weakUsbTimer?.cancel();
    if (this.weakUsbTimer) this.timers.delete(this.weakUsbTimer);
    this.weakUsbTimer = undefined;
  }

  private later(atMs: number, run: () => void): TimerHandle {
    const timer = this.clock.schedule(atMs, () => {
      this.timers.delete(timer);
      run();
    });
    this.timers.add(timer);
    return timer;
  }

  private input(input: FirmwareInput): void {
    this.device.input(input, this.now());
  }

  private now(): number {
    return Math.max(this.clock.now(), this.device.now);
  }

  private record(id: string, detail: string): void {
    this.entries.push({ atMs: this.clock.now(), id, detail });
  }
}

/** `fault holderError bits=0x01`, `ambient tempC=45`, `puff +4000 ms`: one step for the log. */
function describe(step: FaultStep): string {
  const { type, ...rest } = step.input;
  const args = Object.entries(rest).map(([k, v]) =>
    k === 'fault' ? String(v) : `${k}=${k === 'bits' && typeof v === 'number' ? hex2(v) : v}`,
  );
  return [type, ...args, ...(step.afterMs ? [`+${step.afterMs} ms`] : [])].join(' ');
}
