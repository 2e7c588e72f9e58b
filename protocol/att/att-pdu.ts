/**
 * The vocabulary of the ATT codec (Bluetooth Core spec v5.4 Vol 3 Part F §3.3, §3.4): opcodes, error
 * codes, the PDU union and how UUIDs travel. Import it through att.ts.
 */
import { normalizeUuid, sigUuid, uuidFromLittleEndian, uuidToLittleEndian } from '../gatt.js';

// Opcodes (§3.4.8).
export const ATT_OP_ERROR_RSP = 0x01;
export const ATT_OP_EXCHANGE_MTU_REQ = 0x02;
export const ATT_OP_EXCHANGE_MTU_RSP = 0x03;
export const ATT_OP_FIND_INFORMATION_REQ = 0x04;
export const ATT_OP_FIND_INFORMATION_RSP = 0x05;
export const ATT_OP_FIND_BY_TYPE_VALUE_REQ = 0x06;
export const ATT_OP_FIND_BY_TYPE_VALUE_RSP = 0x07;
export const ATT_OP_READ_BY_TYPE_REQ = 0x08;
export const ATT_OP_READ_BY_TYPE_RSP = 0x09;
export const ATT_OP_READ_REQ = 0x0a;
export const ATT_OP_READ_RSP = 0x0b;
export const ATT_OP_READ_BLOB_REQ = 0x0c;
export const ATT_OP_READ_BLOB_RSP = 0x0d;
export const ATT_OP_READ_BY_GROUP_TYPE_REQ = 0x10;
export const ATT_OP_READ_BY_GROUP_TYPE_RSP = 0x11;
export const ATT_OP_WRITE_REQ = 0x12;
export const ATT_OP_WRITE_RSP = 0x13;
export const ATT_OP_WRITE_CMD = 0x52;
export const ATT_OP_HANDLE_VALUE_NTF = 0x1b;
export const ATT_OP_HANDLE_VALUE_IND = 0x1d;
export const ATT_OP_HANDLE_VALUE_CFM = 0x1e;
/** Command Flag of an opcode (§3.3.1): set on PDUs that get no response, so unknown ones are ignored. */
export const ATT_COMMAND_FLAG = 0x40;

// Error codes (§3.4.1.1).
export const ATT_ERROR_INVALID_HANDLE = 0x01;
export const ATT_ERROR_READ_NOT_PERMITTED = 0x02;
export const ATT_ERROR_WRITE_NOT_PERMITTED = 0x03;
export const ATT_ERROR_INVALID_PDU = 0x04;
export const ATT_ERROR_INSUFFICIENT_AUTHENTICATION = 0x05;
export const ATT_ERROR_REQUEST_NOT_SUPPORTED = 0x06;
export const ATT_ERROR_INVALID_OFFSET = 0x07;
export const ATT_ERROR_ATTRIBUTE_NOT_FOUND = 0x0a;
export const ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH = 0x0d;
export const ATT_ERROR_UNLIKELY_ERROR = 0x0e;
export const ATT_ERROR_INSUFFICIENT_ENCRYPTION = 0x0f;
export const ATT_ERROR_UNSUPPORTED_GROUP_TYPE = 0x10;

/** Find Information Response formats (§3.4.3.2): handle + 16-bit UUID, or handle + 128-bit UUID. */
export const ATT_FIND_INFO_FORMAT_UUID16 = 0x01;
export const ATT_FIND_INFO_FORMAT_UUID128 = 0x02;

export interface AttHandleRange {
  readonly startHandle: number;
  readonly endHandle: number;
}
/** UUIDs are lower-case 128-bit text (`normalizeUuid`), whatever their size on the wire. */
export interface AttHandleUuid {
  readonly handle: number;
  readonly uuid: string;
}
export interface AttHandlesInformation {
  readonly foundHandle: number;
  readonly groupEndHandle: number;
}
export interface AttHandleValue {
  readonly handle: number;
  readonly value: Uint8Array;
}
export interface AttGroupValue {
  readonly handle: number;
  readonly endGroupHandle: number;
  readonly value: Uint8Array;
}

/** Every PDU of the codec, discriminated by `kind`. */
export type AttPdu =
  | {
      readonly kind: 'errorResponse';
      readonly requestOpcode: number;
      readonly handle: number;
      readonly errorCode: number;
    }
  | { readonly kind: 'exchangeMtuRequest'; readonly clientRxMtu: number }
  | { readonly kind: 'exchangeMtuResponse'; readonly serverRxMtu: number }
  | ({ readonly kind: 'findInformationRequest' } & AttHandleRange)
  | { readonly kind: 'findInformationResponse'; readonly entries: readonly AttHandleUuid[] }
  | ({
      readonly kind: 'findByTypeValueRequest';
      readonly attributeType: string;
      readonly value: Uint8Array;
    } & AttHandleRange)
  | { readonly kind: 'findByTypeValueResponse'; readonly handles: readonly AttHandlesInformation[] }
  | ({ readonly kind: 'readByTypeRequest'; readonly attributeType: string } & AttHandleRange)
  | { readonly kind: 'readByTypeResponse'; readonly entries: readonly AttHandleValue[] }
  | { readonly kind: 'readRequest'; readonly handle: number }
  | { readonly kind: 'readResponse'; readonly value: Uint8Array }
  | { readonly kind: 'readBlobRequest'; readonly handle: number; readonly offsetBytes: number }
  | { readonly kind: 'readBlobResponse'; readonly value: Uint8Array }
  | ({ readonly kind: 'readByGroupTypeRequest'; readonly groupType: string } & AttHandleRange)
  | { readonly kind: 'readByGroupTypeResponse'; readonly entries: readonly AttGroupValue[] }
  | { readonly kind: 'writeRequest'; readonly handle: number; readonly value: Uint8Array }
  | { readonly kind: 'writeResponse' }
  | { readonly kind: 'writeCommand'; readonly handle: number; readonly value: Uint8Array }
  | { readonly kind: 'handleValueNotification'; readonly handle: number; readonly value: Uint8Array }
  | { readonly kind: 'handleValueIndication'; readonly handle: number; readonly value: Uint8Array }
  | { readonly kind: 'handleValueConfirmation' };

export type AttPduKind = AttPdu['kind'];
export type AttPduOf<K extends AttPduKind> = Extract<AttPdu, { kind: K }>;

const SIG_BASE_UUID = /^0000([0-9a-f]{4})-0000-1000-8000-00805f9b34fb$/;

/**
 * A UUID as ATT carries it (§3.2.1, Vol 3 Part B §2.5.1): 2 bytes when it is a 16-bit alias of the
 * Bluetooth Base UUID, else all 16 bytes little-endian. 32-bit aliases travel as 128-bit in ATT.
 */
export function uuidToAttBytes(uuid: string | number): Uint8Array {
  const text = normalizeUuid(uuid);
  const short = SIG_BASE_UUID.exec(text);
  if (!short) return uuidToLittleEndian(text);
  const value = Number.parseInt(short[1] as string, 16);
  return Uint8Array.of(value & 0xff, value >> 8);
}

/** The UUID text of 2 or 16 ATT bytes, or undefined for any other length. */
export function uuidFromAttBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length === 2) return sigUuid((bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8));
  if (bytes.length === 16) return normalizeUuid(uuidFromLittleEndian(bytes));
  return undefined;
}
