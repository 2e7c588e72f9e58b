/**
 * The values behind the GATT table of docs/protocol.md §3: Device Information strings from the identity, the
 * battery and status records from the firmware, static values from the table itself.
 */
import type { Firmware } from '../../firmware-model/index.js';
import {
  BATTERY_CHAR_UUID,
  encodeDisString,
  GATT_SERVICES,
  hexBytes,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  sigUuid,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import { type DeviceIdentity, softwareRevisionString } from './identity.js';
import { batteryValue, statusValue } from './records.js';

function valueHandle(uuid: string): number {
  for (const service of GATT_SERVICES)
    for (const c of service.characteristics) if (c.uuid === uuid) return c.valueHandle;
  throw new SimulatorError('SIM_BAD_INPUT', `no characteristic ${uuid} in the GATT table`);
}

export const HANDLES = {
  scp: valueHandle(SCP_CHAR_UUID),
  battery: valueHandle(BATTERY_CHAR_UUID),
  status: valueHandle(STATUS_CHAR_UUID),
  modelNumber: valueHandle(sigUuid(0x2a24)),
  serialNumber: valueHandle(sigUuid(0x2a25)),
  softwareRevision: valueHandle(sigUuid(0x2a28)),
  manufacturer: valueHandle(sigUuid(0x2a29)),
  deviceName: valueHandle(sigUuid(0x2a00)),
} as const;

/**
 * The value a read of `handle` returns (the status record is marked read by the caller, docs/device.md §2.2).
 */
export function gattValue(handle: number, identity: DeviceIdentity, firmware: Firmware): Uint8Array {
  switch (handle) {
    case HANDLES.modelNumber:
      return encodeDisString(identity.modelNumber);
    case HANDLES.serialNumber:
      return encodeDisString(identity.chargerProductNumber);
    case HANDLES.softwareRevision:
      return encodeDisString(softwareRevisionString(identity));
    case HANDLES.manufacturer:
      return encodeDisString(identity.manufacturer);
    case HANDLES.deviceName:
      return encodeDisString(identity.name);
    case HANDLES.battery:
      return batteryValue(firmware.battery());
    case HANDLES.status:
      return statusValue(firmware.status());
  }
  for (const service of GATT_SERVICES)
    for (const c of service.characteristics)
      if (c.valueHandle === handle) return c.staticValueHex ? hexBytes(c.staticValueHex) : new Uint8Array(0);
  return new Uint8Array(0);
}
