/**
 * The scenario format, one source for both its TypeScript types and its JSON Schema (draft 2020-12):
 * TypeBox schemas whose static types are the types below. `SCENARIO_SCHEMA` is what the parser
 * validates with (scenario.ts, through Ajv) and what `npm run schema` writes to
 * `schema/scenario.schema.json` for editors; a test checks the file is current. This module imports
 * nothing of the runner. docs/scenarios.md describes the format and the range of every number.
 */
import { type Static, type TSchema, Type } from 'typebox';
import type { DeepPartial, FirmwareParams } from '../../firmware-model/index.js';
import { MODELS } from '../../protocol/index.js';
import { byKey, oneOfStrings, ranged, ref } from '../schema/shapes.js';
import {
  anyObject,
  COUNTER_TAG,
  EXPECTATION,
  FAULT,
  FAULT_NAME,
  FIRMWARE_INPUT,
  INITIAL,
  LIGHT,
  ms,
  NUMBER_MATCH,
  PUFF,
  REPLY,
  SINCE,
  UNIT,
} from './format-parts.js';

/**
 * Limits of the numbers that set how long a run takes, so no file can make the CLI run for minutes:
 * a `waitUntil` polls every `pollMs` (≥ 1 ms) for at most an hour of virtual time; a plain `wait`
 * jumps from deadline to deadline and may cover a year; requests time out within a minute.
 */
export const LIMITS = {
  /** Longest button hold, ms (a reset hold is 10 s, docs/device.md §3.3). */
  holdMs: 60_000,
  /** Most puffs in one puff step (a session allows 14 plus FlexPuff's 2, docs/device.md §2.2). */
  puffCount: 1000,
  /** Longest gap between repeated puffs, ms. */
  everyMs: 3_600_000,
  /** Longest `wait`, ms: 365 days. */
  waitMs: 31_536_000_000,
  /** Longest `waitUntil`, ms: one hour. */
  waitUntilMs: 3_600_000,
  /** `pollMs` range of a `waitUntil`, ms. */
  pollMs: [1, 60_000] as const,
  /** Longest request or send timeout, ms (D-9's stale-frame deadline is far below). */
  requestTimeoutMs: 60_000,
  /** Largest identity seed (`SeededRandom` keeps 32 bits). */
  seed: 0xffff_ffff,
} as const;

const strict = { additionalProperties: false } as const;
/** Properties every step may carry besides its kind. */
const COMMON = {
  name: Type.Optional(Type.String({ description: 'shown in the report' })),
  comment: Type.Optional(Type.String({ description: 'ignored: for the reader' })),
};
const step = <P extends Record<string, TSchema>>(title: string, properties: P) =>
  Type.Object({ ...COMMON, ...properties }, { title, ...strict });
const requestTimeout = (fallback: number) =>
  Type.Optional(ms(LIMITS.requestTimeoutMs, 'virtual-time budget, ms', { default: fallback }));
const expectation = ref<Expectation>('expectation');
const reply = ref<ReplyExpectation>('reply');

/** One schema per step kind; the key is the property that makes a step of that kind. */
const STEPS = {
  input: step('input step: any firmware input', {
    input: ref<Static<typeof FIRMWARE_INPUT>>('firmwareInput'),
  }),
  press: step('press step: press a button, hold it, release it', {
    press: UNIT,
    holdMs: Type.Optional(ms(LIMITS.holdMs, 'how long the button is held, ms (default 200: a short press)')),
  }),
  puff: step('puff step: one or more puffs while heating', {
    puff: ref<Static<typeof PUFF>>('puff'),
    count: Type.Optional(
      ranged({ min: 1, max: LIMITS.puffCount, integer: true }, 'how many puffs (default 1)'),
    ),
    everyMs: Type.Optional(
      ms(LIMITS.everyMs, 'time from one puff to the next and after the last, ms (needed when count > 1)'),
    ),
  }),
  wait: step('wait step', { wait: ms(LIMITS.waitMs, 'advance virtual time by this many ms') }),
  waitUntil: step('waitUntil step: advance until an expectation holds', {
    waitUntil: expectation,
    timeoutMs: Type.Optional(ms(LIMITS.waitUntilMs, 'virtual-time budget, ms', { default: 600_000 })),
    pollMs: Type.Optional(
      ranged(
        { min: LIMITS.pollMs[0], max: LIMITS.pollMs[1] },
        'how often the condition is checked besides at every device deadline, ms (default 10)',
      ),
    ),
  }),
  request: step('request step: a client call over BLE', {
    request: Type.String({ minLength: 1, description: 'catalogue command name, as `iqsim encode` takes' }),
    args: Type.Optional(Type.Array(Type.String(), { description: 'positional arguments' })),
    fields: Type.Optional(anyObject('payload fields (override the args)')),
    unit: Type.Optional(
      oneOfStrings(
        ['charger', 'holder', 'flexpuff'] as const,
        "unit to address (default: the command's first)",
      ),
    ),
    expectReply: Type.Optional(reply),
    timeoutMs: requestTimeout(1000),
  }),
  send: step('send step: raw frame bytes over BLE', {
    send: Type.String({
      minLength: 1,
      description: 'hex: a logical frame or a BLE value with its transport byte',
    }),
    expectReply: Type.Optional(reply),
    expectNoReply: Type.Optional(
      Type.Boolean({ description: 'the device must not answer within timeoutMs' }),
    ),
    timeoutMs: requestTimeout(1000),
  }),
  fault: step('fault step: inject a device fault', { fault: ref<FaultSpec>('fault') }),
  clearFault: step('clearFault step: clear a device fault', { clearFault: ref<FaultSpec>('fault') }),
  expect: step('expect step: assertions', { expect: expectation }),
};

export type StepKind = keyof typeof STEPS;
export const STEP_KINDS = Object.keys(STEPS) as StepKind[];
export const EXPECT_KEYS = Object.keys(EXPECTATION.properties);

/** The kind of a step that passed validation: the one kind property it has. */
export function stepKind(step: object): StepKind {
  return STEP_KINDS.find((k) => Object.hasOwn(step, k)) ?? 'expect';
}

const STEP = byKey(STEPS, 'one step: exactly one of the kind properties, plus name and comment');

const ROOT = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    model: oneOfStrings(
      MODELS.map((m) => m.id),
      'model id as `iqsim models` lists it',
    ),
    seed: Type.Optional(ranged({ min: 0, max: LIMITS.seed, integer: true }, 'identity seed (default 1)')),
    initial: Type.Optional(INITIAL),
    params: Type.Optional(
      Type.Unsafe<DeepPartial<FirmwareParams>>(
        anyObject('deep-partial overrides of the firmware parameters (firmware-model/params.ts)'),
      ),
    ),
    steps: Type.Array(ref<Static<typeof STEP>>('step')),
  },
  strict,
);

export const SCENARIO_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'iqsim scenario',
  description:
    'A scripted run of one virtual IQOS device in virtual time (docs/scenarios.md). JSON only: YAML is not supported.',
  ...ROOT,
  $defs: {
    step: STEP,
    firmwareInput: FIRMWARE_INPUT,
    puff: PUFF,
    fault: FAULT,
    faultName: FAULT_NAME,
    counterTag: COUNTER_TAG,
    expectation: EXPECTATION,
    light: LIGHT,
    reply: REPLY,
    since: SINCE,
    numberMatch: NUMBER_MATCH,
  },
};

/** One firmware input on its own: what `iqsim run --json` reads per stdin line. */
export const FIRMWARE_INPUT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'iqsim firmware input',
  ...FIRMWARE_INPUT,
};

export type Scenario = Static<typeof ROOT>;
export type ScenarioStep = Scenario['steps'][number];
export type Expectation = Static<typeof EXPECTATION>;
export type ReplyExpectation = Static<typeof REPLY>;
export type FaultSpec = Static<typeof FAULT>;
export type NumberMatch = Static<typeof NUMBER_MATCH>;
export type Since = Static<typeof SINCE>;
/** The event-count part of `vibrations`, `notifications` and `rejected`. */
export interface EventCount {
  since?: Since;
  count?: number;
  min?: number;
  max?: number;
}
