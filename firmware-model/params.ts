/**
 * Every guessed or tunable number of the firmware model, with the default of docs/device.md §14
 * (section given per group). Profiles set the documented per-model values; callers override any of
 * them with a deep-partial object, and an unknown key is a FIRMWARE_PARAM error rather than a typo
 * that silently does nothing.
 */
import { FirmwareError } from './errors.js';

export interface FirmwareParams {
  /** docs/device.md §2.2. */
  session: {
    maxSeconds: number;
    maxPuffs: number;
    preheatSeconds: number;
    timerStartsAt: 'heatingStart' | 'ready';
    countPuffsDuringPreheat: boolean;
    warningSecondsBeforeEnd: number;
    /** 0 disables the puff-based warning (blade models, docs/device.md §2.2). */
    warningPuffsBeforeEnd: number;
    cooldownSeconds: number;
    dockAborts: boolean;
    minPuffSeconds: number;
    /** Share of one use's battery energy a nominal 6-minute session draws (D; keeps a reserve above the cut-off). */
    energyFractionPerUse: number;
  };
  /** docs/device.md §7 FlexPuff: extra puffs allowed when enabled. */
  flexPuff: { extraPuffs: number };
  /** docs/device.md §7 Pause Mode. */
  pause: { windowSeconds: number; freezesTimer: boolean };
  flexBattery: { ecoCeilingPercent: number };
  lock: { rejectHaptic: boolean; persistAcrossReset: boolean };
  findMy: { maxSeconds: number };
  /** docs/device.md §3.1 haptic pulse shape. */
  haptics: { pulseMs: number; gapMs: number; findMyPatternMs: [number, number] };
  /** docs/device.md §3.3. */
  buttons: {
    powerHoldSeconds: number;
    resetHoldSeconds: number;
    startHoldSeconds: number;
    multiPressWindowMs: number;
  };
  reset: { durationSeconds: number };
  /** docs/device.md §11.2 holder parameters. */
  holder: {
    idleSleepSeconds: number;
    recheckSeconds: number;
    cutoffPercent: number;
    idleDrainPercentPerHour: number;
    /** F-09: an injected charging timeout turns into error 0x02 after this long (D). */
    chargeTimeoutSeconds: number;
  };
  /** docs/device.md §12 charger parameters. */
  charger: {
    /** One "holder charge" is the energy of one use (so DUO's 20 sessions† and 2.4 PLUS's 20 charges† agree). */
    holderChargesPerFull: number;
    lowBatteryPercent: number;
    deepDischargeFirstLightSeconds: number;
    showLevelSeconds: number;
    chargeTimeoutMinutes: number;
    /** F-28: holder charging is suspended above this charger temperature (D). */
    maxChargeTempC: number;
  };
  lights: { outOfRangeSeconds: number };
  /** docs/device.md §4.2 battery model. */
  battery: {
    vEmptyMv: number;
    vFullMv: number;
    cvKneePercent: number;
    selfDischargePercentPerDay: number;
    selfHeatC: number;
    chargeHeatC: number;
    sessionHeatC: number;
  };
  usb: { weakSourceFactor: number };
  /** docs/device.md §6 cleaning (blade two-piece models). */
  cleaning: { autoEverySticks: number; durationSeconds: number; minChargerPercent: number };
  /** Heater control loop and lumped thermal model (all D: no public figures beyond "≈ 350 °C"). */
  heater: {
    tickHz: number;
    /** Plateau temperature the controller tracks after the pre-heat ramp. */
    plateauC: number;
    /** Seconds the pre-heat ramp of the set-point takes (≤ session.preheatSeconds). */
    rampSeconds: number;
    maxPowerW: number;
    heatCapacityJPerK: number;
    lossWPerK: number;
    /** Extra loss per ml/s of airflow through the stick during a puff. */
    puffLossWPerKPerMlS: number;
    proportionalWPerK: number;
    /** A puff is detected when the temperature sits this far under the set-point… */
    puffDetectDropC: number;
    /** …for at least this long. */
    puffDetectMs: number;
    /** Protection trips above this temperature (end reason 4). */
    overTempC: number;
    /** Period of the firmware's own bookkeeping while heating (levels, notifications). */
    reportEveryMs: number;
    /** Default puff: volume and duration (a 55 ml / 2 s puff is the common smoking-machine regime). */
    defaultPuffMs: number;
    defaultPuffFlowMlS: number;
  };
  /** F-07: puffs closer than this set the intensive-puffing flag. */
  fault: { intensivePuffIntervalS: number; agedCapacityPercent: number; magnetAborts: boolean };
  status: { dockedFullState: number };
  environment: { ambientC: number };
  warranty: { cycleLimit: number };
  /**
   * docs/protocol.md §9: per-unit constant counters (tags 18, 14, 1D) and docs/protocol.md D-28
   * `counters.dayOffset`, the RTC day that tag 17 counts from; −1 (default) means the day of first power-on
   * of each unit's clock.
   */
  counters: { constant18: number; constant14: number; constant1D: number; dayOffset: number };
}

export const DEFAULT_PARAMS: FirmwareParams = {
  session: {
    maxSeconds: 360,
    maxPuffs: 14,
    preheatSeconds: 20,
    timerStartsAt: 'heatingStart',
    countPuffsDuringPreheat: false,
    warningSecondsBeforeEnd: 30,
    warningPuffsBeforeEnd: 0,
    cooldownSeconds: 0,
    dockAborts: true,
    minPuffSeconds: 0.5,
    energyFractionPerUse: 0.95,
  },
  flexPuff: { extraPuffs: 2 },
  pause: { windowSeconds: 480, freezesTimer: true },
  flexBattery: { ecoCeilingPercent: 80 },
  lock: { rejectHaptic: true, persistAcrossReset: true },
  findMy: { maxSeconds: 30 },
  haptics: { pulseMs: 200, gapMs: 150, findMyPatternMs: [500, 500] },
  buttons: { powerHoldSeconds: 4, resetHoldSeconds: 10, startHoldSeconds: 1, multiPressWindowMs: 600 },
  reset: { durationSeconds: 2 },
  holder: {
    idleSleepSeconds: 60,
    recheckSeconds: 5,
    cutoffPercent: 2,
    idleDrainPercentPerHour: 1,
    chargeTimeoutSeconds: 600,
  },
  charger: {
    holderChargesPerFull: 20,
    lowBatteryPercent: 10,
    deepDischargeFirstLightSeconds: 900,
    showLevelSeconds: 3,
    chargeTimeoutMinutes: 240,
    maxChargeTempC: 45,
  },
  lights: { outOfRangeSeconds: 3 },
  battery: {
    vEmptyMv: 3380,
    vFullMv: 4080,
    cvKneePercent: 80,
    selfDischargePercentPerDay: 0.3,
    selfHeatC: 0,
    chargeHeatC: 3,
    sessionHeatC: 5,
  },
  usb: { weakSourceFactor: 0.5 },
  cleaning: { autoEverySticks: 20, durationSeconds: 25, minChargerPercent: 10 },
  heater: {
    tickHz: 1000,
    plateauC: 350,
    rampSeconds: 15,
    maxPowerW: 10,
    heatCapacityJPerK: 0.4,
    lossWPerK: 0.0075,
    puffLossWPerKPerMlS: 0.0004,
    proportionalWPerK: 0.5,
    puffDetectDropC: 4,
    puffDetectMs: 200,
    overTempC: 380,
    reportEveryMs: 1000,
    defaultPuffMs: 2000,
    defaultPuffFlowMlS: 27.5,
  },
  fault: { intensivePuffIntervalS: 8, agedCapacityPercent: 70, magnetAborts: false },
  status: { dockedFullState: 3 },
  environment: { ambientC: 22 },
  warranty: { cycleLimit: 7300 },
  counters: { constant18: 0x0190, constant14: 0x0002, constant1D: 0x0001, dayOffset: -1 },
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : DeepPartial<T[K]> };

/** `base` with `override` laid over it; unknown keys and wrong types are FIRMWARE_PARAM errors. */
export function mergeParams(
  base: FirmwareParams,
  override: DeepPartial<FirmwareParams> | undefined,
): FirmwareParams {
  const out = structuredClone(base);
  if (override) mergeInto(out as unknown as Record<string, unknown>, override as Record<string, unknown>, '');
  return out;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(source)) {
    const here = path ? `${path}.${key}` : key;
    if (!(key in target)) throw new FirmwareError('FIRMWARE_PARAM', `unknown parameter '${here}'`);
    const current = target[key];
    if (value === undefined) continue;
    if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
      if (typeof value !== 'object' || value === null)
        throw new FirmwareError('FIRMWARE_PARAM', `parameter group '${here}' needs an object`);
      mergeInto(current as Record<string, unknown>, value as Record<string, unknown>, here);
    } else {
      if (typeof value !== typeof current || Array.isArray(value) !== Array.isArray(current))
        throw new FirmwareError('FIRMWARE_PARAM', `parameter '${here}' needs a ${typeof current}`);
      if (typeof value === 'number' && !Number.isFinite(value))
        throw new FirmwareError('FIRMWARE_PARAM', `parameter '${here}' must be finite`);
      target[key] = value;
    }
  }
}
