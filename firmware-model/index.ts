/** The firmware model layer: model profiles, parameters, and the sans-IO device firmware. */
export { FirmwareError, type FirmwareErrorCode } from './errors.js';
export {
  type CountersView,
  Firmware,
  type FirmwareOptions,
  type FirmwareProbe,
  type FirmwareSnapshot,
  type ProbeReadings,
} from './firmware.js';
export { HeaterFault, HeaterLoop, HeaterStop, nominalSessionEnergyJ } from './heater.js';
export { DEFAULT_PARAMS, type DeepPartial, type FirmwareParams, mergeParams } from './params.js';
export {
  allProfiles,
  getProfile,
  type LightFamily,
  type ModelProfile,
  type ProfileIdentity,
  resolveParams,
} from './profiles.js';
export { SETTING_NAMES } from './settings.js';
export type { InitialConditions } from './state.js';
export {
  type ChargerStateName,
  type ChargerUnit,
  type Counters,
  END_REASON,
  type ExperienceRecord,
  FAULT_NAMES,
  type FaultName,
  type FirmwareEvent,
  type FirmwareInput,
  type FirmwareInputField,
  type FirmwareInputOf,
  type FirmwareInputType,
  type FirmwareState,
  HEATING_STATES,
  type HolderStateName,
  type HolderUnit,
  type Light,
  type LightColour,
  type LightPattern,
  type SessionRecord,
  type SettingName,
  type Settings,
  type UnitName,
  type UsbPower,
  type VibrationFlags,
} from './types.js';
export {
  AMBIENT_RANGE_C,
  checkInput,
  INPUT_RANGES,
  type NumberRange,
  rangeProblem,
} from './validate.js';
export type { BatteryView, StatusView } from './views.js';
