/**
 * Device identity (docs/protocol.md §3.3, §7.6, §7.7, D-20, D-31): product numbers, model number, firmware
 * versions, advertised name and BLE address, generated deterministically from a seed in the
 * observed formats and overridable field by field. A factory reset restores exactly these.
 */

import type { ModelProfile } from '../../firmware-model/index.js';
import { DIS_MANUFACTURER, type ModelInfo } from '../../protocol/index.js';
import { SeededRandom } from '../random.js';

export interface DeviceIdentity {
  /**
   * Charger (C0) product number: `T` + 13 upper-case alphanumerics (docs/protocol.md §7.6). Also the DIS
   * serial.
   */
  chargerProductNumber: string;
  /** Holder (C9) product number (two-piece; one-piece devices answer C9 with their own). */
  holderProductNumber: string;
  /** DIS 2A24 (D-20). */
  modelNumber: string;
  /** `major.minor.patch.build` (docs/protocol.md §7.7). */
  chargerFirmware: string;
  holderFirmware: string;
  /** DIS 2A29 (D-20). */
  manufacturer: string;
  /** Advertised name (docs/protocol.md §2.3), e.g. `IQOS ILUMA i` or `IQOS3_1A2B3C`. */
  name: string;
  /** Random static BLE address, `AA:BB:CC:DD:EE:FF`. */
  address: string;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function productNumber(random: SeededRandom): string {
  let out = 'T';
  for (let i = 0; i < 13; i++) out += ALNUM[random.int(ALNUM.length)];
  return out;
}

function hexByte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

export function generateIdentity(
  profile: ModelProfile,
  seed: number,
  overrides: Partial<DeviceIdentity> = {},
): DeviceIdentity {
  const random = new SeededRandom(seed ^ 0x10c05);
  const chargerProductNumber = productNumber(random);
  const holderProductNumber = productNumber(random);
  const addressBytes = Array.from({ length: 6 }, () => random.int(256));
  // A random static address has its two top bits set (Core spec Vol 6 Part B §1.3.2.1).
  addressBytes[0] = ((addressBytes[0] ?? 0) | 0xc0) & 0xff;
  const address = addressBytes.map(hexByte).join(':');
  const info: ModelInfo = profile.info;
  const name = info.advertisedName.replace('{hex6}', addressBytes.slice(3).map(hexByte).join(''));
  return {
    chargerProductNumber,
    holderProductNumber,
    modelNumber: profile.identity.modelNumber,
    chargerFirmware: profile.identity.chargerFirmware,
    holderFirmware: profile.identity.holderFirmware,
    manufacturer: DIS_MANUFACTURER,
    name,
    address,
    ...overrides,
  };
}

/** DIS 2A28 software revision from the charger firmware (D-20): `IQOS 4.1 SW Charger v135.5.0`. */
export function softwareRevisionString(identity: DeviceIdentity): string {
  const [major = '0', minor = '0', patch = '0'] = identity.chargerFirmware.split('.');
  return `IQOS 4.1 SW Charger v${major}.${minor}.${patch}`;
}
