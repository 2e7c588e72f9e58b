/**
 * The scenario format as a JSON Schema (draft 2020-12). This object is the one source of truth: the
 * parser validates with it (scenario-validate.ts, the subset of keywords used here) and
 * `schema/scenario.schema.json` is a copy of it for editors, checked equal by simulator/scenario.test.ts
 * (set UPDATE_SCENARIO_SCHEMA=1 when running that test to rewrite the file after a change here).
 * Types of the firmware model key the partial objects, so a new status field or input fails to compile
 * until the schema lists it.
 */
import {
  type BatteryView,
  type ChargerStateName,
  type ExperienceRecord,
  FAULT_NAMES,
  type FirmwareInput,
  type HolderStateName,
  type InitialConditions,
  type Light,
  type LightColour,
  type LightPattern,
  SETTING_NAMES,
  type Settings,
  type StatusView,
  type VibrationFlags,
} from '../../firmware-model/index.js';
import { MODELS } from '../../protocol/index.js';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** The JSON Schema keywords scenario-validate.ts implements; annotations (title …) are ignored by it. */
export interface Schema {
  readonly $schema?: string;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, Schema>>;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly propertyNames?: Schema;
  readonly minProperties?: number;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly oneOf?: readonly Schema[];
}

const keysOf = <K extends string>(record: Record<K, unknown>): K[] => Object.keys(record) as K[];

const HOLDER_STATES: Record<HolderStateName, true> = {
  OFF: true,
  DOCKED_CHARGING: true,
  DOCKED_READY: true,
  DOCKED_UNCHARGED: true,
  CLEANING: true,
  IDLE_READY: true,
  IDLE_EMPTY: true,
  SLEEP: true,
  TEMP_OUT_OF_RANGE: true,
  PREHEAT: true,
  SESSION_ACTIVE: true,
  SESSION_WARNING: true,
  PAUSED: true,
  SESSION_END: true,
  COOLDOWN: true,
  ERROR: true,
  RESETTING: true,
};
const CHARGER_STATES: Record<ChargerStateName, true> = {
  OFF: true,
  DEEP_DISCHARGED: true,
  STANDBY: true,
  SHOW_LEVEL: true,
  USB_CHARGING: true,
  USB_CHARGED: true,
  TEMP_OUT_OF_RANGE: true,
  ERROR: true,
  RESETTING: true,
};
const PATTERNS: Record<LightPattern, true> = {
  off: true,
  steady: true,
  blink: true,
  pulse: true,
  blinkN: true,
  progressive: true,
};
const COLOURS: Record<LightColour, true> = {
  none: true,
  white: true,
  green: true,
  orange: true,
  red: true,
  yellow: true,
};

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const num: Schema = ref('numberMatch');
const bool: Schema = { type: 'boolean' };
const ms = (description: string, extra: Partial<Schema> = {}): Schema => ({
  type: 'number',
  minimum: 0,
  description,
  ...extra,
});
const strings = (values: readonly string[], description?: string): Schema => ({
  type: 'string',
  enum: values,
  ...(description ? { description } : {}),
});
const partial = (properties: Record<string, Schema>, description: string): Schema => ({
  type: 'object',
  description,
  properties,
  additionalProperties: false,
});
/** `numberMatch` or `boolean` for each key of a view, so a typo in a field name is an error. */
function fieldsOf<T>(kinds: Record<keyof T, 'n' | 'b'>): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const key of Object.keys(kinds)) out[key] = kinds[key as keyof T] === 'n' ? num : bool;
  return out;
}

const UNIT = strings(['holder', 'charger']);
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
const VIBRATION_FLAGS = fieldsOf<VibrationFlags>({
  heatingStart: 'b',
  startingToUse: 'b',
  puffEnd: 'b',
  manuallyTerminated: 'b',
  chargeStart: 'b',
});
/** Settings with `brightness` for the two brightness levels (a plain value or a match). */
const settings = (brightness: Schema): Record<keyof Settings, Schema> => ({
  chargerBrightness: brightness,
  holderBrightness: brightness,
  vibration: partial(VIBRATION_FLAGS, 'vibration flags (§7)'),
  autoStart: bool,
  smartGesture: bool,
  flexPuff: bool,
  pauseMode: bool,
  flexBattery: strings(['performance', 'eco']),
  lock: bool,
});
const LIGHT: Record<keyof Light, Schema> = {
  pattern: strings(keysOf(PATTERNS)),
  colour: strings(keysOf(COLOURS)),
  count: num,
};
const percent: Schema = { type: 'number', minimum: 0, maximum: 100 };
const INITIAL: Record<keyof InitialConditions, Schema> = {
  chargerPercent: { ...percent, description: 'charger (or one-piece) level, % (default 80)' },
  holderPercent: { ...percent, description: 'holder level, % (default 100; one-piece: ignored)' },
  docked: { type: 'boolean', description: 'holder in the charger (default true on two-piece models)' },
  chargerOn: { type: 'boolean', description: 'charger switched on (default true)' },
  usb: strings(['none', 'normal', 'weak'], 'USB power at the start (default none)'),
  rtcSeconds: { type: 'integer', minimum: 0, description: 'RTC seconds since 2010-01-01 UTC (default 0)' },
  ambientC: { type: 'number', description: 'ambient temperature, °C (default: the model parameter)' },
  settings: partial(
    settings({ type: 'integer', minimum: 0, maximum: 100 }),
    'settings at the start (device-model.md §7, §14)',
  ),
};

const PUFF: Record<string, Schema> = {
  durationMs: ms('puff length, ms (default heater.defaultPuffMs: 2000)', { exclusiveMinimum: 0 }),
  flowMlS: ms('air flow, ml/s (default heater.defaultPuffFlowMlS: 27.5)', { exclusiveMinimum: 0 }),
};

/** The fields of each firmware input besides `type` (firmware-model/types.ts `FirmwareInput`). */
const INPUT_FIELDS: Record<
  FirmwareInput['type'],
  { properties?: Record<string, Schema>; required?: string[] }
> = {
  button: {
    properties: { unit: UNIT, action: strings(['press', 'release']) },
    required: ['unit', 'action'],
  },
  stick: {
    properties: { action: strings(['insert', 'remove']), used: bool },
    required: ['action'],
  },
  puff: { properties: PUFF },
  dock: {},
  undock: {},
  usb: { properties: { power: strings(['none', 'normal', 'weak']) }, required: ['power'] },
  ambient: { properties: { tempC: { type: 'number' } }, required: ['tempC'] },
  tilt: {},
  cleanButton: {},
  setting: {
    properties: { name: strings(SETTING_NAMES), value: { type: ['boolean', 'number', 'string'] } },
    required: ['name', 'value'],
  },
  clock: {
    properties: { seconds: { type: 'integer', minimum: 0, maximum: 0xffffffff } },
    required: ['seconds'],
  },
  findMy: { properties: { on: bool }, required: ['on'] },
  statusRead: {},
  reset: {},
  level: { properties: { unit: UNIT, percent }, required: ['unit', 'percent'] },
  connection: { properties: { value: { type: 'integer', minimum: 0, maximum: 3 } }, required: ['value'] },
  counter: {
    properties: { unit: UNIT, tag: ref('counterTag'), value: { type: 'integer', minimum: 0 } },
    required: ['unit', 'tag', 'value'],
  },
  fault: { properties: { fault: ref('faultName'), bits: ref('faultBits') }, required: ['fault'] },
  clearFault: { properties: { fault: ref('faultName'), bits: ref('faultBits') }, required: ['fault'] },
};

const eventCount = (extra: Record<string, Schema>, description: string): Schema =>
  partial(
    {
      ...extra,
      since: ref('since'),
      count: { type: 'integer', minimum: 0, description: 'exactly this many' },
      min: { type: 'integer', minimum: 0, description: 'at least this many' },
      max: { type: 'integer', minimum: 0, description: 'at most this many' },
    },
    `${description}; without count, min or max: at least one`,
  );

/** Properties every step may carry besides its kind. */
const STEP_COMMON: Record<string, Schema> = {
  name: { type: 'string', description: 'shown in the report' },
  comment: { type: 'string', description: 'ignored: for the reader' },
};
const timeoutMs = ms('virtual-time budget, ms');

/** One schema per step kind; the key is the property that makes a step of that kind. */
const STEPS = {
  input: { properties: { input: ref('firmwareInput') }, title: 'input step: any firmware input' },
  press: {
    properties: {
      press: UNIT,
      holdMs: ms('how long the button is held, ms (default 200: a short press)'),
    },
    title: 'press step: press a button, hold it, release it',
  },
  puff: {
    properties: {
      puff: ref('puff'),
      count: { type: 'integer', minimum: 1, description: 'how many puffs (default 1)' },
      everyMs: ms('time from one puff to the next and after the last, ms (needed when count > 1)'),
    },
    title: 'puff step: one or more puffs while heating',
  },
  wait: { properties: { wait: ms('advance virtual time by this many ms') }, title: 'wait step' },
  waitUntil: {
    properties: {
      waitUntil: ref('expectation'),
      timeoutMs: { ...timeoutMs, default: 600_000 },
      pollMs: ms('how often the condition is checked besides at every device deadline (default 10)', {
        exclusiveMinimum: 0,
      }),
    },
    title: 'waitUntil step: advance until an expectation holds',
  },
  request: {
    properties: {
      request: {
        type: 'string',
        minLength: 1,
        description: 'catalogue command name, as `iqsim encode` takes',
      },
      args: { type: 'array', items: { type: 'string' }, description: 'positional arguments' },
      fields: { type: 'object', description: 'payload fields (override the args)' },
      unit: strings(['charger', 'holder', 'flexpuff'], "unit to address (default: the command's first)"),
      expectReply: ref('reply'),
      timeoutMs: { ...timeoutMs, default: 1000 },
    },
    title: 'request step: a client call over BLE',
  },
  send: {
    properties: {
      send: {
        type: 'string',
        minLength: 1,
        description: 'hex: a logical frame or a BLE value with its transport byte',
      },
      expectReply: ref('reply'),
      expectNoReply: { type: 'boolean', description: 'the device must not answer within timeoutMs' },
      timeoutMs: { ...timeoutMs, default: 1000 },
    },
    title: 'send step: raw frame bytes over BLE',
  },
  fault: { properties: { fault: ref('fault') }, title: 'fault step: inject a device fault' },
  clearFault: { properties: { clearFault: ref('fault') }, title: 'clearFault step: clear a device fault' },
  expect: { properties: { expect: ref('expectation') }, title: 'expect step: assertions' },
} satisfies Record<string, { properties: Record<string, Schema>; title: string }>;

export type StepKind = keyof typeof STEPS;
export const STEP_KINDS = keysOf(STEPS);

/** The kind of a step that passed validation: the one kind property it has. */
export function stepKind(step: object): StepKind {
  return STEP_KINDS.find((k) => Object.hasOwn(step, k)) ?? 'expect';
}

const EXPECTATION: Record<string, Schema> = {
  holder: strings(keysOf(HOLDER_STATES), 'holder state (device-model.md §11.1)'),
  charger: strings(keysOf(CHARGER_STATES), 'charger (or one-piece main unit) state (§12.1)'),
  holderLight: ref('light'),
  chargerLight: ref('light'),
  usesLeft: num,
  lastExperience: partial(EXPERIENCE, 'the last-experience record of the holder (P§3.5)'),
  counters: partial(
    {
      holder: ref('counterBlocks'),
      charger: ref('counterBlocks'),
      lifetimePuffs: num,
      lifetimeUsageQuarterSeconds: num,
      lastSessionQuarterSeconds: num,
      lastUseDay: num,
    },
    'usage counters (P§9.2)',
  ),
  status: partial(STATUS, 'the device-status record as the wire shows it (P§3.5)'),
  battery: partial(BATTERY, 'the battery record as the wire shows it (P§3.4)'),
  settings: partial(settings(num), 'settings registers (§7)'),
  firmware: { type: 'object', description: 'partial deep match against the whole firmware state' },
  vibrations: eventCount(
    {
      reason: {
        type: 'string',
        examples: ['heatingStart', 'startingToUse', 'puffEnd', 'manuallyTerminated', 'error', 'reset'],
      },
      unit: UNIT,
    },
    'vibration events',
  ),
  notifications: eventCount(
    { characteristic: strings(['battery', 'status']) },
    'battery/status notifications the firmware raised (what a subscribed central receives)',
  ),
  rejected: eventCount(
    { input: { type: 'string', description: 'input type, e.g. stick' } },
    'refused inputs',
  ),
};
export const EXPECT_KEYS = Object.keys(EXPECTATION);

function stepSchemas(): Schema[] {
  return STEP_KINDS.map((kind) => ({
    title: STEPS[kind].title,
    type: 'object',
    required: [kind],
    properties: { ...STEP_COMMON, ...STEPS[kind].properties },
    additionalProperties: false,
  }));
}

function inputSchemas(): Schema[] {
  return keysOf(INPUT_FIELDS).map((type) => {
    const fields = INPUT_FIELDS[type];
    return {
      title: `${type} input`,
      type: 'object',
      required: ['type', ...(fields.required ?? [])],
      properties: { type: { const: type }, ...fields.properties },
      additionalProperties: false,
    };
  });
}

export const SCENARIO_SCHEMA: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'iqsim scenario',
  description:
    'A scripted run of one virtual IQOS device in virtual time (docs/scenarios.md). JSON only: YAML is not supported.',
  type: 'object',
  required: ['name', 'model', 'steps'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    model: strings(
      MODELS.map((m) => m.id),
      'model id as `iqsim models` lists it',
    ),
    seed: { type: 'integer', minimum: 0, description: 'identity seed (default 1)' },
    initial: partial(INITIAL, 'initial conditions (firmware-model/state.ts InitialConditions)'),
    params: {
      type: 'object',
      description: 'deep-partial overrides of the firmware parameters (firmware-model/params.ts)',
    },
    steps: { type: 'array', items: ref('step') },
  },
  additionalProperties: false,
  $defs: {
    step: { oneOf: stepSchemas() },
    firmwareInput: { oneOf: inputSchemas() },
    puff: partial(PUFF, 'a puff ({} for the defaults)'),
    fault: {
      type: 'object',
      required: ['fault'],
      properties: { fault: ref('faultName'), bits: ref('faultBits') },
      additionalProperties: false,
    },
    faultName: strings([...FAULT_NAMES], 'device fault (device-model.md §15.1)'),
    faultBits: { type: 'integer', minimum: 0, maximum: 255, description: 'error or warning bits (P§3.5)' },
    counterTag: { type: 'string', pattern: '^[0-9A-Fa-f]{1,2}$', description: 'counter tag in hex, e.g. 8E' },
    counterBlocks: {
      type: 'object',
      description: 'counter value by tag in hex (P§9.2), e.g. {"8E": 1}',
      propertyNames: ref('counterTag'),
      additionalProperties: num,
    },
    expectation: {
      type: 'object',
      description: 'every property given must hold',
      properties: EXPECTATION,
      additionalProperties: false,
    },
    light: partial(LIGHT, 'indicator state: pattern, colour, count'),
    reply: partial(
      {
        command: { type: 'string', description: 'decoded command name' },
        hex: { type: 'string', description: 'the whole reply frame in hex' },
        fields: { type: 'object', description: 'partial deep match of the decoded fields' },
      },
      'expected reply',
    ),
    since: {
      description:
        "which events count: 'start' (default), 'step' (since the last step that was not an expect), or a step index",
      oneOf: [
        { title: "'start' or 'step'", enum: ['start', 'step'] },
        { title: 'a step index', type: 'integer', minimum: 0 },
      ],
    },
    numberMatch: {
      oneOf: [
        { title: 'a number', type: 'number' },
        {
          title: 'a range {"$min": a, "$max": b}',
          type: 'object',
          properties: { $min: { type: 'number' }, $max: { type: 'number' } },
          additionalProperties: false,
          minProperties: 1,
        },
      ],
    },
  },
};
