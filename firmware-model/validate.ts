/**
 * Shape and range checks on inputs and parameters from outside (scenario files, JSON lines, tests,
 * the fault injector). A malformed or out-of-range input is refused with FIRMWARE_INPUT before any
 * state changes, at the call that passes it: never later, from inside the clock, when the device
 * builds a record the value cannot fit in. A device condition (a refused start, an unsupported
 * setting) is never an error but a `rejected` event.
 */
import { FirmwareError } from './errors.js';
import type { FirmwareParams } from './params.js';
import type { InitialConditions } from './state.js';
import { FAULT_NAMES, type FirmwareInput, type FirmwareInputField, type FirmwareInputType } from './types.js';

const UNITS = ['charger', 'holder'];

type ByField<T> = Readonly<Partial<Record<string, T>>>;

/** What `checkInput` checks of one input type besides the ranges of its numbers (INPUT_RANGES). */
interface InputRule<K extends FirmwareInputType> {
  /** Fields whose value must be one of the listed strings. */
  readonly oneOf?: { readonly [F in FirmwareInputField<K>]?: readonly string[] };
  /** Numeric fields that must be present. */
  readonly required?: readonly FirmwareInputField<K>[];
}

/** One rule per input type: a new input fails to compile until it is listed here. */
const INPUT_RULES: { readonly [K in FirmwareInputType]: InputRule<K> } = {
  button: { oneOf: { unit: UNITS, action: ['press', 'release'] } },
  stick: { oneOf: { action: ['insert', 'remove'] } },
  puff: {},
  dock: {},
  undock: {},
  usb: { oneOf: { power: ['none', 'normal', 'weak'] } },
  ambient: { required: ['tempC'] },
  tilt: {},
  cleanButton: {},
  setting: {},
  clock: { required: ['seconds'] },
  findMy: {},
  statusRead: {},
  reset: {},
  level: { oneOf: { unit: UNITS }, required: ['percent'] },
  connection: { required: ['value'] },
  counter: { oneOf: { unit: UNITS }, required: ['value'] },
  cycleCount: { required: ['value'] },
  fault: { oneOf: { fault: FAULT_NAMES } },
  clearFault: { oneOf: { fault: FAULT_NAMES } },
};

/** Whether `type` names a firmware input (JSON from outside may name anything). */
export function isFirmwareInputType(type: unknown): type is FirmwareInputType {
  return typeof type === 'string' && Object.hasOwn(INPUT_RULES, type);
}

/** An inclusive range; `integer` when only whole numbers make sense. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** The lower bound itself is refused (durations and flows above 0). */
  readonly exclusiveMin?: boolean;
}

/**
 * Ambient temperature, °C: −40…85, the storage range of Li-ion cells and consumer electronics (the
 * spec gives operating ranges per model, docs/device.md §14 `ambient.range`, and what happens outside them,
 * F-01; it is silent on limits beyond). The battery record carries temperatures as u8 °C
 * (docs/protocol.md §3.4), and ambient + self, charge and session heat (docs/device.md §4.2, at most +8 °C by
 * default) stays below 255.
 */
export const AMBIENT_RANGE_C: NumberRange = { min: -40, max: 85 };

/**
 * Every numeric field of a firmware input and its range. The schema of scenarios and of `run --json`
 * input lines takes its bounds from here (simulator/scenario/format.ts), so both refuse the same.
 */
export const INPUT_RANGES: {
  readonly [K in FirmwareInputType]?: { readonly [F in FirmwareInputField<K>]?: NumberRange };
} = {
  // A puff lasts seconds (default 2 s, docs/device.md §14 heater.defaultPuffMs); a minute-long draw is beyond
  // any lung. Flow: 27.5 ml/s by default; 1 l/s is beyond any draw through a stick.
  puff: {
    durationMs: { min: 0, max: 60_000, exclusiveMin: true },
    flowMlS: { min: 0, max: 1000, exclusiveMin: true },
  },
  ambient: { tempC: AMBIENT_RANGE_C },
  level: { percent: { min: 0, max: 100 } },
  // Counter blocks carry u24 values (docs/protocol.md §9.2).
  counter: { value: { min: 0, max: 0xff_ffff, integer: true } },
  // F-27: charge cycles; 7300 is the warranty limit (docs/device.md §8), a million is beyond any cell.
  cycleCount: { value: { min: 0, max: 1_000_000, integer: true } },
  // Holder–charger contact 0…3 (docs/protocol.md §3.5, two bits).
  connection: { value: { min: 0, max: 3, integer: true } },
  // RTC seconds since 2010-01-01 UTC, u32 (docs/protocol.md §8.1).
  clock: { seconds: { min: 0, max: 0xffff_ffff, integer: true } },
  // Error and warning bits are one byte each in the status record (docs/protocol.md §3.5).
  fault: { bits: { min: 0, max: 0xff, integer: true } },
  clearFault: { bits: { min: 0, max: 0xff, integer: true } },
};

/** Why `value` is outside `range`, or undefined when it is inside. */
export function rangeProblem(value: number, range: NumberRange): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (range.integer && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
  const low = range.exclusiveMin ? value <= range.min : value < range.min;
  if (low || value > range.max)
    return `must be ${range.exclusiveMin ? 'above' : 'from'} ${range.min} ${range.exclusiveMin ? 'and at most' : 'to'} ${range.max}, got ${value}`;
  return undefined;
}

export function checkInput(input: FirmwareInput): void {
  const record = input as unknown as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new FirmwareError('FIRMWARE_INPUT', `${input.type} input: ${why}`);
  };
  // The rules of this input, seen by field name.
  const rule: { readonly oneOf?: ByField<readonly string[]>; readonly required?: readonly string[] } =
    INPUT_RULES[input.type];
  const ranges: ByField<NumberRange> = INPUT_RANGES[input.type] ?? {};
  for (const [key, allowed] of Object.entries(rule.oneOf ?? {}))
    if (allowed && !allowed.includes(record[key] as string))
      fail(`${key} must be one of ${allowed.join(', ')}`);
  for (const key of rule.required ?? []) if (record[key] === undefined) fail(`${key} is required`);
  for (const [key, range] of Object.entries(ranges)) {
    const value = record[key];
    if (value === undefined || !range) continue;
    const problem = typeof value === 'number' ? rangeProblem(value, range) : 'must be a finite number';
    if (problem) fail(`${key} ${problem}`);
  }
  if (input.type === 'counter' && !(typeof input.tag === 'string' && /^[0-9A-Fa-f]{1,2}$/.test(input.tag)))
    fail('tag must be a hex string such as 8E');
  if (input.type === 'clock' && input.unit !== undefined && !UNITS.includes(input.unit))
    fail(`unit must be one of ${UNITS.join(', ')}`);
}

/**
 * Parameter ranges (FIRMWARE_PARAM). Rates and periods bound the work a virtual second costs: the
 * control loop runs at 1 kHz (docs/device.md §14 `heater.tickHz`), so 10 Hz…10 kHz keeps it a loop
 * while `tickHz: 1e9` would make each virtual millisecond a million ticks; the others only need to be
 * above 0 (or the loop never advances) and physically plausible.
 */
const PARAM_RANGES: readonly [string, (p: FirmwareParams) => number, NumberRange][] = [
  ['heater.tickHz', (p) => p.heater.tickHz, { min: 10, max: 10_000 }],
  ['heater.reportEveryMs', (p) => p.heater.reportEveryMs, { min: 1, max: 60_000 }],
  ['heater.heatCapacityJPerK', (p) => p.heater.heatCapacityJPerK, { min: 0, max: 1000, exclusiveMin: true }],
  ['heater.maxPowerW', (p) => p.heater.maxPowerW, { min: 0, max: 1000, exclusiveMin: true }],
  ['session.maxSeconds', (p) => p.session.maxSeconds, { min: 0, max: 3600, exclusiveMin: true }],
  [
    'session.energyFractionPerUse',
    (p) => p.session.energyFractionPerUse,
    { min: 0, max: 1, exclusiveMin: true },
  ],
  [
    'charger.holderChargesPerFull',
    (p) => p.charger.holderChargesPerFull,
    { min: 0, max: 1000, exclusiveMin: true },
  ],
  ['holder.recheckSeconds', (p) => p.holder.recheckSeconds, { min: 0.1, max: 3600 }],
  ['usb.weakSourceFactor', (p) => p.usb.weakSourceFactor, { min: 0, max: 1, exclusiveMin: true }],
  ['environment.ambientC', (p) => p.environment.ambientC, AMBIENT_RANGE_C],
];

/** Every parameter a finite number where it is a number, and the ranges above (FIRMWARE_PARAM). */
export function checkParams(params: FirmwareParams): void {
  const fail = (name: string, why: string): never => {
    throw new FirmwareError('FIRMWARE_PARAM', `parameter '${name}' ${why}`);
  };
  const finite = (value: unknown, name: string): void => {
    if (typeof value === 'number' && !Number.isFinite(value))
      fail(name, `must be a finite number, got ${value}`);
    else if (typeof value === 'object' && value !== null)
      for (const [key, child] of Object.entries(value)) finite(child, name ? `${name}.${key}` : key);
  };
  finite(params, '');
  for (const [name, read, range] of PARAM_RANGES) {
    const problem = rangeProblem(read(params), range);
    if (problem) fail(name, problem);
  }
}

/** Initial-condition ranges (docs/device.md §14 defaults): levels in %, ambient, the RTC as a u32. */
const INITIAL_RANGES: Readonly<Record<string, NumberRange>> = {
  chargerPercent: { min: 0, max: 100 },
  holderPercent: { min: 0, max: 100 },
  ambientC: AMBIENT_RANGE_C,
  rtcSeconds: { min: 0, max: 0xffff_ffff, integer: true },
};

/** Refuses initial conditions out of range (FIRMWARE_PARAM) before a device is built from them. */
export function checkInitial(initial: InitialConditions): void {
  for (const [key, range] of Object.entries(INITIAL_RANGES)) {
    const value = (initial as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const problem = typeof value === 'number' ? rangeProblem(value, range) : 'must be a finite number';
    if (problem) throw new FirmwareError('FIRMWARE_PARAM', `initial ${key} ${problem}`);
  }
}
