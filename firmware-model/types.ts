/**
 * The firmware model's data: states (docs/device.md §11.1, §12.1), inputs, output events and the
 * plain-JSON state that snapshots carry. Everything here is serialisable with JSON.stringify.
 */

/** Holder states of docs/device.md §11.1 (LOCKED is the `settings.lock` overlay, not a state). */
export type HolderStateName =
  | 'OFF'
  | 'DOCKED_CHARGING'
  | 'DOCKED_READY'
  | 'DOCKED_UNCHARGED'
  | 'CLEANING'
  | 'IDLE_READY'
  | 'IDLE_EMPTY'
  | 'SLEEP'
  | 'TEMP_OUT_OF_RANGE'
  | 'PREHEAT'
  | 'SESSION_ACTIVE'
  | 'SESSION_WARNING'
  | 'PAUSED'
  | 'SESSION_END'
  | 'COOLDOWN'
  | 'ERROR'
  | 'RESETTING';

/**
 * Charger (or one-piece main unit) states of docs/device.md §12.1; charging the holder, cleaning, low battery
 * and Bluetooth are flags beside it.
 */
export type ChargerStateName =
  | 'OFF'
  | 'DEEP_DISCHARGED'
  | 'STANDBY'
  | 'SHOW_LEVEL'
  | 'USB_CHARGING'
  | 'USB_CHARGED'
  | 'TEMP_OUT_OF_RANGE'
  | 'ERROR'
  | 'RESETTING';

export const HEATING_STATES: readonly HolderStateName[] = [
  'PREHEAT',
  'SESSION_ACTIVE',
  'SESSION_WARNING',
  'PAUSED',
];

export type UnitName = 'charger' | 'holder';
export type UsbPower = 'none' | 'normal' | 'weak';
export type LightPattern = 'off' | 'steady' | 'blink' | 'pulse' | 'blinkN' | 'progressive';
export type LightColour = 'none' | 'white' | 'green' | 'orange' | 'red' | 'yellow';

/**
 * Abstract indicator state of one unit (docs/device.md §3.2): pattern, colour and how many
 * lights/segments/blinks.
 */
export interface Light {
  pattern: LightPattern;
  colour: LightColour;
  count: number;
}

/** End-of-heat reasons (docs/device.md §5.2, docs/protocol.md §3.5). */
export const END_REASON = {
  noData: 0,
  heating: 1,
  endOfProfile: 2,
  userAction: 3,
  heaterOverTemp: 4,
  heaterPower: 5,
  lowBattery: 6,
  systemFault: 7,
  puffLimit: 8,
  ambientTooHigh: 9,
  heaterVariation: 10,
} as const;

export interface ExperienceRecord {
  reason: number;
  puffs: number;
  dutyCycleFault: boolean;
  intensivePuffing: boolean;
  newInformationWasRead: boolean;
}

export interface VibrationFlags {
  heatingStart: boolean;
  startingToUse: boolean;
  puffEnd: boolean;
  manuallyTerminated: boolean;
  chargeStart: boolean;
}

/** Settings registers (docs/device.md §7, §14 `settings.*`). */
export interface Settings {
  chargerBrightness: number;
  holderBrightness: number;
  vibration: VibrationFlags;
  autoStart: boolean;
  smartGesture: boolean;
  flexPuff: boolean;
  pauseMode: boolean;
  flexBattery: 'performance' | 'eco';
  lock: boolean;
}

export type SettingName = keyof Omit<Settings, 'vibration'> | `vibration.${keyof VibrationFlags}`;

/** Device faults of docs/faults.md §15.1 that are injected rather than set through the environment. */
export type FaultName =
  | 'heaterOverTemp'
  | 'heaterPower'
  | 'heaterVariation'
  | 'dutyCycle'
  | 'holderError'
  | 'holderWarning'
  | 'chargerError'
  | 'magnet'
  | 'rtcReset';

/** Every `FaultName`, listed once (exhaustive: a new fault fails to compile here until it is added). */
export const FAULT_NAMES = Object.keys({
  heaterOverTemp: true,
  heaterPower: true,
  heaterVariation: true,
  dutyCycle: true,
  holderError: true,
  holderWarning: true,
  chargerError: true,
  magnet: true,
  rtcReset: true,
} satisfies Record<FaultName, true>) as readonly FaultName[];

/** Why an injected puff was not registered (firmware-model/puffs.ts). */
export type PuffIgnoredReason =
  | 'notHeating'
  | 'paused'
  | 'heaterSettling'
  | 'belowThreshold'
  | 'merged'
  | 'sessionEnded';

/** An injected puff waiting for the heater to detect it (puffs.ts). */
export interface PendingPuff {
  injectedAtMs: number;
  durationMs: number;
  flowMlS: number;
  /** When the heater's puff detection arms (end of the ramp + settle), ms. */
  armsAtMs: number;
}

export type FirmwareInput =
  | { type: 'button'; unit: UnitName; action: 'press' | 'release' }
  | { type: 'stick'; action: 'insert' | 'remove'; used?: boolean }
  | { type: 'puff'; durationMs?: number; flowMlS?: number }
  | { type: 'dock' }
  | { type: 'undock' }
  | { type: 'usb'; power: UsbPower }
  | { type: 'ambient'; tempC: number }
  | { type: 'tilt' }
  | { type: 'cleanButton' }
  | { type: 'setting'; name: SettingName; value: boolean | number | string }
  /**
   * Sets a unit's RTC (docs/protocol.md §8.1); `unit` defaults to the charger (case), whose clock the app
   * writes.
   */
  | { type: 'clock'; seconds: number; unit?: UnitName }
  | { type: 'findMy'; on: boolean }
  | { type: 'statusRead' }
  | { type: 'reset' }
  | { type: 'level'; unit: UnitName; percent: number }
  | { type: 'connection'; value: number }
  | { type: 'counter'; unit: UnitName; tag: string; value: number }
  /** F-27: sets the charger's charge-cycle count (docs/device.md §8 `warranty.cycleLimit`; test control). */
  | { type: 'cycleCount'; value: number }
  | { type: 'fault'; fault: FaultName; bits?: number }
  | { type: 'clearFault'; fault: FaultName; bits?: number };

/** The `type` of a firmware input; a table keyed by it must list every input. */
export type FirmwareInputType = FirmwareInput['type'];
/** The input of one type. */
export type FirmwareInputOf<K extends FirmwareInputType> = Extract<FirmwareInput, { type: K }>;
/** The fields of an input besides `type`. */
export type FirmwareInputField<K extends FirmwareInputType> = Exclude<keyof FirmwareInputOf<K>, 'type'>;

export type FirmwareEvent =
  | { type: 'state'; atMs: number; unit: UnitName; from: string; to: string }
  | { type: 'led'; atMs: number; unit: UnitName; light: Light }
  | {
      type: 'vibration';
      atMs: number;
      unit: UnitName;
      reason: string;
      pulses: number;
      pulseMs: number;
      gapMs: number;
      continuous: boolean;
    }
  | { type: 'vibrationStop'; atMs: number; unit: UnitName; reason: string }
  | { type: 'notify'; atMs: number; characteristic: 'battery' | 'status' }
  | {
      type: 'session';
      atMs: number;
      phase: 'start' | 'ready' | 'warning' | 'paused' | 'resumed' | 'end';
      puffs: number;
      reason?: number;
    }
  /** A puff the heater detected; `reason` says why one is not counted (`preheat`, `tooSoon`). */
  | { type: 'puff'; atMs: number; puffs: number; counted: boolean; reason?: 'preheat' | 'tooSoon' }
  /** An injected puff the heater did not register (puffs.ts lists the reasons). */
  | {
      type: 'puffIgnored';
      atMs: number;
      reason: PuffIgnoredReason;
      injectedAtMs: number;
      durationMs: number;
      flowMlS: number;
    }
  | { type: 'bluetooth'; atMs: number; on: boolean }
  | { type: 'pairing'; atMs: number }
  | { type: 'rejected'; atMs: number; input: string; reason: string };

export interface ChargerUnit {
  state: ChargerStateName;
  levelPercent: number;
  usbPower: UsbPower;
  /**
   * The state the unit was in when USB arrived (docs/device.md §12.2: back to OFF on unplug if it was off).
   */
  offWhenPlugged: boolean;
  chargingHolder: boolean;
  cleaningHolder: boolean;
  lowBattery: boolean;
  errorBits: number;
  light: Light;
  bluetoothOn: boolean;
  /** Pairing mode (docs/device.md §3.3 gesture): advertising the unbonded byte until a bond or power-off. */
  pairing: boolean;
  /** Dark after a deep discharge until the first light (docs/device.md §4.1, up to 15 min). */
  dark: boolean;
  cycleCount: number;
  /** Cumulative % delivered into the cell since the last whole cycle (cycleCount += 1 per 100 %). */
  cycleAccumPercent: number;
}

export interface HolderUnit {
  state: HolderStateName;
  /** One-piece: mirrors the main unit's level. */
  levelPercent: number;
  /**
   * Uses left (docs/device.md §11.2): set at each use's worth while charging, −1 per session, never above the
   * energy left.
   */
  usesLeft: number;
  /** Showing uses left after a short press or tilt (docs/device.md §3.2), until `indicateUntilMs`. */
  indicating: boolean;
  docked: boolean;
  stickInserted: boolean;
  stickUsed: boolean;
  /** Holder–charger contact, 0 fully connected … 3 not connected (docs/protocol.md §3.5). */
  connection: number;
  errorBits: number;
  warningBits: number;
  systemError: number;
  lastExperience: ExperienceRecord;
  sticksSinceClean: number;
  light: Light;
  /** State to return to after a transient (out-of-range indication, pause). */
  resumeState: HolderStateName | null;
}

export interface SessionRecord {
  /** Heating-battery capacity for this session, J (fixed at start). */
  capacityJ: number;
  startMs: number;
  /** When the 6-minute limit falls (moves forward while paused). */
  endAtMs: number;
  readyAtMs: number;
  warned: boolean;
  puffs: number;
  lastPuffMs: number;
  pausedAtMs: number;
  reachedReady: boolean;
  dutyCycleFault: boolean;
  intensivePuffing: boolean;
}

export interface ButtonTrack {
  downAtMs: number;
  lastReleaseMs: number;
  quickPresses: number;
  /** The unit was off when this press began (power-on at 4 s, docs/device.md §3.3). */
  wasOff: boolean;
  /** The hold already did something (started heating, powered on, reset). */
  consumed: boolean;
}

/** An RTC: `seconds` at virtual time `setAtMs`, counting on at 1 Hz (docs/protocol.md §8.1). */
export interface RtcRegister {
  seconds: number;
  setAtMs: number;
}

export interface Counters {
  /** Usage-counter blocks per unit keyed by tag as upper-case hex (docs/protocol.md §9.2). */
  holder: Record<string, number>;
  charger: Record<string, number>;
  lifetimePuffs: number;
  lifetimeUsageQuarterSeconds: number;
  lastSessionQuarterSeconds: number;
  /**
   * docs/protocol.md D-28 `counters.dayOffset` per unit: tag 17 reads floor(that unit's RTC / 86400) − this,
   * so it is computed when read (`Firmware.counters()`), never stored in the tag records.
   */
  dayOffset: { charger: number; holder: number };
}

/** Energy bookkeeping in % of each unit's own capacity, for the conservation invariant. */
export interface EnergyLedger {
  chargerStartPercent: number;
  chargerInPercent: number;
  chargerOutPercent: number;
  holderStartPercent: number;
  holderInPercent: number;
  holderOutPercent: number;
}

export interface FirmwareState {
  modelId: string;
  nowMs: number;
  charger: ChargerUnit;
  holder: HolderUnit;
  environment: { ambientC: number; magnetNearby: boolean };
  settings: Settings;
  /** Case (or one-piece) RTC: seconds since 2010-01-01 UTC at `setAtMs` (docs/protocol.md §8.1). */
  rtc: RtcRegister;
  /**
   * The two-piece holder's own RTC (docs/protocol.md §8.1: the holder answers its own clock reads); unused on
   * one-piece.
   */
  holderRtc: RtcRegister;
  /** RTC seconds of the latest logged error, or -1 (C0 S 0x03, docs/device.md §5.3). */
  lastErrorRtc: number;
  /** Active error code `(group << 8) | bits` (C0 S 0x82, docs/device.md §5.3 "groupBits"). */
  errorCode: number;
  counters: Counters;
  session: SessionRecord | null;
  /** An injected puff not yet detected nor given up (absent in older snapshots: none). */
  pendingPuff?: PendingPuff | null;
  findMyUntilMs: number;
  /**
   * Armed timers, name → virtual time it fires (ms), in arming order: what a snapshot saves. A running
   * `Firmware` keeps its timers in fixed slots (`timer-slots.ts`) and leaves this empty.
   */
  timers: Record<string, number>;
  buttons: { charger: ButtonTrack; holder: ButtonTrack };
  faults: { heater: number; holderChargeStuck: boolean; dutyCycle: boolean };
  ledger: EnergyLedger;
  /** Heater loop registers while heating (temperature, energies…), else null. */
  heater: number[] | null;
  /** Heater temperature at rest (ambient) or the last loop temperature, °C. */
  heaterTempC: number;
}
