/**
 * `createFleet` (docs/fleet.md "API"): many virtual devices on one virtual clock, each with its
 * behaviour script, counted together. The fleet is one `DeadlineSource` of the clock; inside, a heap
 * keyed by each device's next due time (its script's next action or its firmware's next deadline)
 * serves only the devices that are due, so an idle device costs nothing per tick. A device that throws
 * is isolated (out of the schedule, listed in `stats().isolated`) and the others run on.
 */
import type { Subscription } from 'rxjs';
import type { FaultName, FirmwareInput, HolderStateName } from '../../firmware-model/index.js';
import { VirtualClock } from '../clock.js';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from '../device/device.js';
import { DueHeap, type Keyed } from '../due-heap.js';
import { SimulatorError } from '../errors.js';
import { ListenerSet } from '../listeners.js';
import { SeededRandom } from '../random.js';
import { type ScriptNotes, UsageScript } from './behaviour.js';
import type { FleetSpec } from './format.js';
import { DRAW, draw32, drawUnit, pickByShare, shardRange } from './identity.js';
import { type ResolvedFleet, resolveFleetSpec } from './spec.js';
import { type FleetStats, StatsCounter } from './stats.js';

export interface FleetOptions extends FleetSpec {
  /** The clock to run on (default: a new `VirtualClock` at 0). The fleet follows it until `dispose()`. */
  clock?: VirtualClock;
  /**
   * The virtual time real time has reached, ms, from whoever runs the clock in real time (the CLI's
   * pump). With it, the lateness of every due time the fleet serves (this minus the due time: the
   * firmware deadlines that raise notifications, the scripts' actions) goes into `stats().lateness`.
   * Undefined while the fleet is not in real time (a warm-up in virtual time): nothing is counted.
   */
  realTimeMs?: () => number | undefined;
}

/** What `subscribe` delivers: one device's change, by its index in the whole fleet. */
export type FleetEvent =
  | { type: 'state'; index: number; atMs: number; unit: 'holder' | 'charger'; from: string; to: string }
  | { type: 'puff'; index: number; atMs: number }
  | { type: 'fault'; index: number; atMs: number; fault: FaultName }
  | { type: 'isolated'; index: number; atMs: number; code: string; message: string };

/** One device of the fleet, as a list or a dashboard shows it. */
export interface FleetDevice {
  /** k: its place in the whole fleet (0-based), the same in every shard. */
  readonly index: number;
  /** `<seed>-<index>`: names the device across shards and fleets (a dashboard's key). */
  readonly id: string;
  readonly model: string;
  /** The charger's product number (the device ID of docs/registration.md), BLE name and address. */
  readonly serial: string;
  readonly name: string;
  readonly address: string;
  /** The usage pattern it follows, and the fault it will develop, if any. */
  readonly behaviour: string;
  readonly fault: FaultName | undefined;
  /** Its holder state now, or `ISOLATED` once it threw. */
  readonly state: HolderStateName | 'ISOLATED';
  readonly device: VirtualDevice;
}

export interface Fleet {
  readonly clock: VirtualClock;
  readonly seed: number;
  /** Devices of the whole fleet, and the slice this one runs. */
  readonly count: number;
  readonly shard: { readonly index: number; readonly count: number };
  /** This shard's devices, by ascending index. */
  readonly devices: readonly FleetDevice[];
  /** Calls `listener` with every fleet event until the returned function is called. */
  subscribe(listener: (event: FleetEvent) => void): () => void;
  stats(): FleetStats;
  /** Runs the clock `ms` of virtual time on (`clock.advanceBy`). */
  runFor(ms: number): void;
  /** Gives device `index` an input now (a dashboard's button) and reschedules it. */
  input(index: number, input: FirmwareInput): void;
  /** Re-reads device `index`'s next due time after someone changed it from outside (a dashboard's fault). */
  reschedule(index: number): void;
  /** Stops following the clock and listening to the devices. */
  dispose(): void;
}

/** Serving one device more often than this at one instant means it never settles: it is isolated. */
const MAX_SERVES_PER_INSTANT = 1000;

class Member implements Keyed, FleetDevice, ScriptNotes {
  dueMs = Number.POSITIVE_INFINITY;
  heapSlot = -1;
  /** Ties in the schedule go to the lower device index. */
  readonly order: number;
  holderState: HolderStateName;
  isolated = false;
  servedAtMs = Number.NaN;
  serves = 0;
  subscription: Subscription | undefined;
  readonly serial: string;
  readonly name: string;
  readonly address: string;
  readonly id: string;

  constructor(
    seed: number,
    readonly index: number,
    readonly device: VirtualDevice,
    readonly script: UsageScript,
    readonly behaviour: string,
    readonly fault: FaultName | undefined,
    private readonly counts: StatsCounter,
    private readonly emit: (event: FleetEvent) => void,
  ) {
    ({ chargerProductNumber: this.serial, name: this.name, address: this.address } = device.identity);
    this.id = `${seed}-${index}`;
    this.order = index;
    this.holderState = device.firmware.state.holder.state;
  }

  get model(): string {
    return this.device.model;
  }
  get state(): HolderStateName | 'ISOLATED' {
    return this.isolated ? 'ISOLATED' : this.holderState;
  }
  failedStart(): void {
    this.counts.failedStarts++;
  }
  usbPlugged(): void {
    this.counts.usbPlugs++;
  }
  faultInjected(fault: FaultName): void {
    this.counts.fault(fault);
    this.emit({ type: 'fault', index: this.index, atMs: this.device.now, fault });
  }
}

class FleetRun implements Fleet {
  readonly clock: VirtualClock;
  readonly seed: number;
  readonly count: number;
  readonly shard: { readonly index: number; readonly count: number };
  private readonly members: Member[] = [];
  private readonly heap = new DueHeap<Member>();
  private readonly counts = new StatsCounter();
  private readonly listeners = new ListenerSet<FleetEvent>();
  private readonly unfollow: () => void;
  private readonly realTimeMs: (() => number | undefined) | undefined;

  constructor(spec: ResolvedFleet, options: FleetOptions) {
    this.clock = options.clock ?? new VirtualClock(0);
    this.realTimeMs = options.realTimeMs;
    ({ seed: this.seed, count: this.count, shard: this.shard } = spec);
    const { start, end } = shardRange(spec.count, spec.shard.index, spec.shard.count);
    const emit = (event: FleetEvent) => {
      if (this.listeners.size > 0) this.listeners.emit(event);
    };
    for (let k = start; k < end; k++) this.members.push(this.member(spec, k, emit));
    for (const m of this.members) this.rekey(m);
    this.unfollow = this.clock.follow({
      nextDeadline: () => {
        const top = this.heap.peek();
        return top === undefined || top.dueMs === Number.POSITIVE_INFINITY ? undefined : top.dueMs;
      },
      handleTimeout: (nowMs) => this.serveDue(nowMs),
    });
  }

  get devices(): readonly FleetDevice[] {
    return this.members;
  }

  private member(spec: ResolvedFleet, k: number, emit: (event: FleetEvent) => void): Member {
    const { seed } = spec;
    const model = pickByShare(spec.models, drawUnit(seed, k, DRAW.model)).model;
    const behaviour = pickByShare(spec.behaviours, drawUnit(seed, k, DRAW.behaviour));
    const faulty = drawUnit(seed, k, DRAW.faulty) < spec.faults.share;
    const kinds = spec.faults.kinds;
    const fault = faulty ? kinds[Math.floor(drawUnit(seed, k, DRAW.faultKind) * kinds.length)] : undefined;
    const startMs = this.clock.now();
    const device = createVirtualDevice({
      model,
      seed: draw32(seed, k, DRAW.deviceSeed),
      startMs,
      firmware: { initial: { chargerPercent: 30 + Math.floor(drawUnit(seed, k, DRAW.initial) * 71) } },
    });
    const faultAtMs = startMs + Math.floor(drawUnit(seed, k, DRAW.faultAt) * spec.faults.withinMs);
    const script = new UsageScript(
      behaviour,
      new SeededRandom(draw32(seed, k, DRAW.script)),
      device.firmware,
      startMs,
      fault ? { name: fault, atMs: faultAtMs } : undefined,
    );
    const member = new Member(seed, k, device, script, behaviour.name, fault, this.counts, emit);
    this.counts.move(this.counts.holder, undefined, member.holderState);
    this.counts.move(this.counts.charger, undefined, device.firmware.state.charger.state);
    member.subscription = device.events$.subscribe((event) => this.onEvent(member, event, emit));
    return member;
  }

  private onEvent(m: Member, e: DeviceEvent, emit: (event: FleetEvent) => void): void {
    const counts = this.counts;
    switch (e.type) {
      case 'state': {
        counts.move(e.unit === 'holder' ? counts.holder : counts.charger, e.from, e.to);
        if (e.unit === 'holder') m.holderState = e.to as HolderStateName;
        if (e.unit === 'holder' && e.to === 'PREHEAT') counts.sessions++;
        if (e.unit === 'holder' && e.to === 'DOCKED_CHARGING') counts.holderCharges++;
        if (e.to === 'ERROR') counts.errors++;
        emit({ type: 'state', index: m.index, atMs: e.atMs, unit: e.unit, from: e.from, to: e.to });
        return;
      }
      case 'puff':
        counts.puffs++;
        emit({ type: 'puff', index: m.index, atMs: e.atMs });
        return;
      case 'rejected':
        counts.rejected++;
        return;
      case 'notify':
        counts.notifications++;
        return;
      default:
        return;
    }
  }

  private rekey(m: Member): void {
    if (m.isolated) return;
    const deadlineMs = m.device.nextDeadline() ?? Number.POSITIVE_INFINITY;
    this.heap.set(m, Math.min(deadlineMs, m.script.nextAtMs));
  }

  private serveDue(nowMs: number): void {
    for (let m = this.heap.peek(); m !== undefined && m.dueMs <= nowMs; m = this.heap.peek())
      this.serve(m, nowMs);
  }

  private serve(m: Member, nowMs: number): void {
    if (m.servedAtMs === nowMs) m.serves++;
    else {
      m.servedAtMs = nowMs;
      m.serves = 0;
    }
    const realMs = this.realTimeMs?.();
    if (realMs !== undefined) this.counts.lateness.add(realMs - nowMs);
    try {
      if (m.serves >= MAX_SERVES_PER_INSTANT)
        throw new SimulatorError('SIM_LOOP_LIMIT', `still due after ${m.serves} turns at ${nowMs} ms`);
      if (m.script.nextAtMs <= nowMs) m.script.run(m.device, nowMs, m);
      const deadlineMs = m.device.nextDeadline();
      if (deadlineMs !== undefined && deadlineMs <= nowMs) m.device.handleTimeout(nowMs);
      // Nobody is connected to a fleet device; a packet left due would keep its deadline in the past.
      while (m.device.pollTransmit() !== undefined);
    } catch (error) {
      this.isolate(m, error, nowMs);
      return;
    }
    this.rekey(m);
  }

  private isolate(m: Member, error: unknown, atMs: number): void {
    m.isolated = true;
    this.heap.remove(m);
    m.subscription?.unsubscribe();
    const code = (error as { code?: unknown }).code;
    const entry = {
      index: m.index,
      serial: m.serial,
      atMs,
      code: typeof code === 'string' ? code : error instanceof Error ? error.name : 'THROWN',
      message: error instanceof Error ? error.message : String(error),
    };
    this.counts.isolated.push(entry);
    if (this.listeners.size > 0) this.listeners.emit({ type: 'isolated', ...entry });
  }

  subscribe(listener: (event: FleetEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  stats(): FleetStats {
    return this.counts.snapshot(this.clock.now(), this.members.length, this.realTimeMs !== undefined);
  }

  runFor(ms: number): void {
    this.clock.advanceBy(ms);
  }

  input(index: number, input: FirmwareInput): void {
    const m = this.memberAt(index);
    m.device.input(input, this.clock.now());
    this.rekey(m);
  }

  reschedule(index: number): void {
    this.rekey(this.memberAt(index));
  }

  private memberAt(index: number): Member {
    const m = this.members[index - (this.members[0]?.index ?? 0)];
    if (m?.index !== index)
      throw new SimulatorError('SIM_BAD_INPUT', `device ${index} is not in this fleet (shard)`);
    return m;
  }

  dispose(): void {
    this.unfollow();
    for (const m of this.members) m.subscription?.unsubscribe();
  }
}

/**
 * A fleet of `count` devices (this shard's slice of them) on `clock`. Throws SIM_FLEET for a spec the
 * format refuses and SIM_UNKNOWN_MODEL for a model no profile describes.
 */
export function createFleet(options: FleetOptions): Fleet {
  const { clock: _clock, realTimeMs: _real, ...spec } = options;
  return new FleetRun(resolveFleetSpec(spec), options);
}
