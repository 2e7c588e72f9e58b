/**
 * ATT PDU encoders (Bluetooth Core spec v5.4 Vol 3 Part F §3.4), one typed function per PDU plus
 * `encodeAttPdu` for the whole union. Multi-octet fields are little-endian (§3.3). They throw a
 * ProtocolError (PROTOCOL_RANGE) only on programmer misuse: a field out of range, a list that one
 * length byte or one format byte cannot describe. Import them through att.ts.
 */

import { ProtocolError } from '../errors.js';
import {
  ATT_FIND_INFO_FORMAT_UUID16,
  ATT_FIND_INFO_FORMAT_UUID128,
  ATT_OP_ERROR_RSP,
  ATT_OP_EXCHANGE_MTU_REQ,
  ATT_OP_EXCHANGE_MTU_RSP,
  ATT_OP_FIND_BY_TYPE_VALUE_REQ,
  ATT_OP_FIND_BY_TYPE_VALUE_RSP,
  ATT_OP_FIND_INFORMATION_REQ,
  ATT_OP_FIND_INFORMATION_RSP,
  ATT_OP_HANDLE_VALUE_CFM,
  ATT_OP_HANDLE_VALUE_IND,
  ATT_OP_HANDLE_VALUE_NTF,
  ATT_OP_READ_BLOB_REQ,
  ATT_OP_READ_BLOB_RSP,
  ATT_OP_READ_BY_GROUP_TYPE_REQ,
  ATT_OP_READ_BY_GROUP_TYPE_RSP,
  ATT_OP_READ_BY_TYPE_REQ,
  ATT_OP_READ_BY_TYPE_RSP,
  ATT_OP_READ_REQ,
  ATT_OP_READ_RSP,
  ATT_OP_WRITE_CMD,
  ATT_OP_WRITE_REQ,
  ATT_OP_WRITE_RSP,
  type AttGroupValue,
  type AttHandleRange,
  type AttHandlesInformation,
  type AttHandleUuid,
  type AttHandleValue,
  type AttPdu,
  uuidToAttBytes,
} from './att-pdu.js';

function misuse(message: string): never {
  throw new ProtocolError('PROTOCOL_RANGE', message);
}

/** Builds one PDU front to back; checks every field so a bad argument is caught where it was made. */
class PduWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 1;

  constructor(opcode: number, parameterBytes: number) {
    this.bytes = new Uint8Array(1 + parameterBytes);
    this.view = new DataView(this.bytes.buffer);
    this.bytes[0] = opcode;
  }

  u8(value: number, name: string): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      misuse(`${name} must be 0..0xFF, got ${value}`);
    this.view.setUint8(this.at++, value);
    return this;
  }

  u16(value: number, name: string): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      misuse(`${name} must be 0..0xFFFF, got ${value}`);
    this.view.setUint16(this.at, value, true);
    this.at += 2;
    return this;
  }

  put(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }
}

/** Error Response (§3.4.1.1): the request opcode, the handle in error (0 when none) and the code. */
export function encodeErrorResponse(requestOpcode: number, handle: number, errorCode: number): Uint8Array {
  return new PduWriter(ATT_OP_ERROR_RSP, 4)
    .u8(requestOpcode, 'requestOpcode')
    .u16(handle, 'handle')
    .u8(errorCode, 'errorCode').bytes;
}

/** Exchange MTU Request (§3.4.2.1): the client's receive MTU. */
export function encodeExchangeMtuRequest(clientRxMtu: number): Uint8Array {
  return new PduWriter(ATT_OP_EXCHANGE_MTU_REQ, 2).u16(clientRxMtu, 'clientRxMtu').bytes;
}

/** Exchange MTU Response (§3.4.2.2): the server's receive MTU. */
export function encodeExchangeMtuResponse(serverRxMtu: number): Uint8Array {
  return new PduWriter(ATT_OP_EXCHANGE_MTU_RSP, 2).u16(serverRxMtu, 'serverRxMtu').bytes;
}

function rangeRequest(opcode: number, range: AttHandleRange, tail: Uint8Array): Uint8Array {
  return new PduWriter(opcode, 4 + tail.length)
    .u16(range.startHandle, 'startHandle')
    .u16(range.endHandle, 'endHandle')
    .put(tail).bytes;
}

/** Find Information Request (§3.4.3.1). */
export function encodeFindInformationRequest(range: AttHandleRange): Uint8Array {
  return rangeRequest(ATT_OP_FIND_INFORMATION_REQ, range, new Uint8Array(0));
}

/** Find Information Response (§3.4.3.2): one format for the whole list, so all UUIDs must share a size. */
export function encodeFindInformationResponse(entries: readonly AttHandleUuid[]): Uint8Array {
  const uuids = entries.map((entry) => uuidToAttBytes(entry.uuid));
  const size = uuids[0]?.length ?? misuse('a Find Information Response needs at least one entry');
  if (uuids.some((uuid) => uuid.length !== size))
    misuse('Find Information entries mix 16- and 128-bit UUIDs');
  const format = size === 2 ? ATT_FIND_INFO_FORMAT_UUID16 : ATT_FIND_INFO_FORMAT_UUID128;
  const writer = new PduWriter(ATT_OP_FIND_INFORMATION_RSP, 1 + entries.length * (2 + size)).u8(
    format,
    'format',
  );
  entries.forEach((entry, i) => {
    writer.u16(entry.handle, 'handle').put(uuids[i] as Uint8Array);
  });
  return writer.bytes;
}

/** Find By Type Value Request (§3.4.3.3): the type is always a 16-bit UUID here. */
export function encodeFindByTypeValueRequest(
  range: AttHandleRange,
  attributeType: string | number,
  value: Uint8Array,
): Uint8Array {
  const type = uuidToAttBytes(attributeType);
  if (type.length !== 2) misuse('Find By Type Value takes a 16-bit attribute type');
  const tail = new Uint8Array(2 + value.length);
  tail.set(type);
  tail.set(value, 2);
  return rangeRequest(ATT_OP_FIND_BY_TYPE_VALUE_REQ, range, tail);
}

/** Find By Type Value Response (§3.4.3.4): found handle and group end handle per match. */
export function encodeFindByTypeValueResponse(handles: readonly AttHandlesInformation[]): Uint8Array {
  if (handles.length === 0) misuse('a Find By Type Value Response needs at least one entry');
  const writer = new PduWriter(ATT_OP_FIND_BY_TYPE_VALUE_RSP, handles.length * 4);
  for (const h of handles) writer.u16(h.foundHandle, 'foundHandle').u16(h.groupEndHandle, 'groupEndHandle');
  return writer.bytes;
}

/** Read By Type Request (§3.4.4.1). */
export function encodeReadByTypeRequest(range: AttHandleRange, attributeType: string | number): Uint8Array {
  return rangeRequest(ATT_OP_READ_BY_TYPE_REQ, range, uuidToAttBytes(attributeType));
}

/** Read By Type Response (§3.4.4.2): one length byte, so every value must be the same size (≤ 253). */
export function encodeReadByTypeResponse(entries: readonly AttHandleValue[]): Uint8Array {
  const size = entries[0]?.value.length ?? misuse('a Read By Type Response needs at least one entry');
  if (size > 253 || entries.some((e) => e.value.length !== size))
    misuse('Read By Type values must be equal, ≤ 253 bytes');
  const writer = new PduWriter(ATT_OP_READ_BY_TYPE_RSP, 1 + entries.length * (2 + size)).u8(
    2 + size,
    'length',
  );
  for (const e of entries) writer.u16(e.handle, 'handle').put(e.value);
  return writer.bytes;
}

function handleValue(opcode: number, handle: number, value: Uint8Array): Uint8Array {
  return new PduWriter(opcode, 2 + value.length).u16(handle, 'handle').put(value).bytes;
}

function valueOnly(opcode: number, value: Uint8Array): Uint8Array {
  return new PduWriter(opcode, value.length).put(value).bytes;
}

/** Read Request (§3.4.4.3). */
export function encodeReadRequest(handle: number): Uint8Array {
  return new PduWriter(ATT_OP_READ_REQ, 2).u16(handle, 'handle').bytes;
}

/** Read Response (§3.4.4.4): the value, at most ATT_MTU − 1 bytes (the caller truncates). */
export function encodeReadResponse(value: Uint8Array): Uint8Array {
  return valueOnly(ATT_OP_READ_RSP, value);
}

/** Read Blob Request (§3.4.4.5): read a long value from a byte offset. */
export function encodeReadBlobRequest(handle: number, offsetBytes: number): Uint8Array {
  return new PduWriter(ATT_OP_READ_BLOB_REQ, 4).u16(handle, 'handle').u16(offsetBytes, 'offsetBytes').bytes;
}

/** Read Blob Response (§3.4.4.6). */
export function encodeReadBlobResponse(value: Uint8Array): Uint8Array {
  return valueOnly(ATT_OP_READ_BLOB_RSP, value);
}

/** Read By Group Type Request (§3.4.4.9). */
export function encodeReadByGroupTypeRequest(range: AttHandleRange, groupType: string | number): Uint8Array {
  return rangeRequest(ATT_OP_READ_BY_GROUP_TYPE_REQ, range, uuidToAttBytes(groupType));
}

/** Read By Group Type Response (§3.4.4.10): one length byte, so every value must be the same size (≤ 251). */
export function encodeReadByGroupTypeResponse(entries: readonly AttGroupValue[]): Uint8Array {
  const size = entries[0]?.value.length ?? misuse('a Read By Group Type Response needs at least one entry');
  if (size > 251 || entries.some((e) => e.value.length !== size))
    misuse('group values must be equal, ≤ 251 bytes');
  const writer = new PduWriter(ATT_OP_READ_BY_GROUP_TYPE_RSP, 1 + entries.length * (4 + size));
  writer.u8(4 + size, 'length');
  for (const e of entries)
    writer.u16(e.handle, 'handle').u16(e.endGroupHandle, 'endGroupHandle').put(e.value);
  return writer.bytes;
}

/** Write Request (§3.4.5.1). */
export function encodeWriteRequest(handle: number, value: Uint8Array): Uint8Array {
  return handleValue(ATT_OP_WRITE_REQ, handle, value);
}

/** Write Response (§3.4.5.2): the opcode alone. */
export function encodeWriteResponse(): Uint8Array {
  return Uint8Array.of(ATT_OP_WRITE_RSP);
}

/** Write Command (§3.4.5.3): no response, by design. */
export function encodeWriteCommand(handle: number, value: Uint8Array): Uint8Array {
  return handleValue(ATT_OP_WRITE_CMD, handle, value);
}

/** Handle Value Notification (§3.4.7.1): the value, at most ATT_MTU − 3 bytes (the caller truncates). */
export function encodeHandleValueNotification(handle: number, value: Uint8Array): Uint8Array {
  return handleValue(ATT_OP_HANDLE_VALUE_NTF, handle, value);
}

/** Handle Value Indication (§3.4.7.2): like a notification, but the client must confirm it. */
export function encodeHandleValueIndication(handle: number, value: Uint8Array): Uint8Array {
  return handleValue(ATT_OP_HANDLE_VALUE_IND, handle, value);
}

/** Handle Value Confirmation (§3.4.7.3): the opcode alone. */
export function encodeHandleValueConfirmation(): Uint8Array {
  return Uint8Array.of(ATT_OP_HANDLE_VALUE_CFM);
}

/** Encodes any PDU of the union; the inverse of `decodeAttPdu`. */
export function encodeAttPdu(pdu: AttPdu): Uint8Array {
  switch (pdu.kind) {
    case 'errorResponse':
      return encodeErrorResponse(pdu.requestOpcode, pdu.handle, pdu.errorCode);
    case 'exchangeMtuRequest':
      return encodeExchangeMtuRequest(pdu.clientRxMtu);
    case 'exchangeMtuResponse':
      return encodeExchangeMtuResponse(pdu.serverRxMtu);
    case 'findInformationRequest':
      return encodeFindInformationRequest(pdu);
    case 'findInformationResponse':
      return encodeFindInformationResponse(pdu.entries);
    case 'findByTypeValueRequest':
      return encodeFindByTypeValueRequest(pdu, pdu.attributeType, pdu.value);
    case 'findByTypeValueResponse':
      return encodeFindByTypeValueResponse(pdu.handles);
    case 'readByTypeRequest':
      return encodeReadByTypeRequest(pdu, pdu.attributeType);
    case 'readByTypeResponse':
      return encodeReadByTypeResponse(pdu.entries);
    case 'readRequest':
      return encodeReadRequest(pdu.handle);
    case 'readResponse':
      return encodeReadResponse(pdu.value);
    case 'readBlobRequest':
      return encodeReadBlobRequest(pdu.handle, pdu.offsetBytes);
    case 'readBlobResponse':
      return encodeReadBlobResponse(pdu.value);
    case 'readByGroupTypeRequest':
      return encodeReadByGroupTypeRequest(pdu, pdu.groupType);
    case 'readByGroupTypeResponse':
      return encodeReadByGroupTypeResponse(pdu.entries);
    case 'writeRequest':
      return encodeWriteRequest(pdu.handle, pdu.value);
    case 'writeResponse':
      return encodeWriteResponse();
    case 'writeCommand':
      return encodeWriteCommand(pdu.handle, pdu.value);
    case 'handleValueNotification':
      return encodeHandleValueNotification(pdu.handle, pdu.value);
    case 'handleValueIndication':
      return encodeHandleValueIndication(pdu.handle, pdu.value);
    case 'handleValueConfirmation':
      return encodeHandleValueConfirmation();
  }
}
