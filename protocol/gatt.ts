/**
 * GATT table as data (docs/protocol.md §3.1, §3.2 handle map, §3.6 static values). Value handles of the IQOS
 * service were observed on an ILUMA i ONE; the rest follow the inferred layout (declaration, value,
 * CCCD = value + 1 where the characteristic notifies).
 */
import { ProtocolError } from './errors.js';

export const IQOS_SERVICE_UUID = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
export const SCP_CHAR_UUID = 'e16c6e20-b041-11e4-a4c3-0002a5d5c51b';
export const BATTERY_CHAR_UUID = 'f8a54120-b041-11e4-9be7-0002a5d5c51b';
export const STATUS_CHAR_UUID = 'ecdfa4c0-b041-11e4-8b67-0002a5d5c51b';
export const DEVICE_INFO_SERVICE_UUID = '0000180a-0000-1000-8000-00805f9b34fb';

export type CharProperty = 'read' | 'write' | 'writeWithoutResponse' | 'notify';

export interface CharacteristicDef {
  readonly uuid: string;
  readonly name: string;
  readonly properties: readonly CharProperty[];
  readonly declarationHandle: number;
  readonly valueHandle: number;
  /** Present when the characteristic notifies. */
  readonly cccdHandle?: number;
  /** Static value where one is known (docs/protocol.md §3.6). */
  readonly staticValueHex?: string;
}

export interface ServiceDef {
  readonly uuid: string;
  readonly name: string;
  readonly startHandle: number;
  readonly endHandle: number;
  readonly characteristics: readonly CharacteristicDef[];
}

/** A 16-bit SIG UUID in its 128-bit form. */
export function sigUuid(short: number): string {
  return `0000${short.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;
}

function char(
  short: number | string,
  name: string,
  properties: readonly CharProperty[],
  valueHandle: number,
  staticValueHex?: string,
): CharacteristicDef {
  return {
    uuid: typeof short === 'number' ? sigUuid(short) : short,
    name,
    properties,
    declarationHandle: valueHandle - 1,
    valueHandle,
    ...(properties.includes('notify') ? { cccdHandle: valueHandle + 1 } : {}),
    ...(staticValueHex ? { staticValueHex } : {}),
  };
}

/** The services of an IQOS device in handle order (docs/protocol.md §3.2). */
export const GATT_SERVICES: readonly ServiceDef[] = [
  {
    uuid: sigUuid(0x1800),
    name: 'Generic Access',
    startHandle: 0x0001,
    endHandle: 0x0007,
    characteristics: [
      char(0x2a00, 'Device Name', ['read'], 0x0003),
      char(0x2a01, 'Appearance', ['read'], 0x0005),
      char(0x2a04, 'Peripheral Preferred Connection Parameters', ['read'], 0x0007),
    ],
  },
  {
    uuid: sigUuid(0x1801),
    name: 'Generic Attribute',
    startHandle: 0x0008,
    endHandle: 0x000b,
    characteristics: [char(0x2a05, 'Service Changed', ['notify'], 0x000a)],
  },
  {
    uuid: DEVICE_INFO_SERVICE_UUID,
    name: 'Device Information',
    startHandle: 0x000c,
    endHandle: 0x0014,
    characteristics: [
      char(0x2a24, 'Model Number String', ['read'], 0x000e),
      char(0x2a25, 'Serial Number String', ['read'], 0x0010),
      char(0x2a28, 'Software Revision String', ['read'], 0x0012),
      char(0x2a29, 'Manufacturer Name String', ['read'], 0x0014),
    ],
  },
  {
    uuid: IQOS_SERVICE_UUID,
    name: 'IQOS (RRP_SERVICE)',
    startHandle: 0x0015,
    endHandle: 0x002a,
    characteristics: [
      char(SCP_CHAR_UUID, 'SCP_CONTROL_POINT', ['write', 'notify'], 0x0017),
      char(BATTERY_CHAR_UUID, 'DEVICE_BATTERY_CHAR', ['read', 'notify'], 0x001a),
      char(STATUS_CHAR_UUID, 'DEVICE_STATUS_CHAR', ['read', 'notify'], 0x001d),
      char(
        '0aff6f80-b042-11e4-9b66-0002a5d5c51b',
        'unknown static value',
        ['read', 'writeWithoutResponse'],
        0x0020,
        '02 03 05 03 00 0F 01 00 00 02 01 24 F7 00 F7 00',
      ),
      char('fe272aa0-b041-11e4-87cb-0002a5d5c51b', 'FW_UPGRADE_CONTROL', ['read'], 0x0022),
      char(
        '04941060-b042-11e4-8bf6-0002a5d5c51b',
        'unknown',
        ['read', 'write', 'writeWithoutResponse'],
        0x0024,
        '00 00 00 00',
      ),
      char('15c32c40-b042-11e4-a643-0002a5d5c51b', 'FW_UPGRADE_STATUS', ['notify'], 0x0026, '00'),
      char('77f38a30-2b2c-489a-be71-29e93a04a90a', 'unknown (ILUMA i ONE)', ['notify'], 0x0029),
    ],
  },
];

/**
 * Normalises a UUID as Web Bluetooth does: lower-case 128-bit text; a number or a 4/8-hex-digit
 * string is a SIG alias. Throws PROTOCOL_RANGE on anything else.
 */
export function normalizeUuid(uuid: string | number): string {
  if (typeof uuid === 'number') return sigUuid(uuid);
  const text = uuid.toLowerCase();
  if (/^[0-9a-f]{4}$/.test(text)) return sigUuid(Number.parseInt(text, 16));
  if (/^[0-9a-f]{8}$/.test(text)) return `${text}-0000-1000-8000-00805f9b34fb`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) return text;
  throw new ProtocolError('PROTOCOL_RANGE', `not a UUID: '${uuid}'`);
}

/** The 16 bytes of a 128-bit UUID in little-endian order, as in AD structures. */
export function uuidToLittleEndian(uuid: string): Uint8Array {
  const hex = normalizeUuid(uuid).replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[15 - i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function uuidFromLittleEndian(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 15; i >= 0; i--) hex += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
