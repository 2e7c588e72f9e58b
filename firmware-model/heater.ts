/**
 * Heater control loop and lumped thermal model (docs/device.md §2; all coefficients are the D
 * parameters of `FirmwareParams.heater`). One node: C·dT/dt = P − (k + kPuff·flow)·(T − Tamb).
 * The controller is feed-forward (nominal loss and ramp) plus proportional on the error, so a puff
 * — extra cooling it does not know about — leaves a temperature deficit: that deficit, held for
 * `puffDetectMs`, is how a puff is detected (the patents of docs/device.md §2.1 detect puffs from heater
 * cooling).
 *
 * `run(untilMs)` is the hot path: all state lives in one Float64Array, the loop works on locals and
 * allocates nothing; it stops early at the first event the machine must handle.
 */
import type { FirmwareParams } from './params.js';

/** Why `run` returned: a small integer, so the loop returns a constant, never a new object. */
export const HeaterStop = {
  reached: 0,
  puffDetected: 1,
  overTemp: 2,
  batteryCutoff: 3,
  powerOutOfRange: 4,
  measurementVariation: 5,
} as const;
/** One of the `HeaterStop` codes; a `switch` over it can be checked for exhaustiveness. */
export type HeaterStop = (typeof HeaterStop)[keyof typeof HeaterStop];
/** The codes of a loop stopped before its target: an event the machine must handle. */
export type HeaterEvent = Exclude<HeaterStop, typeof HeaterStop.reached>;

/** Injected heater faults (docs/faults.md §15 F-02, F-03, F-04). */
export const HeaterFault = { none: 0, runaway: 1, open: 2, noisy: 3 } as const;

const TIME = 0;
const TEMP = 1;
const AMBIENT = 2;
const START = 3;
const RAMP_END = 4;
const PUFF_END = 5;
const FLOW = 6;
const BELOW_SINCE = 7;
const ARMED = 8;
const BATTERY_J = 9;
const CUTOFF_J = 10;
const ENERGY_J = 11;
const POWER_W = 12;
const ON = 13;
const FAULT = 14;
/** Temperature the set-point ramp starts from: ambient at the start, the heater's after a pause. */
const RAMP_FROM = 15;
const SLOTS = 16;
/** Time after the ramp before puff detection arms, ms. */
const SETTLE_MS = 2000;

export class HeaterLoop {
  readonly regs = new Float64Array(SLOTS);
  private readonly dtMs: number;
  private readonly plateauC: number;
  private readonly rampMs: number;
  private readonly maxPowerW: number;
  private readonly capJPerK: number;
  private readonly lossWPerK: number;
  private readonly puffLoss: number;
  private readonly kp: number;
  private readonly dropC: number;
  private readonly detectMs: number;
  private readonly overTempC: number;

  constructor(params: FirmwareParams['heater']) {
    this.dtMs = 1000 / params.tickHz;
    this.plateauC = params.plateauC;
    this.rampMs = params.rampSeconds * 1000;
    this.maxPowerW = params.maxPowerW;
    this.capJPerK = params.heatCapacityJPerK;
    this.lossWPerK = params.lossWPerK;
    this.puffLoss = params.puffLossWPerKPerMlS;
    this.kp = params.proportionalWPerK;
    this.dropC = params.puffDetectDropC;
    this.detectMs = params.puffDetectMs;
    this.overTempC = params.overTempC;
  }

  /** Starts a heating cycle at `nowMs` from `startTempC` with `batteryJ` available above `cutoffJ`. */
  start(nowMs: number, ambientC: number, startTempC: number, batteryJ: number, cutoffJ: number): void {
    const r = this.regs;
    r.fill(0);
    r[TIME] = nowMs;
    r[TEMP] = startTempC;
    r[AMBIENT] = ambientC;
    r[START] = nowMs;
    r[RAMP_END] = nowMs + this.rampMs;
    r[PUFF_END] = -1;
    r[BELOW_SINCE] = -1;
    r[ARMED] = 1;
    r[BATTERY_J] = batteryJ;
    r[CUTOFF_J] = cutoffJ;
    r[ON] = 1;
    r[RAMP_FROM] = startTempC;
  }

  /** Restores the registers of a snapshot. */
  load(values: readonly number[]): void {
    this.regs.set(values.slice(0, SLOTS));
  }

  get timeMs(): number {
    return this.regs[TIME] as number;
  }
  get tempC(): number {
    return this.regs[TEMP] as number;
  }
  get batteryJ(): number {
    return this.regs[BATTERY_J] as number;
  }
  get energyJ(): number {
    return this.regs[ENERGY_J] as number;
  }
  get powerW(): number {
    return this.regs[POWER_W] as number;
  }
  get fault(): number {
    return this.regs[FAULT] as number;
  }
  /** When puff detection arms: the end of the (re-)heat ramp plus the settle time, ms. */
  get detectArmsAtMs(): number {
    return (this.regs[RAMP_END] as number) + SETTLE_MS;
  }

  /** Airflow through the heater at `nowMs` (ml/s): the injected puff's while it lasts, else 0. */
  flowAt(nowMs: number): number {
    return nowMs <= (this.regs[PUFF_END] as number) ? (this.regs[FLOW] as number) : 0;
  }

  /** Airflow of a puff from now for `durationMs` (ml/s). */
  puff(nowMs: number, durationMs: number, flowMlS: number): void {
    this.regs[PUFF_END] = nowMs + durationMs;
    this.regs[FLOW] = flowMlS;
  }

  /** Heater on (tracking the profile) or off (paused: the set-point falls to ambient). */
  setOn(on: boolean): void {
    this.regs[ON] = on ? 1 : 0;
  }

  setAmbient(ambientC: number): void {
    this.regs[AMBIENT] = ambientC;
  }

  setFault(fault: number): void {
    this.regs[FAULT] = fault;
  }

  /**
   * Heat again after a pause: the set-point ramps from the heater's present temperature back to the
   * plateau over `rampSeconds`, and puff detection re-arms only once it has settled, so the reheat
   * is neither mistaken for a puff nor blind to the puffs after it.
   */
  resume(nowMs: number): void {
    const r = this.regs;
    r[RAMP_FROM] = r[TEMP] as number;
    r[START] = nowMs;
    r[RAMP_END] = nowMs + this.rampMs;
    r[BELOW_SINCE] = -1;
    r[ARMED] = 1;
    r[ON] = 1;
  }

  /** Adds or removes battery energy from outside the loop (charging a one-piece while heating). */
  adjustBattery(deltaJ: number): void {
    this.regs[BATTERY_J] = (this.regs[BATTERY_J] as number) + deltaJ;
  }

  /**
   * Where the loop hands over values mid-run (the firmware's probes, docs/firmware-model.md
   * "Surface"): for each instant before `untilMs`, at the last tick at or before it, the loop stores
   * its registers, calls `onSample(instant)` and goes on to the instant it returns (+∞: none), so a
   * sample reads what a run stopped at the instant would leave.
   */
  onSample: ((atMs: number) => number) | undefined;

  /**
   * Ticks until `untilMs` or the first event, whichever comes first; returns a `HeaterStop` code.
   * With `sampleAtMs` it calls `onSample` at that instant on the way (see there), without stopping.
   */
  run(untilMs: number, sampleAtMs = Number.POSITIVE_INFINITY): HeaterStop {
    let sampleAt = sampleAtMs;
    for (;;) {
      const sampling = sampleAt < untilMs;
      const stop = this.ticks(sampling ? sampleAt : untilMs);
      if (stop !== HeaterStop.reached || !sampling) return stop;
      sampleAt = this.onSample === undefined ? Number.POSITIVE_INFINITY : this.onSample(sampleAt);
    }
  }

  /**
   * The control loop proper, until `untilMs` or the first event. It keeps every register in a local
   * and touches no object: no allocation per tick. It is a leaf apart from `run`, which hands over
   * the samples: with a call inside it, V8 compiled the tick about a quarter slower, whether or not
   * anyone sampled (bench trace, docs/traces.md "What a trace costs").
   */
  private ticks(untilMs: number): HeaterStop {
    const r = this.regs;
    const dt = this.dtMs;
    const dts = dt / 1000;
    // Unary + makes V8 keep these as unboxed doubles: class fields start as undefined, and mixing
    // such a field with computed doubles boxed `setpoint`, `power` and `k` — one allocation per tick.
    const cap = +this.capJPerK;
    const loss = +this.lossWPerK;
    const pmax = +this.maxPowerW;
    const kp = +this.kp;
    const plateau = +this.plateauC;
    const overTemp = +this.overTempC;
    const drop = +this.dropC;
    const detectMs = +this.detectMs;
    // The controller settles on the plateau within about a second of the ramp's end; a deficit
    // before then is lag, not a puff.
    const detectFrom = (r[RAMP_END] as number) + SETTLE_MS;
    const amb = r[AMBIENT] as number;
    const start = r[START] as number;
    const rampEnd = r[RAMP_END] as number;
    const rampFrom = r[RAMP_FROM] as number;
    const rampRate = (plateau - rampFrom) / ((rampEnd - start) / 1000);
    const puffEnd = r[PUFF_END] as number;
    const puffCooling = this.puffLoss * (r[FLOW] as number);
    const cutoff = r[CUTOFF_J] as number;
    const on = (r[ON] as number) === 1;
    const fault = r[FAULT] as number;
    let t = r[TIME] as number;
    let temp = r[TEMP] as number;
    let battery = r[BATTERY_J] as number;
    let energy = r[ENERGY_J] as number;
    let below = r[BELOW_SINCE] as number;
    let armed = r[ARMED] as number;
    // A call that makes no tick (time already at `untilMs`) keeps the last tick's power as the reading.
    let power = r[POWER_W] as number;
    let stop: HeaterStop = HeaterStop.reached;
    if (on && fault === HeaterFault.open) stop = HeaterStop.powerOutOfRange;
    else if (on && fault === HeaterFault.noisy) stop = HeaterStop.measurementVariation;
    while (stop === HeaterStop.reached) {
      if (t + dt > untilMs) break;
      t += dt;
      let setpoint = amb;
      let feed = 0;
      if (on) {
        if (t < rampEnd) {
          setpoint = rampFrom + rampRate * ((t - start) / 1000);
          feed = cap * rampRate;
        } else setpoint = plateau;
        feed += loss * (setpoint - amb);
      }
      power = feed + kp * (setpoint - temp);
      // A runaway heater (F-02) ignores the controller: full power until the protection trips.
      if (!on) power = 0;
      else if (fault === HeaterFault.runaway || power > pmax) power = pmax;
      else if (power < 0) power = 0;
      const k = t <= puffEnd ? loss + puffCooling : loss;
      temp += ((power - k * (temp - amb)) * dts) / cap;
      battery -= power * dts;
      energy += power * dts;
      if (temp > overTemp) stop = HeaterStop.overTemp;
      else if (on && battery < cutoff) stop = HeaterStop.batteryCutoff;
      else if (on && t >= detectFrom && setpoint - temp > drop) {
        if (below < 0) below = t;
        else if (armed === 1 && t - below >= detectMs) {
          armed = 0;
          stop = HeaterStop.puffDetected;
        }
      } else {
        below = -1;
        armed = 1;
      }
    }
    r[TIME] = t;
    r[TEMP] = temp;
    r[BATTERY_J] = battery;
    r[ENERGY_J] = energy;
    r[BELOW_SINCE] = below;
    r[ARMED] = armed;
    r[POWER_W] = power;
    return stop;
  }
}

/**
 * Electrical energy (J) of a nominal session under `params`: the ramp, the loss at the plateau for
 * the whole session and 14 default puffs. Used to size the battery so one use draws
 * `session.energyFractionPerUse` of its share.
 */
export function nominalSessionEnergyJ(params: FirmwareParams, ambientC = 22): number {
  const h = params.heater;
  const delta = h.plateauC - ambientC;
  const rampJ = h.heatCapacityJPerK * delta + (h.lossWPerK * delta * h.rampSeconds) / 2;
  const plateauJ = h.lossWPerK * delta * (params.session.maxSeconds - h.rampSeconds);
  const puffJ =
    params.session.maxPuffs * (h.defaultPuffMs / 1000) * h.puffLossWPerKPerMlS * h.defaultPuffFlowMlS * delta;
  return rampJ + plateauJ + puffJ;
}
