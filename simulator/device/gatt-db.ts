/**
 * The attribute database of a GATT server, built from the GATT table as data (Bluetooth Core spec v5.4
 * Vol 3 Part G §3): one service declaration per service (§3.1), then per characteristic its declaration
 * (§3.3.1), its value (§3.3.2) and its Client Characteristic Configuration descriptor (§3.3.3.3) where it
 * notifies. Also the characteristic-declaration codec, which a GATT client needs to read discovery.
 */
import {
  type CharacteristicDef,
  type CharProperty,
  normalizeUuid,
  type ServiceDef,
  sigUuid,
  uuidFromAttBytes,
  uuidToAttBytes,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';

/** GATT attribute types (Vol 3 Part G §3.1, §3.3.1, §3.3.3.3; Assigned Numbers §3.7, §3.8). */
export const PRIMARY_SERVICE_UUID = sigUuid(0x2800);
export const SECONDARY_SERVICE_UUID = sigUuid(0x2801);
export const CHARACTERISTIC_UUID = sigUuid(0x2803);
export const CCCD_UUID = sigUuid(0x2902);

/** Characteristic Properties bits (Vol 3 Part G §3.3.1.1), for the properties the data uses. */
export const CHARACTERISTIC_PROPERTY_BITS: Readonly<Record<CharProperty, number>> = {
  read: 0x02,
  writeWithoutResponse: 0x04,
  write: 0x08,
  notify: 0x10,
};

/** CCCD bit 0 enables notifications, bit 1 indications (Vol 3 Part G §3.3.3.3). */
export const CCCD_NOTIFICATIONS = 0x0001;
export const CCCD_INDICATIONS = 0x0002;

export function encodeCharacteristicProperties(properties: readonly CharProperty[]): number {
  return properties.reduce((byte, property) => byte | CHARACTERISTIC_PROPERTY_BITS[property], 0);
}

/** The properties a byte sets, in the order of the bits; bits outside CharProperty are dropped. */
export function decodeCharacteristicProperties(byte: number): CharProperty[] {
  const order: CharProperty[] = ['read', 'writeWithoutResponse', 'write', 'notify'];
  return order.filter((property) => (byte & CHARACTERISTIC_PROPERTY_BITS[property]) !== 0);
}

export interface CharacteristicDeclaration {
  readonly properties: readonly CharProperty[];
  readonly valueHandle: number;
  readonly uuid: string;
}

/** Characteristic declaration value (Vol 3 Part G §3.3.1): properties, value handle (LE), UUID (2 or 16). */
export function encodeCharacteristicDeclaration(declaration: CharacteristicDeclaration): Uint8Array {
  const uuid = uuidToAttBytes(declaration.uuid);
  const out = new Uint8Array(3 + uuid.length);
  out[0] = encodeCharacteristicProperties(declaration.properties);
  out[1] = declaration.valueHandle & 0xff;
  out[2] = declaration.valueHandle >> 8;
  out.set(uuid, 3);
  return out;
}

/** The inverse of `encodeCharacteristicDeclaration`; undefined unless the value is 5 or 19 bytes. */
export function decodeCharacteristicDeclaration(value: Uint8Array): CharacteristicDeclaration | undefined {
  const uuid = uuidFromAttBytes(value.subarray(3));
  if (value.length < 5 || uuid === undefined) return undefined;
  const valueHandle = (value[1] ?? 0) | ((value[2] ?? 0) << 8);
  return { properties: decodeCharacteristicProperties(value[0] ?? 0), valueHandle, uuid };
}

/** One attribute: handle, type and what it stands for; declarations carry their fixed value. */
export type Attribute =
  | {
      readonly kind: 'service';
      readonly handle: number;
      readonly type: string;
      readonly value: Uint8Array;
      readonly service: ServiceDef;
    }
  | {
      readonly kind: 'declaration';
      readonly handle: number;
      readonly type: string;
      readonly value: Uint8Array;
      readonly characteristic: CharacteristicDef;
    }
  | {
      readonly kind: 'value' | 'cccd';
      readonly handle: number;
      readonly type: string;
      readonly characteristic: CharacteristicDef;
    };

/** A permission-checked read of one attribute: its value, or the ATT error code to answer with. */
export type AttributeRead = { readonly value: Uint8Array } | { readonly error: number };

function bad(message: string): never {
  throw new SimulatorError('SIM_BAD_INPUT', message);
}

/**
 * The attributes of `services` in handle order. Throws SIM_BAD_INPUT on a table no server could expose:
 * a handle outside 0x0001..0xFFFF (§3.2.2 of Part F) or outside its service, a handle used twice.
 */
export function buildAttributeDatabase(services: readonly ServiceDef[]): Attribute[] {
  const attributes: Attribute[] = [];
  const add = (attribute: Attribute, service: ServiceDef): void => {
    const { handle } = attribute;
    if (!Number.isInteger(handle) || handle < service.startHandle || handle > service.endHandle)
      bad(`handle ${handle} lies outside service ${service.uuid}`);
    attributes.push(attribute);
  };
  for (const service of services) {
    if (
      !(service.startHandle >= 1 && service.startHandle <= service.endHandle && service.endHandle <= 0xffff)
    )
      bad(`service ${service.uuid} has a bad handle range`);
    const type = PRIMARY_SERVICE_UUID;
    add(
      { kind: 'service', handle: service.startHandle, type, value: uuidToAttBytes(service.uuid), service },
      service,
    );
    for (const characteristic of service.characteristics) {
      const { declarationHandle, valueHandle, cccdHandle } = characteristic;
      const value = encodeCharacteristicDeclaration(characteristic);
      add(
        { kind: 'declaration', handle: declarationHandle, type: CHARACTERISTIC_UUID, value, characteristic },
        service,
      );
      add(
        { kind: 'value', handle: valueHandle, type: normalizeUuid(characteristic.uuid), characteristic },
        service,
      );
      if (cccdHandle !== undefined)
        add({ kind: 'cccd', handle: cccdHandle, type: CCCD_UUID, characteristic }, service);
    }
  }
  attributes.sort((a, b) => a.handle - b.handle);
  for (let i = 1; i < attributes.length; i++) {
    const handle = attributes[i]?.handle;
    if (handle === attributes[i - 1]?.handle) bad(`handle ${handle} is used twice`);
  }
  return attributes;
}
