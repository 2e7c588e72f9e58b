/**
 * The device-snapshot file format (`iqsim run --state`, the `sim:` transport's `snapshot=`), as a
 * TypeBox schema, and the deep check a file passes before it is trusted: the schema (every field of
 * the firmware state typed and ranged), then the invariants across fields (model ids agree, the
 * parameters are the firmware's own ranges) and a trial restore that builds the device, reads its
 * battery and status records and takes one input. Only a snapshot that passes all of it restores;
 * otherwise the first problem comes back with its JSON pointer (docs/simulator.md "State files").
 *
 * The properties of the firmware state are keyed by `FirmwareState`'s keys (`satisfies`), so a field
 * added to the firmware's state fails to compile here until the format describes it.
 */
import { type TSchema, Type } from 'typebox';
import {
  AMBIENT_RANGE_C,
  type ChargerUnit,
  type Counters,
  type FirmwareSnapshot,
  type FirmwareState,
  type HolderUnit,
  type NumberRange,
  type SessionRecord,
} from '../../firmware-model/index.js';
import { MODELS } from '../../protocol/index.js';
import type { DeviceSnapshot } from '../device/device.js';
import type { DeviceIdentity } from '../device/identity.js';
import {
  CHARGER_STATES,
  COLOURS,
  HOLDER_STATES,
  PATTERNS,
  settingsProperties,
  VIBRATION_PROPERTIES,
} from './firmware-shapes.js';
import { oneOfStrings, partial, ranged } from './shapes.js';

const strict = { additionalProperties: false } as const;
const object = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, { ...strict, ...(description ? { description } : {}) });

/** Virtual time, ms: 0 … about 100 years (3.2 × 10¹² ms), far inside a double's exact integers. */
export const MAX_VIRTUAL_MS = 3_200_000_000_000;
const TIME: NumberRange = { min: 0, max: MAX_VIRTUAL_MS };
/** Times that may lie before the start (button bookkeeping uses −1 and −10¹² for "never"). */
const ANY_TIME: NumberRange = { min: -MAX_VIRTUAL_MS, max: MAX_VIRTUAL_MS };
const time = ranged(TIME);
const anyTime = ranged(ANY_TIME);
const percent = ranged({ min: 0, max: 100 });
const u8 = ranged({ min: 0, max: 0xff, integer: true });
const u32 = ranged({ min: 0, max: 0xffff_ffff, integer: true });
const count = ranged({ min: 0, max: 0xffff_ffff, integer: true });
/** Energy-ledger sums, % of a unit's capacity: a lifetime of cycles, either sign. */
const ledgerPercent = ranged({ min: -1e9, max: 1e9 });
const bool = Type.Boolean();
const hexTag = { type: 'string', pattern: '^[0-9A-F]{1,2}$' } as const;
const counterBlock = Type.Unsafe<Record<string, number>>({
  type: 'object',
  description: 'counter value (u24, docs/protocol.md §9.2) by upper-case hex tag',
  propertyNames: hexTag,
  additionalProperties: ranged({ min: 0, max: 0xff_ffff, integer: true }),
});

const LIGHT = object({
  pattern: oneOfStrings(PATTERNS),
  colour: oneOfStrings(COLOURS),
  count: ranged({ min: 0, max: 255, integer: true }),
});

const CHARGER = object({
  state: oneOfStrings(CHARGER_STATES),
  levelPercent: percent,
  usbPower: oneOfStrings(['none', 'normal', 'weak'] as const),
  offWhenPlugged: bool,
  chargingHolder: bool,
  cleaningHolder: bool,
  lowBattery: bool,
  errorBits: u8,
  light: LIGHT,
  bluetoothOn: bool,
  pairing: bool,
  dark: bool,
  cycleCount: count,
  cycleAccumPercent: ranged({ min: 0, max: 100_000 }),
} satisfies Record<keyof ChargerUnit, TSchema>);

const HOLDER = object({
  state: oneOfStrings(HOLDER_STATES),
  levelPercent: percent,
  usesLeft: ranged({ min: 0, max: 100, integer: true }),
  indicating: bool,
  docked: bool,
  stickInserted: bool,
  stickUsed: bool,
  connection: ranged({ min: 0, max: 3, integer: true }),
  errorBits: u8,
  warningBits: u8,
  systemError: u32,
  lastExperience: object({
    reason: ranged({ min: 0, max: 15, integer: true }),
    puffs: u8,
    dutyCycleFault: bool,
    intensivePuffing: bool,
    newInformationWasRead: bool,
  }),
  sticksSinceClean: count,
  light: LIGHT,
  resumeState: Type.Union([oneOfStrings(HOLDER_STATES), Type.Null()]),
} satisfies Record<keyof HolderUnit, TSchema>);

const SETTINGS = object(
  settingsProperties(ranged({ min: 0, max: 100, integer: true }), object(VIBRATION_PROPERTIES)),
);

const RTC = object(
  { seconds: u32, setAtMs: anyTime },
  'RTC seconds since 2010-01-01 UTC at setAtMs (docs/protocol.md §8.1)',
);
const SESSION = object({
  capacityJ: ranged({ min: 0, max: 1e6 }),
  startMs: time,
  endAtMs: time,
  readyAtMs: time,
  warned: bool,
  puffs: u8,
  lastPuffMs: anyTime,
  pausedAtMs: anyTime,
  reachedReady: bool,
  dutyCycleFault: bool,
  intensivePuffing: bool,
} satisfies Record<keyof SessionRecord, TSchema>);
const BUTTON = object({
  downAtMs: anyTime,
  lastReleaseMs: anyTime,
  quickPresses: count,
  wasOff: bool,
  consumed: bool,
} satisfies Record<keyof FirmwareState['buttons']['charger'], TSchema>);

const STATE_PROPERTIES = {
  modelId: Type.String(),
  nowMs: ranged(TIME, 'virtual time of the state, ms'),
  charger: CHARGER,
  holder: HOLDER,
  environment: object({ ambientC: ranged(AMBIENT_RANGE_C), magnetNearby: bool }),
  settings: SETTINGS,
  rtc: RTC,
  // Absent in snapshots saved before the holder kept its own clock: restored from `rtc`.
  holderRtc: Type.Optional(RTC),
  lastErrorRtc: ranged({ min: -1, max: 0xffff_ffff, integer: true }),
  errorCode: ranged({ min: 0, max: 0xffff, integer: true }),
  counters: object({
    holder: counterBlock,
    charger: counterBlock,
    lifetimePuffs: count,
    lifetimeUsageQuarterSeconds: count,
    lastSessionQuarterSeconds: count,
    // Absent in snapshots saved before D-28 day offsets: derived from tag 17 on restore.
    dayOffset: Type.Optional(
      object({ charger: ranged({ min: -1e6, max: 1e6 }), holder: ranged({ min: -1e6, max: 1e6 }) }),
    ),
  } satisfies Record<keyof Counters, TSchema>),
  session: Type.Union([SESSION, Type.Null()]),
  pendingPuff: Type.Optional(
    Type.Union([
      object({
        injectedAtMs: time,
        durationMs: ranged({ min: 0, max: 60_000, exclusiveMin: true }),
        flowMlS: ranged({ min: 0, max: 1000, exclusiveMin: true }),
        armsAtMs: time,
      }),
      Type.Null(),
    ]),
  ),
  findMyUntilMs: ranged({ min: -1, max: MAX_VIRTUAL_MS }),
  timers: Type.Unsafe<Record<string, number>>({
    type: 'object',
    description: 'armed timers: virtual time each fires, ms',
    propertyNames: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
    additionalProperties: time,
  }),
  buttons: object({ charger: BUTTON, holder: BUTTON }),
  faults: object({
    heater: ranged({ min: 0, max: 3, integer: true }),
    holderChargeStuck: bool,
    dutyCycle: bool,
  }),
  ledger: object({
    chargerStartPercent: percent,
    chargerInPercent: ledgerPercent,
    chargerOutPercent: ledgerPercent,
    holderStartPercent: percent,
    holderInPercent: ledgerPercent,
    holderOutPercent: ledgerPercent,
  }),
  heater: Type.Union([
    Type.Array(ranged({ min: -1e12, max: MAX_VIRTUAL_MS }), { maxItems: 64 }),
    Type.Null(),
  ]),
  heaterTempC: ranged({ min: -100, max: 1000 }),
} satisfies Record<keyof FirmwareState, TSchema>;

const FIRMWARE = object({
  format: Type.Literal('iqsim-firmware'),
  version: Type.Literal(1),
  modelId: oneOfStrings(MODELS.map((m) => m.id)),
  params: Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    description: 'the firmware parameters (firmware-model/params.ts); checked by restoring them',
  }),
  state: object(STATE_PROPERTIES),
  notified: object({ battery: Type.String(), status: Type.String() }),
} satisfies Record<keyof FirmwareSnapshot, TSchema>);

const IDENTITY_FIELDS = {
  chargerProductNumber: Type.String({ pattern: '^T[0-9A-Z]{13}$' }),
  holderProductNumber: Type.String({ pattern: '^T[0-9A-Z]{13}$' }),
  modelNumber: Type.String({ maxLength: 64 }),
  chargerFirmware: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' }),
  holderFirmware: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' }),
  manufacturer: Type.String({ maxLength: 64 }),
  name: Type.String({ maxLength: 64 }),
  address: Type.String({ pattern: '^([0-9A-F]{2}:){5}[0-9A-F]{2}$' }),
} satisfies Record<keyof DeviceIdentity, TSchema>;
const REGISTERS = Type.Unsafe<Record<string, string>>({
  type: 'object',
  description: 'stored register values as hex by register key',
  additionalProperties: { type: 'string', pattern: '^[0-9A-Fa-f ]*$' },
});

/** A device snapshot (simulator/device/device-snapshot.ts `DeviceSnapshot`). */
export const DEVICE_SNAPSHOT_SCHEMA = object({
  format: Type.Literal('iqsim-device'),
  version: Type.Literal(1),
  model: oneOfStrings(MODELS.map((m) => m.id)),
  seed: u32,
  identity: object(IDENTITY_FIELDS),
  identityOverrides: partial(IDENTITY_FIELDS),
  bonded: bool,
  bonds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
  bondedOnly: bool,
  replyDelayMs: Type.Optional(ranged({ min: 0, max: 60_000 })),
  firmware: FIRMWARE,
  registers: REGISTERS,
  overrides: Type.Optional(REGISTERS),
} satisfies Record<keyof DeviceSnapshot, TSchema>);
