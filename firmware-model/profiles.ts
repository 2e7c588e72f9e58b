/**
 * Model profiles as data (docs/device.md §1, §2, §3, §4.2, §6, §13, §14). Documented values carry
 * a † in the spec and are fixed here; every default is a parameter the caller can override through
 * `FirmwareParams` (the profile only changes a parameter where the spec gives a per-model value).
 */
import { type Capability, findModel, MODELS, type ModelId, type ModelInfo } from '../protocol/index.js';
import { FirmwareError } from './errors.js';
import { DEFAULT_PARAMS, type DeepPartial, type FirmwareParams, mergeParams } from './params.js';

/** Which light and haptic vocabulary a model speaks (docs/device.md §3.2). */
export type LightFamily = 'iqos-2.4' | 'iqos-3' | 'iluma' | 'iluma-one';

export interface ModelProfile {
  readonly id: ModelId;
  readonly info: ModelInfo;
  readonly parts: 'holder+charger' | 'one-piece';
  readonly heater: 'blade' | 'induction';
  readonly lightFamily: LightFamily;
  /**
   * Uses per holder charge (two-piece) or per device charge (one-piece), docs/device.md §1 /
   * docs/device.md §4.2.
   */
  readonly usesPerCharge: number;
  /**
   * Seconds to recharge each successive use from empty, docs/device.md §1 († where documented, else the ILUMA
   * default).
   */
  readonly holderRechargeSeconds: readonly number[];
  /** Full charge of the charger (or one-piece) from empty on USB, minutes (docs/device.md §4.2). */
  readonly fullChargeMinutes: number;
  /** Operating ambient range, °C (`ambient.range`, docs/device.md §14). */
  readonly ambientMinC: number;
  readonly ambientMaxC: number;
  /**
   * Automatic cleaning every `cleaning.autoEverySticks` (blade two-piece except 3 DUO, docs/device.md §6).
   */
  readonly autoClean: boolean;
  /** Start by stick insertion when Auto Start is on (the ILUMA family, docs/device.md §2.1). */
  readonly stickStarts: boolean;
  readonly capabilities: readonly Capability[];
  /** Find My is ignored on ILUMA i ONE (docs/protocol.md D-29). */
  readonly findMy: boolean;
  readonly identity: ProfileIdentity;
}

export interface ProfileIdentity {
  readonly modelNumber: string;
  readonly chargerFirmware: string;
  readonly holderFirmware: string;
  readonly advertisedName: string;
}

interface ProfileRow {
  readonly heater: ModelProfile['heater'];
  readonly lightFamily: LightFamily;
  readonly usesPerCharge: number;
  readonly holderRechargeSeconds: readonly number[];
  readonly fullChargeMinutes: number;
  readonly ambient: readonly [number, number];
  readonly autoClean: boolean;
  readonly firmware: readonly [string, string];
  readonly params?: DeepPartial<FirmwareParams>;
  /** The model ignores Find My requests (`ModelProfile.findMy` false). */
  readonly ignoresFindMy?: true;
}

/** ILUMA two-piece recharge, copied from 3 DUO (`model.iluma.holderRecharge`, D). */
const ILUMA_RECHARGE = [110, 205] as const;
/**
 * Firmware versions of the public record (docs/protocol.md §7.7), the default for every model
 * (docs/protocol.md D-31).
 */
const ILUMA_FW = ['135.5.0.33', '124.6.0.114'] as const;
const LEGACY_FW = ILUMA_FW;
const ILUMA_SESSION = { session: { warningPuffsBeforeEnd: 2 } };

/** One row per model of the protocol's model table: a model added there fails to compile here. */
const ROWS: Readonly<Record<ModelId, ProfileRow>> = {
  'iqos-2.4-plus': {
    heater: 'blade',
    lightFamily: 'iqos-2.4',
    usesPerCharge: 1,
    holderRechargeSeconds: [250],
    fullChargeMinutes: 90,
    ambient: [10, 40],
    autoClean: true,
    firmware: LEGACY_FW,
  },
  'iqos-3': {
    heater: 'blade',
    lightFamily: 'iqos-3',
    usesPerCharge: 1,
    holderRechargeSeconds: [210],
    fullChargeMinutes: 120,
    ambient: [0, 50],
    autoClean: true,
    firmware: LEGACY_FW,
  },
  'iqos-3-duo': {
    heater: 'blade',
    lightFamily: 'iqos-3',
    usesPerCharge: 2,
    holderRechargeSeconds: [110, 205],
    fullChargeMinutes: 120,
    ambient: [0, 50],
    autoClean: false,
    firmware: LEGACY_FW,
  },
  'iqos-3-multi': {
    heater: 'blade',
    lightFamily: 'iqos-3',
    usesPerCharge: 10,
    holderRechargeSeconds: [],
    fullChargeMinutes: 75,
    ambient: [0, 50],
    autoClean: false,
    firmware: LEGACY_FW,
  },
  iluma: row2(),
  'iluma-prime': row2(),
  'iluma-one': {
    heater: 'induction',
    lightFamily: 'iluma-one',
    usesPerCharge: 20,
    holderRechargeSeconds: [],
    fullChargeMinutes: 90,
    ambient: [0, 40],
    autoClean: false,
    firmware: ILUMA_FW,
    params: ILUMA_SESSION,
  },
  'iluma-i': row2(),
  'iluma-i-prime': row2(),
  'iluma-i-one': {
    heater: 'induction',
    lightFamily: 'iluma',
    usesPerCharge: 20,
    holderRechargeSeconds: [],
    fullChargeMinutes: 120,
    ambient: [0, 40],
    autoClean: false,
    firmware: ILUMA_FW,
    params: ILUMA_SESSION,
    ignoresFindMy: true,
  },
};

function row2(): ProfileRow {
  return {
    heater: 'induction',
    lightFamily: 'iluma',
    usesPerCharge: 2,
    holderRechargeSeconds: ILUMA_RECHARGE,
    fullChargeMinutes: 120,
    ambient: [0, 40],
    autoClean: false,
    firmware: ILUMA_FW,
    params: ILUMA_SESSION,
  };
}

/** The profile of a model id as `--model` spells it; FIRMWARE_UNKNOWN_MODEL names the known ones. */
export function getProfile(id: string): ModelProfile {
  const info = findModel(id);
  if (!info) {
    throw new FirmwareError(
      'FIRMWARE_UNKNOWN_MODEL',
      `unknown model '${id}'; known: ${MODELS.map((m) => m.id).join(', ')}`,
    );
  }
  const row = ROWS[info.id];
  return {
    id: info.id,
    info,
    parts: info.form === 'one-piece' ? 'one-piece' : 'holder+charger',
    heater: row.heater,
    lightFamily: row.lightFamily,
    usesPerCharge: row.usesPerCharge,
    holderRechargeSeconds: row.holderRechargeSeconds,
    fullChargeMinutes: row.fullChargeMinutes,
    ambientMinC: row.ambient[0],
    ambientMaxC: row.ambient[1],
    autoClean: row.autoClean,
    stickStarts: row.heater === 'induction',
    capabilities: info.capabilities,
    findMy: !row.ignoresFindMy,
    identity: {
      modelNumber: info.disModelNumber,
      chargerFirmware: row.firmware[0],
      holderFirmware: row.firmware[1],
      advertisedName: info.advertisedName,
    },
  };
}

/** Every model profile, in the order of the protocol's model list. */
export function allProfiles(): ModelProfile[] {
  return MODELS.map((m) => getProfile(m.id));
}

/** Deep-freezes a plain-data tree (objects and arrays), so one copy can be shared safely. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** Resolved parameters without overrides, one per model (`sharedParams`). */
const SHARED_PARAMS = new Map<string, FirmwareParams>();

/**
 * The model's parameters with no overrides: one deep-frozen object per model, shared by every
 * `Firmware` made without `params`, so a fleet of 100,000 devices holds one copy instead of 100,000.
 */
export function sharedParams(profile: ModelProfile): FirmwareParams {
  let params = SHARED_PARAMS.get(profile.id);
  if (params === undefined) {
    params = deepFreeze(resolveParams(profile));
    SHARED_PARAMS.set(profile.id, params);
  }
  return params;
}

/** The model's parameters: spec defaults, then the model's documented values, then the caller's overrides. */
export function resolveParams(profile: ModelProfile, override?: DeepPartial<FirmwareParams>): FirmwareParams {
  return mergeParams(mergeParams(DEFAULT_PARAMS, ROWS[profile.id].params), override);
}
