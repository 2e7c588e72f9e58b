/**
 * The initial state of a device (docs/device.md §10 variables, docs/device.md §14 defaults) and the checks a
 * snapshot must pass before it is restored.
 */
import { FirmwareError } from './errors.js';
import type { FirmwareParams } from './params.js';
import type { ModelProfile } from './profiles.js';
import type { ButtonTrack, FirmwareState, Settings, UsbPower } from './types.js';

/** How a fresh device starts; every field is optional. */
export interface InitialConditions {
  /** Charger (or one-piece) level, % (default 80). */
  chargerPercent?: number;
  /** Holder level, % (default 100; one-piece: ignored). */
  holderPercent?: number;
  /** Holder in the charger (default true on two-piece). */
  docked?: boolean;
  /** Charger switched on (default true). */
  chargerOn?: boolean;
  usb?: UsbPower;
  /** RTC seconds since 2010-01-01 UTC at the start (default 0: the epoch, as after a deep discharge). */
  rtcSeconds?: number;
  ambientC?: number;
  settings?: Partial<Omit<Settings, 'vibration'>> & { vibration?: Partial<Settings['vibration']> };
}

function button(): ButtonTrack {
  return { downAtMs: -1, lastReleaseMs: -1e12, quickPresses: 0, wasOff: false, consumed: false };
}

export function initialState(
  profile: ModelProfile,
  params: FirmwareParams,
  energyPerUsePercent: number,
  init: InitialConditions,
  startMs: number,
): FirmwareState {
  const onePiece = profile.parts === 'one-piece';
  const chargerPercent = clampPercent(init.chargerPercent ?? 80);
  const holderPercent = onePiece ? chargerPercent : clampPercent(init.holderPercent ?? 100);
  const docked = !onePiece && (init.docked ?? true);
  const usb = init.usb ?? 'none';
  const on = init.chargerOn ?? true;
  const uses = Math.min(profile.usesPerCharge, Math.floor((holderPercent + 1e-9) / energyPerUsePercent));
  const ambientC = init.ambientC ?? params.environment.ambientC;
  const off = { pattern: 'off', colour: 'none', count: 0 } as const;
  const counters = params.counters;
  const rtcSeconds = init.rtcSeconds ?? 0;
  // D-28: tag 17 counts days from `counters.dayOffset`, by default the day of first power-on.
  const dayOffset = counters.dayOffset >= 0 ? counters.dayOffset : Math.floor(rtcSeconds / 86_400);
  return {
    modelId: profile.id,
    nowMs: startMs,
    charger: {
      state: on ? (usb === 'none' ? 'STANDBY' : 'USB_CHARGING') : usb === 'none' ? 'OFF' : 'USB_CHARGING',
      levelPercent: chargerPercent,
      usbPower: usb,
      offWhenPlugged: !on && usb !== 'none',
      chargingHolder: false,
      cleaningHolder: false,
      lowBattery: false,
      errorBits: 0,
      light: { ...off },
      bluetoothOn: on,
      pairing: false,
      dark: false,
      cycleCount: 0,
      cycleAccumPercent: 0,
    },
    holder: {
      state: docked ? 'DOCKED_UNCHARGED' : !on && onePiece ? 'OFF' : uses >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY',
      levelPercent: holderPercent,
      usesLeft: uses,
      indicating: false,
      docked,
      stickInserted: false,
      stickUsed: false,
      connection: 0,
      errorBits: 0,
      warningBits: 0,
      systemError: 0,
      lastExperience: {
        reason: 0,
        puffs: 0,
        dutyCycleFault: false,
        intensivePuffing: false,
        newInformationWasRead: true,
      },
      sticksSinceClean: 0,
      light: { ...off },
      resumeState: null,
    },
    environment: { ambientC, magnetNearby: false },
    settings: {
      chargerBrightness: 100,
      holderBrightness: 100,
      autoStart: true,
      smartGesture: true,
      flexPuff: true,
      pauseMode: false,
      flexBattery: 'performance',
      lock: false,
      ...init.settings,
      vibration: {
        heatingStart: true,
        startingToUse: true,
        puffEnd: true,
        manuallyTerminated: true,
        chargeStart: true,
        ...init.settings?.vibration,
      },
    },
    rtc: { seconds: rtcSeconds, setAtMs: startMs },
    holderRtc: { seconds: rtcSeconds, setAtMs: startMs },
    lastErrorRtc: -1,
    errorCode: 0,
    counters: {
      holder: onePiece ? {} : { '8E': 0, '20': 0, '18': counters.constant18 },
      charger: onePiece
        ? { '8E': 0, '1D': counters.constant1D, '18': counters.constant18 }
        : { '1E': 0, '1D': counters.constant1D, '18': counters.constant18, '14': counters.constant14 },
      lifetimePuffs: 0,
      lifetimeUsageQuarterSeconds: 0,
      lastSessionQuarterSeconds: 0,
      dayOffset: { charger: dayOffset, holder: dayOffset },
    },
    session: null,
    pendingPuff: null,
    findMyUntilMs: -1,
    timers: {},
    buttons: { charger: button(), holder: button() },
    faults: { heater: 0, holderChargeStuck: false, dutyCycle: false },
    ledger: {
      chargerStartPercent: chargerPercent,
      chargerInPercent: 0,
      chargerOutPercent: 0,
      holderStartPercent: holderPercent,
      holderInPercent: 0,
      holderOutPercent: 0,
    },
    heater: null,
    heaterTempC: ambientC,
  };
}

function clampPercent(value: number): number {
  if (!Number.isFinite(value))
    throw new FirmwareError('FIRMWARE_PARAM', 'battery levels must be finite numbers');
  return Math.min(100, Math.max(0, value));
}

const REQUIRED: readonly (keyof FirmwareState)[] = [
  'modelId',
  'nowMs',
  'charger',
  'holder',
  'environment',
  'settings',
  'rtc',
  'counters',
  'timers',
  'buttons',
  'faults',
  'ledger',
];

/** Structural checks on a snapshot's state; FIRMWARE_SNAPSHOT names the first problem. */
export function checkState(state: unknown, modelId: string): FirmwareState {
  if (typeof state !== 'object' || state === null)
    throw new FirmwareError('FIRMWARE_SNAPSHOT', 'snapshot state is not an object');
  const record = state as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (!(key in record)) throw new FirmwareError('FIRMWARE_SNAPSHOT', `snapshot state lacks '${key}'`);
  }
  if (record.modelId !== modelId)
    throw new FirmwareError(
      'FIRMWARE_SNAPSHOT',
      `snapshot is of model '${String(record.modelId)}', not '${modelId}'`,
    );
  if (typeof record.nowMs !== 'number' || !Number.isFinite(record.nowMs))
    throw new FirmwareError('FIRMWARE_SNAPSHOT', 'snapshot nowMs is not a finite number');
  return upgradeClocks(structuredClone(record) as unknown as FirmwareState);
}

/**
 * Snapshots saved before the holder had its own clock and tag 17 followed D-28 carry one RTC and a
 * stored tag 17 (`lastUseDay`): the holder's clock starts as a copy of the case's, and each unit's
 * day offset is chosen so that tag 17 reads now what it stored.
 */
function upgradeClocks(state: FirmwareState): FirmwareState {
  const legacy = state as FirmwareState & { holderRtc?: FirmwareState['rtc'] };
  if (!legacy.holderRtc) legacy.holderRtc = { ...state.rtc };
  const c = state.counters as FirmwareState['counters'] & { lastUseDay?: number };
  if (!c.dayOffset) {
    const day = Math.floor(
      (state.rtc.seconds + Math.floor((state.nowMs - state.rtc.setAtMs) / 1000)) / 86_400,
    );
    c.dayOffset = { charger: day - (c.charger['17'] ?? 0), holder: day - (c.holder['17'] ?? 0) };
    delete c.charger['17'];
    delete c.holder['17'];
    delete c.lastUseDay;
  }
  return state;
}
