/**
 * One device's firmware: the holder and charger machines (or one-piece), their timers and the
 * heating loop, behind a sans-IO surface (architecture "core contracts"): `input(event, nowMs)`,
 * `advanceTo(nowMs)`, `nextDeadline()`, `pollEvent()`, `snapshot()`. Time is always an argument;
 * outputs are timestamped events. Outside heating nothing runs between deadlines; while heating,
 * `advanceTo` runs the control loop tick by tick up to the next timer or the target time.
 */
import type { Ctx, Derived } from './context.js';
import { integrate, isHeating, levelsAt, nextLevelDeadline, rates, syncHeatingBattery } from './energy.js';
import { FirmwareError } from './errors.js';
import { type HeaterEvent, HeaterLoop, HeaterStop, nominalSessionEnergyJ } from './heater.js';
import { applyInput } from './inputs.js';
import { NotifiedViews } from './notified.js';
import { daysCounter, rtcSeconds } from './outputs.js';
import type { DeepPartial, FirmwareParams } from './params.js';
import { getProfile, type ModelProfile, resolveParams, sharedParams } from './profiles.js';
import { reconcile } from './reconcile.js';
import { armSleep, endSession, onPuffDetected } from './session.js';
import { checkState, type InitialConditions, initialState } from './state.js';
import { NO_TIMER, TIMER_NAMES, type TimerName, TimerSlots } from './timer-slots.js';
import { fireTimer } from './timers.js';
import {
  type Counters,
  END_REASON,
  type FirmwareEvent,
  type FirmwareInput,
  type FirmwareState,
  type UnitName,
} from './types.js';
import { checkInitial, checkInput, checkParams, isFirmwareInputType } from './validate.js';
import { type BatteryView, batteryView, type StatusView, statusView } from './views.js';

export interface FirmwareSnapshot {
  readonly format: 'iqsim-firmware';
  readonly version: 1;
  readonly modelId: string;
  readonly params: FirmwareParams;
  readonly state: FirmwareState;
  /** The battery and status views as last notified, so a restored device notifies exactly as the original. */
  readonly notified: { readonly battery: string; readonly status: string };
}

/** `Firmware.counters()`: the tag records with tag 17 filled in, and the short-register totals. */
export type CountersView = Omit<Counters, 'dayOffset'>;

export interface FirmwareOptions {
  /** Overrides of the model's parameters (ignored when restoring: the snapshot carries its own). */
  params?: DeepPartial<FirmwareParams>;
  initial?: InitialConditions;
  /** Virtual time of the first state, ms (default 0). */
  startMs?: number;
  snapshot?: FirmwareSnapshot;
}

/** A probe's readings at its instant (`Firmware.readAt`). */
export interface ProbeReadings {
  /** Heater temperature, °C. */
  heaterC: number;
  /** Electrical power into the heater, W. */
  heaterW: number;
  /** Airflow of the puff under way, ml/s; 0 between puffs and at rest. */
  puffFlowMlS: number;
  /** Holder battery, % (one-piece: the main unit's). */
  holderPct: number;
  /** Charger battery, %. */
  chargerPct: number;
}

/**
 * Something that reads the firmware's values at chosen instants of virtual time without making the
 * firmware stop there on its own (`Firmware.addProbe`; the trace sampler is one).
 */
export interface FirmwareProbe {
  /** The next instant wanted, virtual ms; `sample` must move it past the instant it was called at. */
  readonly dueMs: number;
  /** Called inside `advanceTo` with the firmware at `atMs`: timers due then have run, inputs given then not yet. */
  sample(firmware: Firmware, atMs: number): void;
}

export class Firmware {
  readonly profile: ModelProfile;
  readonly params: FirmwareParams;
  private readonly ctx: Ctx;
  private readonly queue: FirmwareEvent[] = [];
  /** The armed timers (docs/firmware-model.md "Timers"); `state.timers` holds them only in a snapshot. */
  private readonly timers = new TimerSlots();
  /** The battery and status record values as last notified. */
  private readonly notified = new NotifiedViews();
  private readonly probes: FirmwareProbe[] = [];
  /** The earliest probe instant (+∞ without probes). */
  private probeAtMs = Number.POSITIVE_INFINITY;
  /** The battery rates `readAt` reads, kept to allocate nothing per sample. */
  private readonly probeRates = { charger: 0, holder: 0 };

  constructor(modelId: string, options: FirmwareOptions = {}) {
    this.profile = getProfile(modelId);
    const snapshot = options.snapshot;
    if (snapshot && (snapshot.format !== 'iqsim-firmware' || snapshot.version !== 1))
      throw new FirmwareError('FIRMWARE_SNAPSHOT', 'not an iqsim firmware snapshot (format/version)');
    this.params = snapshot
      ? resolveParams(this.profile, snapshot.params)
      : options.params === undefined
        ? sharedParams(this.profile)
        : resolveParams(this.profile, options.params);
    checkParams(this.params);
    if (!snapshot) checkInitial(options.initial ?? {});
    const derived = derive(this.profile, this.params);
    const state = snapshot
      ? checkState(snapshot.state, this.profile.id)
      : initialState(
          this.profile,
          this.params,
          derived.energyPerUsePercent,
          options.initial ?? {},
          options.startMs ?? 0,
        );
    const heater = new HeaterLoop(this.params.heater);
    if (state.heater) heater.load(state.heater);
    const queue = this.queue;
    const timers = this.timers;
    timers.load(state.timers);
    state.timers = {};
    this.ctx = {
      state,
      params: this.params,
      profile: this.profile,
      heater,
      derived,
      emit: (event) => queue.push(event),
      setTimer: (name, atMs) => timers.set(name, atMs),
      clearTimer: (name) => timers.clear(name),
      hasTimer: (name) => timers.has(name),
    };
    if (snapshot) {
      this.notified.load(String(snapshot.notified?.battery ?? ''), String(snapshot.notified?.status ?? ''));
    } else {
      // A holder that starts out of its case idles towards sleep like one just taken out.
      armSleep(this.ctx);
      this.settle(true, true);
    }
  }

  /** The live state (read-only by contract; mutate through `input`). */
  get state(): Readonly<FirmwareState> {
    return this.ctx.state;
  }

  get nowMs(): number {
    return this.ctx.state.nowMs;
  }

  /** Applies one input at `nowMs` (after running everything due before it). */
  input(input: FirmwareInput, nowMs: number): void {
    if (
      typeof input !== 'object' ||
      input === null ||
      !isFirmwareInputType((input as { type: unknown }).type)
    )
      throw new FirmwareError('FIRMWARE_INPUT', `unknown firmware input ${JSON.stringify(input)}`);
    checkInput(input);
    this.advanceTo(nowMs);
    const recheck = applyInput(this.ctx, input);
    this.settle(recheck);
  }

  /** Runs timers and the heating loop up to `nowMs`. Time never goes back (FIRMWARE_TIME). */
  advanceTo(nowMs: number): void {
    const { state, heater } = this.ctx;
    const timers = this.timers;
    if (!(nowMs >= state.nowMs))
      throw new FirmwareError('FIRMWARE_TIME', `time went back from ${state.nowMs} to ${nowMs}`);
    for (;;) {
      const next = timers.earliest();
      const nextAtMs = next === NO_TIMER ? Number.POSITIVE_INFINITY : timers.atOf(next);
      const due = nextAtMs <= nowMs;
      const limit = due ? nextAtMs : nowMs;
      // A probe's instant comes after the timers due then and before any input given at it.
      const probeAt = this.probeAtMs;
      // While heating, the loop samples the instants before `limit` itself (`HeaterLoop.onSample`).
      const heating = isHeating(this.ctx);
      const probing = (!heating && probeAt < limit) || (probeAt === limit && !due);
      const target = probing ? probeAt : limit;
      // At a probe's instant only the heater runs there; nothing else moves, so a probed firmware
      // computes exactly what an unprobed one does (the probe reads levels with `readAt`). While
      // heating, the loop calls the probes itself at the instants before its target, without stopping.
      if (heating) {
        const stop = heater.run(target, probeAt);
        if (probing && stop === HeaterStop.reached) {
          this.runProbes(target);
          continue;
        }
        const reached = stop === HeaterStop.reached ? target : Math.max(state.nowMs, heater.timeMs);
        integrate(this.ctx, reached);
        state.nowMs = reached;
        syncHeatingBattery(this.ctx);
        if (stop !== HeaterStop.reached) {
          this.onHeaterStop(stop);
          this.settle(false);
          continue;
        }
      } else if (probing) {
        this.runProbes(target);
        continue;
      } else {
        integrate(this.ctx, target);
        state.nowMs = target;
      }
      if (!due) break;
      timers.clearId(next);
      this.settle(fireTimer(this.ctx, TIMER_NAMES[next] as TimerName));
    }
  }

  /**
   * Adds a probe (docs/traces.md "From the library"): `advanceTo` stops at each of its instants on
   * the way, with every value exact there, and calls it. A probe is not a deadline: the firmware gets
   * there only when someone advances it that far. Returns the function that removes it.
   */
  addProbe(probe: FirmwareProbe): () => void {
    if (!(probe.dueMs >= this.ctx.state.nowMs))
      throw new FirmwareError(
        'FIRMWARE_TIME',
        `a probe at ${probe.dueMs} is before the firmware's time ${this.ctx.state.nowMs}`,
      );
    this.probes.push(probe);
    this.probeAtMs = Math.min(this.probeAtMs, probe.dueMs);
    this.ctx.heater.onSample ??= (atMs) => {
      this.runProbes(atMs);
      return this.probeAtMs;
    };
    return () => {
      const index = this.probes.indexOf(probe);
      if (index >= 0) this.probes.splice(index, 1);
      this.refreshProbeAt();
    };
  }

  /**
   * Runs the probes due up to `nowMs` without moving anything else, when nothing else would happen
   * by then (not heating, no timer due); returns false, having done nothing, otherwise. This lets a
   * probe catch up while the firmware idles, and keeps a probed firmware computing exactly what an
   * unprobed one does.
   */
  probeUntil(nowMs: number): boolean {
    if (isHeating(this.ctx) || (this.timers.nextAtMs() ?? Number.POSITIVE_INFINITY) <= nowMs) return false;
    while (this.probeAtMs <= nowMs) this.runProbes(this.probeAtMs);
    return true;
  }

  private runProbes(atMs: number): void {
    const probes = this.probes;
    for (let i = 0; i < probes.length; i++) {
      const probe = probes[i] as FirmwareProbe;
      if (probe.dueMs > atMs) continue;
      probe.sample(this, atMs);
      if (!(probe.dueMs > atMs))
        throw new FirmwareError('FIRMWARE_TIME', `a probe sampled at ${atMs} asked for ${probe.dueMs} next`);
    }
    this.refreshProbeAt();
  }

  private refreshProbeAt(): void {
    let at = Number.POSITIVE_INFINITY;
    const probes = this.probes;
    for (let i = 0; i < probes.length; i++) at = Math.min(at, (probes[i] as FirmwareProbe).dueMs);
    this.probeAtMs = at;
  }

  /** When something next happens on its own (a timer, a level boundary, a heater report), or undefined. */
  nextDeadline(): number | undefined {
    return this.timers.nextAtMs();
  }

  pollEvent(): FirmwareEvent | undefined {
    return this.queue.shift();
  }

  /** Every pending event, oldest first. */
  drainEvents(): FirmwareEvent[] {
    return this.queue.splice(0, this.queue.length);
  }

  /** A plain-JSON copy of everything needed to continue exactly from here. */
  snapshot(): FirmwareSnapshot {
    const s = this.ctx.state;
    if (isHeating(this.ctx)) s.heater = Array.from(this.ctx.heater.regs);
    return {
      format: 'iqsim-firmware',
      version: 1,
      modelId: this.profile.id,
      params: structuredClone(this.params),
      state: { ...structuredClone(s), timers: this.timers.toRecord() },
      notified: this.notified.toJSON(),
    };
  }

  battery(): BatteryView {
    return batteryView(this.ctx);
  }

  status(): StatusView {
    return statusView(this.ctx);
  }

  /**
   * A unit's RTC in seconds since 2010-01-01 (docs/protocol.md §8.1): the case's by default; two-piece
   * holders keep their own.
   */
  rtcSeconds(unit: UnitName = 'charger'): number {
    return rtcSeconds(this.ctx, unit);
  }

  /**
   * The usage counters as the wire carries them (docs/protocol.md §9): the stored tags plus tag 17 computed
   * from each unit's clock (D-28, never below 0); one-piece devices have only the charger's set.
   */
  counters(): CountersView {
    const c = this.ctx.state.counters;
    const days = (unit: UnitName) => Math.max(0, daysCounter(this.ctx, unit));
    return {
      charger: { ...c.charger, '17': days('charger') },
      holder: this.ctx.derived.onePiece ? {} : { ...c.holder, '17': days('holder') },
      lifetimePuffs: c.lifetimePuffs,
      lifetimeUsageQuarterSeconds: c.lifetimeUsageQuarterSeconds,
      lastSessionQuarterSeconds: c.lastSessionQuarterSeconds,
    };
  }

  /** Heater temperature now (°C): the loop's while heating, ambient at rest. */
  heaterTempC(): number {
    return isHeating(this.ctx) ? this.ctx.heater.tempC : this.ctx.state.heaterTempC;
  }

  /** Whether the heater loop runs (pre-heat, session, warning, pause). */
  heating(): boolean {
    return isHeating(this.ctx);
  }

  /** Electrical power into the heater now, W: the loop's last tick while heating, else 0. */
  heaterPowerW(): number {
    return isHeating(this.ctx) ? this.ctx.heater.powerW : 0;
  }

  /**
   * What a probe reads at `atMs` (docs/firmware-model.md "Surface"), written into `out`: the heater
   * as the loop left it at the last tick at or before the instant (ambient and 0 W at rest), the
   * puff's airflow, and both battery levels as a step there would leave them, without moving the
   * firmware. One call, so the heating check is made once and nothing is allocated.
   */
  readAt(atMs: number, out: ProbeReadings): void {
    const ctx = this.ctx;
    const heating = isHeating(ctx);
    const heater = ctx.heater;
    out.heaterC = heating ? heater.tempC : ctx.state.heaterTempC;
    out.heaterW = heating ? heater.powerW : 0;
    out.puffFlowMlS = heating ? heater.flowAt(atMs) : 0;
    levelsAt(ctx, atMs, heating, this.probeRates, out);
  }

  /** Current battery rates, % per ms (for tests of energy conservation and for the live view). */
  levelRates(): { charger: number; holder: number } {
    return rates(this.ctx);
  }

  /**
   * Whether the charge-cycle count passed `warranty.cycleLimit` (docs/device.md §8; test API only, no
   * register).
   */
  cycleLimitExceeded(): boolean {
    return this.ctx.state.charger.cycleCount > this.params.warranty.cycleLimit;
  }

  private onHeaterStop(stop: HeaterEvent): void {
    switch (stop) {
      case HeaterStop.puffDetected:
        onPuffDetected(this.ctx);
        return;
      case HeaterStop.overTemp:
        endSession(this.ctx, END_REASON.heaterOverTemp);
        return;
      case HeaterStop.batteryCutoff:
        endSession(this.ctx, END_REASON.lowBattery);
        return;
      case HeaterStop.powerOutOfRange:
        endSession(this.ctx, END_REASON.heaterPower);
        return;
      case HeaterStop.measurementVariation:
        endSession(this.ctx, END_REASON.heaterVariation);
        return;
      default:
        stop satisfies never;
    }
  }

  /** Guards, the next level deadline, and notifications due when the wire views changed. */
  private settle(recheck: boolean, initial = false): void {
    const ctx = this.ctx;
    reconcile(ctx, recheck);
    const levelAt = nextLevelDeadline(ctx);
    if (levelAt === undefined) ctx.clearTimer('level');
    else ctx.setTimer('level', levelAt);
    // Both are taken every time, so the first settle of a fresh device records them without notifying.
    const batteryChanged = this.notified.batteryChanged(ctx);
    const statusChanged = this.notified.statusChanged(ctx);
    if (!initial && batteryChanged)
      ctx.emit({ type: 'notify', atMs: ctx.state.nowMs, characteristic: 'battery' });
    if (!initial && statusChanged)
      ctx.emit({ type: 'notify', atMs: ctx.state.nowMs, characteristic: 'status' });
  }
}

function derive(profile: ModelProfile, params: FirmwareParams): Derived {
  const energyPerUsePercent = 100 / profile.usesPerCharge;
  const sessionJ = nominalSessionEnergyJ(params, params.environment.ambientC);
  return {
    energyPerUsePercent,
    heatingCapacityJ: sessionJ / (params.session.energyFractionPerUse * (energyPerUsePercent / 100)),
    transferCost:
      100 / params.charger.holderChargesPerFull / (energyPerUsePercent * params.session.energyFractionPerUse),
    usbRatePctPerMs: 120 / (profile.fullChargeMinutes * 60_000),
    onePiece: profile.parts === 'one-piece',
  };
}
