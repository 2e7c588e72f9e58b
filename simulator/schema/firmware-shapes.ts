/**
 * The firmware model's vocabulary as TypeBox pieces, shared by the state-file format
 * (snapshot-format.ts) and the scenario format (scenario/format-parts.ts): the names of the holder and
 * charger states, light patterns and colours, and the settings object. Each list is keyed by the
 * firmware model's own type, so a new state, pattern, colour or setting fails to compile here until
 * it is listed, and both formats pick it up.
 */
import { type TSchema, Type } from 'typebox';
import type {
  ChargerStateName,
  HolderStateName,
  LightColour,
  LightPattern,
  Settings,
  VibrationFlags,
} from '../../firmware-model/index.js';
import { keysOf, oneOfStrings } from './shapes.js';

export const HOLDER_STATES = keysOf<HolderStateName>({
  OFF: 1,
  DOCKED_CHARGING: 1,
  DOCKED_READY: 1,
  DOCKED_UNCHARGED: 1,
  CLEANING: 1,
  IDLE_READY: 1,
  IDLE_EMPTY: 1,
  SLEEP: 1,
  TEMP_OUT_OF_RANGE: 1,
  PREHEAT: 1,
  SESSION_ACTIVE: 1,
  SESSION_WARNING: 1,
  PAUSED: 1,
  SESSION_END: 1,
  COOLDOWN: 1,
  ERROR: 1,
  RESETTING: 1,
});
export const CHARGER_STATES = keysOf<ChargerStateName>({
  OFF: 1,
  DEEP_DISCHARGED: 1,
  STANDBY: 1,
  SHOW_LEVEL: 1,
  USB_CHARGING: 1,
  USB_CHARGED: 1,
  TEMP_OUT_OF_RANGE: 1,
  ERROR: 1,
  RESETTING: 1,
});
export const PATTERNS = keysOf<LightPattern>({
  off: 1,
  steady: 1,
  blink: 1,
  pulse: 1,
  blinkN: 1,
  progressive: 1,
});
export const COLOURS = keysOf<LightColour>({ none: 1, white: 1, green: 1, orange: 1, red: 1, yellow: 1 });

const bool = Type.Boolean();

/** The vibration flags of the settings, each a boolean. */
export const VIBRATION_PROPERTIES = {
  heatingStart: bool,
  startingToUse: bool,
  puffEnd: bool,
  manuallyTerminated: bool,
  chargeStart: bool,
} satisfies Record<keyof VibrationFlags, TSchema>;

/**
 * The properties of the settings object: `brightness` for the two brightness levels (a value in a
 * state file, a value or a range match in a scenario) and `vibration` for the flags (all of them in
 * a state file, any of them in a scenario).
 */
export const settingsProperties = (
  brightness: TSchema,
  vibration: TSchema,
): Record<keyof Settings, TSchema> => ({
  chargerBrightness: brightness,
  holderBrightness: brightness,
  vibration,
  autoStart: bool,
  smartGesture: bool,
  flexPuff: bool,
  pauseMode: bool,
  flexBattery: oneOfStrings(['performance', 'eco'] as const),
  lock: bool,
});
