/**
 * The pieces of the scenario format (format.ts) that describe the device: firmware inputs, initial
 * conditions, faults and the expectations a step can assert, as TypeBox schemas. Every number carries
 * its range: the firmware model's own range tables (firmware-model/validate.ts) where it has one, so
 * a scenario and the firmware refuse the same values. Keys come from the firmware model's types, so a
 * new input or status field fails to compile here until the format lists it (a new state, light or
 * setting fails in ../schema/firmware-shapes.ts, which the state-file format shares).
 */
import { type TSchema, Type } from 'typebox';
import {
  AMBIENT_RANGE_C,
  type BatteryView,
  type ExperienceRecord,
  FAULT_NAMES,
  type FirmwareInput,
  type FirmwareInputField,
  type FirmwareInputType,
  INPUT_RANGES,
  type InitialConditions,
  type Light,
  type NumberRange,
  SETTING_NAMES,
  type StatusView,
} from '../../firmware-model/index.js';
import {
  CHARGER_STATES,
  COLOURS,
  HOLDER_STATES,
  PATTERNS,
  settingsProperties,
  VIBRATION_PROPERTIES,
} from '../schema/firmware-shapes.js';
import { byConst, keysOf, oneOfStrings, partial, ranged, ref } from '../schema/shapes.js';

/** Milliseconds of virtual time, 0…max. */
export const ms = (max: number, description: string, annotations: Record<string, unknown> = {}) =>
  ranged({ min: 0, max }, description, annotations);

export const UNIT = oneOfStrings(['holder', 'charger'] as const);
const bool = Type.Boolean();
/** A JSON object whose members something other than the schema checks. */
export const anyObject = (description: string) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', description });
const strict = { additionalProperties: false } as const;

/** A number, or a range `{ "$min": a, "$max": b }` (either bound may be left out). */
export const NUMBER_MATCH = Type.Union([
  Type.Number({ title: 'a number' }),
  Type.Object(
    { $min: Type.Optional(Type.Number()), $max: Type.Optional(Type.Number()) },
    { title: 'a range {"$min": a, "$max": b}', ...strict, minProperties: 1 },
  ),
]);
const num = ref<number | { $min?: number; $max?: number }>('numberMatch');

/** `numberMatch` or `boolean` for each key of a view. */
function fieldsOf<T>(kinds: Record<keyof T, 'n' | 'b'>) {
  const out: Record<string, TSchema> = {};
  for (const key of Object.keys(kinds)) out[key] = kinds[key as keyof T] === 'n' ? num : bool;
  return out as Record<keyof T & string, typeof num | typeof bool>;
}

const STATUS = fieldsOf<StatusView>({
  chargerState: 'n',
  chargerLowBattery: 'b',
  chargerDefect: 'b',
  holderState: 'n',
  holderConnection: 'n',
  holderDefect: 'b',
  chargerErrors: 'n',
  holderErrors: 'n',
  holderWarnings: 'n',
  ambient: 'n',
  holderSystemError: 'n',
  endOfHeatReason: 'n',
  puffs: 'n',
  dutyCycleFault: 'b',
  intensivePuffing: 'b',
  newInformationWasRead: 'b',
});
const BATTERY = fieldsOf<BatteryView>({
  chargerPercent: 'n',
  chargerTempC: 'n',
  chargerMv: 'n',
  holderPresent: 'b',
  holderPercent: 'n',
  holderTempC: 'n',
  holderMv: 'n',
});
const EXPERIENCE = fieldsOf<ExperienceRecord>({
  reason: 'n',
  puffs: 'n',
  dutyCycleFault: 'b',
  intensivePuffing: 'b',
  newInformationWasRead: 'b',
});
/** Settings with `brightness` for the two brightness levels (a plain value or a match). */
const settings = (brightness: TSchema) =>
  settingsProperties(brightness, partial(VIBRATION_PROPERTIES, 'vibration flags (§7)'));

export const LIGHT = partial(
  { pattern: oneOfStrings(PATTERNS), colour: oneOfStrings(COLOURS), count: num } satisfies Record<
    keyof Light,
    TSchema
  >,
  'indicator state: pattern, colour, count',
);

const RTC_SECONDS: NumberRange = { min: 0, max: 0xffff_ffff, integer: true };

/** Initial conditions (firmware-model/state.ts `InitialConditions`), ranges as the firmware checks them. */
export const INITIAL = Type.Unsafe<InitialConditions>(
  partial(
    {
      chargerPercent: ranged({ min: 0, max: 100 }, 'charger (or one-piece) level, % (default 80)'),
      holderPercent: ranged({ min: 0, max: 100 }, 'holder level, % (default 100; one-piece: ignored)'),
      docked: Type.Boolean({ description: 'holder in the charger (default true on two-piece models)' }),
      chargerOn: Type.Boolean({ description: 'charger switched on (default true)' }),
      usb: oneOfStrings(['none', 'normal', 'weak'] as const, 'USB power at the start (default none)'),
      rtcSeconds: ranged(RTC_SECONDS, 'RTC seconds since 2010-01-01 UTC (default 0)'),
      ambientC: ranged(AMBIENT_RANGE_C, 'ambient temperature, °C (default: the model parameter)'),
      settings: partial(
        settings(ranged({ min: 0, max: 100, integer: true })),
        'settings at the start (docs/device.md §7, §14)',
      ),
    } satisfies Record<keyof InitialConditions, TSchema>,
    'initial conditions (firmware-model/state.ts InitialConditions)',
  ),
);

/** A firmware input's numeric field, bounded as `checkInput` bounds it. */
const inputNumber = <K extends FirmwareInputType>(
  type: K,
  field: FirmwareInputField<K> & string,
  description?: string,
) => {
  const ranges: Readonly<Partial<Record<string, NumberRange>>> | undefined = INPUT_RANGES[type];
  const range = ranges?.[field];
  if (!range) throw new Error(`no range for ${type}.${field} in INPUT_RANGES`);
  return ranged(range, description);
};
const PUFF_FIELDS = {
  durationMs: inputNumber('puff', 'durationMs', 'puff length, ms (default heater.defaultPuffMs: 2000)'),
  flowMlS: inputNumber('puff', 'flowMlS', 'air flow, ml/s (default heater.defaultPuffFlowMlS: 27.5)'),
};
export const PUFF = partial(PUFF_FIELDS, 'a puff ({} for the defaults)');
export const FAULT_NAME = oneOfStrings(FAULT_NAMES, 'device fault (docs/faults.md §15.1)');
const FAULT_BITS = inputNumber('fault', 'bits', 'error or warning bits (docs/protocol.md §3.5)');
export const COUNTER_TAG = Type.String({
  pattern: '^[0-9A-Fa-f]{1,2}$',
  description: 'counter tag in hex, e.g. 8E',
});
export const FAULT = Type.Object(
  { fault: FAULT_NAME, bits: Type.Optional(FAULT_BITS) },
  { description: 'a device fault and its bits', ...strict },
);

/** The fields of each firmware input besides `type` (firmware-model/types.ts `FirmwareInput`). */
const INPUT_FIELDS: Record<FirmwareInputType, Record<string, TSchema>> = {
  button: { unit: UNIT, action: oneOfStrings(['press', 'release'] as const) },
  stick: { action: oneOfStrings(['insert', 'remove'] as const), used: Type.Optional(bool) },
  puff: { durationMs: Type.Optional(PUFF_FIELDS.durationMs), flowMlS: Type.Optional(PUFF_FIELDS.flowMlS) },
  dock: {},
  undock: {},
  usb: { power: oneOfStrings(['none', 'normal', 'weak'] as const) },
  ambient: { tempC: inputNumber('ambient', 'tempC', 'ambient temperature, °C') },
  tilt: {},
  cleanButton: {},
  setting: { name: oneOfStrings(SETTING_NAMES), value: Type.Union([bool, Type.Number(), Type.String()]) },
  clock: {
    seconds: inputNumber('clock', 'seconds', 'RTC seconds since 2010-01-01 UTC'),
    unit: Type.Optional(UNIT),
  },
  findMy: { on: bool },
  statusRead: {},
  reset: {},
  level: { unit: UNIT, percent: inputNumber('level', 'percent', 'level, %') },
  connection: { value: inputNumber('connection', 'value', 'holder–charger contact, 0 connected … 3 not') },
  counter: { unit: UNIT, tag: COUNTER_TAG, value: inputNumber('counter', 'value', 'counter value (u24)') },
  cycleCount: { value: inputNumber('cycleCount', 'value', 'charger charge cycles (F-27)') },
  fault: { fault: FAULT_NAME, bits: Type.Optional(FAULT_BITS) },
  clearFault: { fault: FAULT_NAME, bits: Type.Optional(FAULT_BITS) },
};

/** Any firmware input, told apart by `type`; the shape `iqsim run --json` reads from stdin too. */
export const FIRMWARE_INPUT = Type.Unsafe<FirmwareInput>(
  byConst(
    'type',
    Object.fromEntries(
      keysOf(INPUT_FIELDS).map((type) => [
        type,
        Type.Object(
          { type: Type.Literal(type), ...INPUT_FIELDS[type] },
          { title: `${type} input`, ...strict },
        ),
      ]),
    ),
    'a firmware input (firmware-model/types.ts FirmwareInput), e.g. {"type": "stick", "action": "insert"}',
  ),
);

const COUNT: NumberRange = { min: 0, max: 1_000_000, integer: true };
const eventCount = <P extends Record<string, TSchema>>(extra: P, description: string) =>
  partial(
    {
      ...extra,
      since: ref<'start' | 'step' | number>('since'),
      count: ranged(COUNT, 'exactly this many'),
      min: ranged(COUNT, 'at least this many'),
      max: ranged(COUNT, 'at most this many'),
    },
    `${description}; without count, min or max: at least one`,
  );

/** Which events an event count considers: since the start, since the last action step, or since step n. */
export const SINCE = Type.Union(
  [
    Type.Unsafe<'start' | 'step'>({ title: "'start' or 'step'", enum: ['start', 'step'] }),
    Type.Integer({ title: 'a step index', minimum: 0 }),
  ],
  {
    description:
      "which events count: 'start' (default), 'step' (since the last step that was not an expect), or a step index",
  },
);

const COUNTER_BLOCKS = Type.Unsafe<Record<string, number | { $min?: number; $max?: number }>>({
  type: 'object',
  description: 'counter value by tag in hex (docs/protocol.md §9.2), e.g. {"8E": 1}',
  propertyNames: { $ref: '#/$defs/counterTag' },
  additionalProperties: { $ref: '#/$defs/numberMatch' },
});

/** What an `expect` or `waitUntil` step asserts; every property given must hold. */
export const EXPECTATION = partial(
  {
    holder: oneOfStrings(HOLDER_STATES, 'holder state (docs/device.md §11.1)'),
    charger: oneOfStrings(CHARGER_STATES, 'charger (or one-piece main unit) state (docs/device.md §12.1)'),
    holderLight: ref<Record<string, unknown>>('light'),
    chargerLight: ref<Record<string, unknown>>('light'),
    usesLeft: num,
    lastExperience: partial(EXPERIENCE, 'the last-experience record of the holder (docs/protocol.md §3.5)'),
    counters: partial(
      {
        holder: COUNTER_BLOCKS,
        charger: COUNTER_BLOCKS,
        lifetimePuffs: num,
        lifetimeUsageQuarterSeconds: num,
        lastSessionQuarterSeconds: num,
      },
      'usage counters (docs/protocol.md §9.2)',
    ),
    status: partial(STATUS, 'the device-status record as the wire shows it (docs/protocol.md §3.5)'),
    battery: partial(BATTERY, 'the battery record as the wire shows it (docs/protocol.md §3.4)'),
    settings: partial(settings(num), 'settings registers (docs/device.md §7)'),
    firmware: anyObject('partial deep match against the whole firmware state'),
    vibrations: eventCount(
      {
        reason: Type.String({
          examples: ['heatingStart', 'startingToUse', 'puffEnd', 'manuallyTerminated', 'error', 'reset'],
        }),
        unit: UNIT,
      },
      'vibration events',
    ),
    notifications: eventCount(
      { characteristic: oneOfStrings(['battery', 'status'] as const) },
      'battery/status notifications the firmware raised (what a subscribed central receives)',
    ),
    rejected: eventCount({ input: Type.String({ description: 'input type, e.g. stick' }) }, 'refused inputs'),
  },
  'every property given must hold',
);

export const REPLY = partial(
  {
    command: Type.String({ description: 'decoded command name' }),
    hex: Type.String({ description: 'the whole reply frame in hex' }),
    fields: anyObject('partial deep match of the decoded fields'),
  },
  'expected reply',
);
