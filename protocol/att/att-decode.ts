/**
 * ATT PDU decoder (Bluetooth Core spec v5.4 Vol 3 Part F §3.3, §3.4), the inverse of the encoders in
 * att-encode.ts; import it through att.ts. It never throws: bytes from the air are untrusted, so every
 * malformed PDU is an error result (docs/architecture.md house rule 7). It checks only what the PDU itself
 * says (sizes, length fields, formats); whether a handle exists or a PDU fits the negotiated ATT_MTU is for
 * the receiver to judge.
 */
import { ProtocolError, type ProtocolErrorCode, type Result } from '../errors.js';
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
  type AttHandlesInformation,
  type AttHandleUuid,
  type AttHandleValue,
  type AttPdu,
  uuidFromAttBytes,
} from './att-pdu.js';

function fail(code: ProtocolErrorCode, message: string, offset?: number): Result<AttPdu> {
  return { ok: false, error: new ProtocolError(code, message, offset === undefined ? {} : { offset }) };
}

function ok(value: AttPdu): Result<AttPdu> {
  return { ok: true, value };
}

/** The length a PDU must have, as text for messages, and whether `n` bytes meet it. */
interface LengthRule {
  readonly ok: (n: number) => boolean;
  readonly min: number;
  readonly text: string;
}

const exactly = (size: number): LengthRule => ({ ok: (n) => n === size, min: size, text: `${size}` });
const atLeast = (size: number): LengthRule => ({ ok: (n) => n >= size, min: size, text: `≥ ${size}` });
/** Range requests carry a 16-bit or a 128-bit UUID (§3.4.4.1, §3.4.4.9): 7 or 21 bytes. */
const RANGE_WITH_UUID: LengthRule = { ok: (n) => n === 7 || n === 21, min: 7, text: '7 or 21' };

const RULES: ReadonlyMap<number, LengthRule> = new Map([
  [ATT_OP_ERROR_RSP, exactly(5)],
  [ATT_OP_EXCHANGE_MTU_REQ, exactly(3)],
  [ATT_OP_EXCHANGE_MTU_RSP, exactly(3)],
  [ATT_OP_FIND_INFORMATION_REQ, exactly(5)],
  [ATT_OP_FIND_INFORMATION_RSP, atLeast(6)],
  [ATT_OP_FIND_BY_TYPE_VALUE_REQ, atLeast(7)],
  [ATT_OP_FIND_BY_TYPE_VALUE_RSP, atLeast(5)],
  [ATT_OP_READ_BY_TYPE_REQ, RANGE_WITH_UUID],
  [ATT_OP_READ_BY_TYPE_RSP, atLeast(4)],
  [ATT_OP_READ_REQ, exactly(3)],
  [ATT_OP_READ_RSP, atLeast(1)],
  [ATT_OP_READ_BLOB_REQ, exactly(5)],
  [ATT_OP_READ_BLOB_RSP, atLeast(1)],
  [ATT_OP_READ_BY_GROUP_TYPE_REQ, RANGE_WITH_UUID],
  [ATT_OP_READ_BY_GROUP_TYPE_RSP, atLeast(6)],
  [ATT_OP_WRITE_REQ, atLeast(3)],
  [ATT_OP_WRITE_RSP, exactly(1)],
  [ATT_OP_WRITE_CMD, atLeast(3)],
  [ATT_OP_HANDLE_VALUE_NTF, atLeast(3)],
  [ATT_OP_HANDLE_VALUE_IND, atLeast(3)],
  [ATT_OP_HANDLE_VALUE_CFM, exactly(1)],
]);

/** Splits `bytes[from..]` into records of `size` bytes; undefined when they do not divide evenly. */
function records(bytes: Uint8Array, from: number, size: number): Uint8Array[] | undefined {
  if (size <= 0 || (bytes.length - from) % size !== 0) return undefined;
  const out: Uint8Array[] = [];
  for (let at = from; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

/** Decodes one ATT PDU. Unknown opcodes are PROTOCOL_UNKNOWN_COMMAND; bad sizes PROTOCOL_TRUNCATED/LENGTH. */
export function decodeAttPdu(bytes: Uint8Array): Result<AttPdu> {
  if (bytes.length === 0) return fail('PROTOCOL_TRUNCATED', 'empty ATT PDU', 0);
  const opcode = bytes[0] ?? 0;
  const rule = RULES.get(opcode);
  const name = `ATT opcode 0x${opcode.toString(16).padStart(2, '0')}`;
  if (!rule) return fail('PROTOCOL_UNKNOWN_COMMAND', `unsupported ${name}`, 0);
  const n = bytes.length;
  if (!rule.ok(n)) {
    return fail(
      n < rule.min ? 'PROTOCOL_TRUNCATED' : 'PROTOCOL_LENGTH',
      `${name}: ${n} bytes, want ${rule.text}`,
    );
  }
  const handle = u16(bytes, 1);
  const range = { startHandle: handle, endHandle: u16(bytes, 3) };
  const tail = (from: number): Uint8Array => bytes.slice(from);
  switch (opcode) {
    case ATT_OP_ERROR_RSP:
      return ok({
        kind: 'errorResponse',
        requestOpcode: bytes[1] ?? 0,
        handle: u16(bytes, 2),
        errorCode: bytes[4] ?? 0,
      });
    case ATT_OP_EXCHANGE_MTU_REQ:
      return ok({ kind: 'exchangeMtuRequest', clientRxMtu: handle });
    case ATT_OP_EXCHANGE_MTU_RSP:
      return ok({ kind: 'exchangeMtuResponse', serverRxMtu: handle });
    case ATT_OP_FIND_INFORMATION_REQ:
      return ok({ kind: 'findInformationRequest', ...range });
    case ATT_OP_FIND_INFORMATION_RSP:
      return decodeFindInformationResponse(bytes);
    case ATT_OP_FIND_BY_TYPE_VALUE_REQ:
      return ok({
        kind: 'findByTypeValueRequest',
        ...range,
        attributeType: uuidAt(bytes, 5, 7),
        value: tail(7),
      });
    case ATT_OP_FIND_BY_TYPE_VALUE_RSP: {
      const list = records(bytes, 1, 4);
      if (!list)
        return fail('PROTOCOL_LENGTH', `${name}: handle list of ${n - 1} bytes is not 4-byte records`);
      const handles: AttHandlesInformation[] = list.map((r) => ({
        foundHandle: u16(r, 0),
        groupEndHandle: u16(r, 2),
      }));
      return ok({ kind: 'findByTypeValueResponse', handles });
    }
    case ATT_OP_READ_BY_TYPE_REQ:
      return ok({ kind: 'readByTypeRequest', ...range, attributeType: uuidAt(bytes, 5) });
    case ATT_OP_READ_BY_TYPE_RSP: {
      const list = lengthPrefixed(bytes, 2, name);
      if (!Array.isArray(list)) return list;
      const entries: AttHandleValue[] = list.map((r) => ({ handle: u16(r, 0), value: r.slice(2) }));
      return ok({ kind: 'readByTypeResponse', entries });
    }
    case ATT_OP_READ_REQ:
      return ok({ kind: 'readRequest', handle });
    case ATT_OP_READ_RSP:
      return ok({ kind: 'readResponse', value: tail(1) });
    case ATT_OP_READ_BLOB_REQ:
      return ok({ kind: 'readBlobRequest', handle, offsetBytes: u16(bytes, 3) });
    case ATT_OP_READ_BLOB_RSP:
      return ok({ kind: 'readBlobResponse', value: tail(1) });
    case ATT_OP_READ_BY_GROUP_TYPE_REQ:
      return ok({ kind: 'readByGroupTypeRequest', ...range, groupType: uuidAt(bytes, 5) });
    case ATT_OP_READ_BY_GROUP_TYPE_RSP: {
      const list = lengthPrefixed(bytes, 4, name);
      if (!Array.isArray(list)) return list;
      const entries: AttGroupValue[] = list.map((r) => ({
        handle: u16(r, 0),
        endGroupHandle: u16(r, 2),
        value: r.slice(4),
      }));
      return ok({ kind: 'readByGroupTypeResponse', entries });
    }
    case ATT_OP_WRITE_REQ:
      return ok({ kind: 'writeRequest', handle, value: tail(3) });
    case ATT_OP_WRITE_RSP:
      return ok({ kind: 'writeResponse' });
    case ATT_OP_WRITE_CMD:
      return ok({ kind: 'writeCommand', handle, value: tail(3) });
    case ATT_OP_HANDLE_VALUE_NTF:
      return ok({ kind: 'handleValueNotification', handle, value: tail(3) });
    case ATT_OP_HANDLE_VALUE_IND:
      return ok({ kind: 'handleValueIndication', handle, value: tail(3) });
    case ATT_OP_HANDLE_VALUE_CFM:
      return ok({ kind: 'handleValueConfirmation' });
    default:
      return fail('PROTOCOL_UNKNOWN_COMMAND', `unsupported ${name}`, 0); // unreachable: RULES lists the opcodes
  }
}

/** The UUID in `bytes[from..to]`; the length rules above guarantee it is 2 or 16 bytes. */
function uuidAt(bytes: Uint8Array, from: number, to = bytes.length): string {
  return uuidFromAttBytes(bytes.subarray(from, to)) ?? '';
}

/**
 * The records of a response led by a length byte (§3.4.4.2, §3.4.4.10): each record is handle(s) plus
 * a value, all `length` bytes, so a length below `headerBytes` or a ragged list is malformed.
 */
function lengthPrefixed(bytes: Uint8Array, headerBytes: number, name: string): Uint8Array[] | Result<AttPdu> {
  const length = bytes[1] ?? 0;
  if (length < headerBytes)
    return fail('PROTOCOL_LENGTH', `${name}: record length ${length} < ${headerBytes}`, 1);
  if (bytes.length < 2 + length)
    return fail('PROTOCOL_TRUNCATED', `${name}: no complete ${length}-byte record`);
  return records(bytes, 2, length) ?? fail('PROTOCOL_LENGTH', `${name}: list is not ${length}-byte records`);
}

/** Find Information Response (§3.4.3.2): format 1 = 16-bit UUIDs (4-byte records), 2 = 128-bit (18). */
function decodeFindInformationResponse(bytes: Uint8Array): Result<AttPdu> {
  const format = bytes[1] ?? 0;
  const size =
    format === ATT_FIND_INFO_FORMAT_UUID16 ? 4 : format === ATT_FIND_INFO_FORMAT_UUID128 ? 18 : undefined;
  if (size === undefined) return fail('PROTOCOL_FRAMING', `Find Information Response: format ${format}`, 1);
  if (bytes.length < 2 + size)
    return fail('PROTOCOL_TRUNCATED', 'Find Information Response: no complete record');
  const list = records(bytes, 2, size);
  if (!list) return fail('PROTOCOL_LENGTH', `Find Information Response: list is not ${size}-byte records`);
  const entries: AttHandleUuid[] = list.map((r) => ({ handle: u16(r, 0), uuid: uuidAt(r, 2) }));
  return ok({ kind: 'findInformationResponse', entries });
}
