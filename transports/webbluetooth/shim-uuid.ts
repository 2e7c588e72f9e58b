/**
 * Shim part: `BluetoothUUID` (Web Bluetooth §6.1) and the canonicalisers the other parts use.
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type { ShimBase, ShimUuids } from './shim-types.js';

export function createShimUuids(base: ShimBase): ShimUuids {
  const { illegal } = base;
  // Numbers are aliases; strings are lower-case 128-bit UUIDs or GATT names (Chromium's subset).
  const BASE_UUID_SUFFIX = '-0000-1000-8000-00805f9b34fb';
  const VALID_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const SERVICE_NAMES = new Map<string, number>([
    ['generic_access', 0x1800],
    ['generic_attribute', 0x1801],
    ['immediate_alert', 0x1802],
    ['link_loss', 0x1803],
    ['tx_power', 0x1804],
    ['current_time', 0x1805],
    ['device_information', 0x180a],
    ['heart_rate', 0x180d],
    ['battery_service', 0x180f],
    ['human_interface_device', 0x1812],
    ['environmental_sensing', 0x181a],
    ['user_data', 0x181c],
  ]);
  const CHARACTERISTIC_NAMES = new Map<string, number>([
    ['gap.device_name', 0x2a00],
    ['gap.appearance', 0x2a01],
    ['gap.peripheral_preferred_connection_parameters', 0x2a04],
    ['gatt.service_changed', 0x2a05],
    ['tx_power_level', 0x2a07],
    ['battery_level', 0x2a19],
    ['system_id', 0x2a23],
    ['model_number_string', 0x2a24],
    ['serial_number_string', 0x2a25],
    ['firmware_revision_string', 0x2a26],
    ['hardware_revision_string', 0x2a27],
    ['software_revision_string', 0x2a28],
    ['manufacturer_name_string', 0x2a29],
    ['heart_rate_measurement', 0x2a37],
    ['pnp_id', 0x2a50],
  ]);
  const DESCRIPTOR_NAMES = new Map<string, number>([
    ['gatt.characteristic_extended_properties', 0x2900],
    ['gatt.characteristic_user_description', 0x2901],
    ['gatt.client_characteristic_configuration', 0x2902],
    ['gatt.server_characteristic_configuration', 0x2903],
    ['gatt.characteristic_presentation_format', 0x2904],
  ]);
  const canonicalUUID = (alias: number): string =>
    (Number(alias) >>> 0).toString(16).padStart(8, '0') + BASE_UUID_SUFFIX;
  const resolveUuid = (
    name: unknown,
    names: Map<string, number>,
    kind: 'Service' | 'Characteristic' | 'Descriptor',
    example: string,
  ): string => {
    if (typeof name === 'number') return canonicalUUID(name);
    const text = String(name);
    if (VALID_UUID.test(text)) return text;
    const alias = names.get(text);
    if (alias !== undefined) return canonicalUUID(alias);
    throw new TypeError(
      `Failed to execute 'get${kind}' on 'BluetoothUUID': Invalid ${kind} name: '${text}'. It must be a ` +
        "valid UUID alias (e.g. 0x1234), UUID (lowercase hex characters e.g. '00001234-0000-1000-8000-" +
        "00805f9b34fb'), or recognized standard name from https://www.bluetooth.com/specifications/gatt/" +
        `${kind.toLowerCase()}s e.g. '${example}'.`,
    );
  };
  const getService = (name: unknown) => resolveUuid(name, SERVICE_NAMES, 'Service', 'alert_notification');
  const getCharacteristic = (name: unknown) =>
    resolveUuid(name, CHARACTERISTIC_NAMES, 'Characteristic', 'aerobic_heart_rate_lower_limit');
  const getDescriptor = (name: unknown) =>
    resolveUuid(name, DESCRIPTOR_NAMES, 'Descriptor', 'gatt.characteristic_presentation_format');

  class BluetoothUUID {
    constructor(given?: unknown) {
      illegal(given);
    }
    static getService(name: unknown): string {
      return getService(name);
    }
    static getCharacteristic(name: unknown): string {
      return getCharacteristic(name);
    }
    static getDescriptor(name: unknown): string {
      return getDescriptor(name);
    }
    static canonicalUUID(alias: number): string {
      return canonicalUUID(alias);
    }
  }

  return { BluetoothUUID, getService, getCharacteristic, getDescriptor };
}
