/**
 * SCP logical frames (docs/protocol.md §4.2–§4.7): short register frames with a CRC-8 trailer and long table
 * frames with a length byte and a CRC-16 trailer (low byte first). Frames here carry no BLE transport
 * byte and no USB report header; see `ble.ts` and `usb.ts`.
 *
 * The parser fills a caller-owned {@link FrameHeader} and returns a numeric status so that the hot
 * path allocates nothing per frame.
 */
import { crc8, crc16 } from './crc.js';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { isKnownNode } from './nodes.js';

/** Type-byte bits (docs/protocol.md §4.3). */
export const TYPE_RESPONSE = 0x80;
export const TYPE_WRITE = 0x40;
/** Never seen set on a real device; frames carrying it are rejected. */
export const TYPE_RESERVED = 0x20;
export const TYPE_LONG = 0x10;

/** Payload sizes of short-frame length codes 0..3 (docs/protocol.md §4.3). */
export const PAYLOAD_SIZES: readonly number[] = [0, 4, 14, 24];
export type LengthCode = 0 | 1 | 2 | 3;

/** Highest 10-bit register address S (docs/protocol.md §4.4). */
export const MAX_REGISTER = 0x3ff;

/**
 * Where a short frame's CRC-8 sits (docs/protocol.md §4.7, default D-7 `scp.shortCrcPosition`):
 * `last` = the last byte (accepts the 6- and 7-byte firmware-read quirks), `implied` = right after
 * the payload of the length code, `either` = whichever matches.
 */
export type CrcPosition = 'last' | 'implied' | 'either';

/** Status codes of {@link parseFrameInto}; 0 is success. */
export const FrameStatus = {
  OK: 0,
  TRUNCATED: 1,
  LENGTH: 2,
  CRC: 3,
  UNKNOWN_NODE: 4,
  BAD_TYPE: 5,
} as const;
export type FrameStatus = (typeof FrameStatus)[keyof typeof FrameStatus];

const STATUS_CODES: readonly ProtocolErrorCode[] = [
  'PROTOCOL_TRUNCATED',
  'PROTOCOL_TRUNCATED',
  'PROTOCOL_LENGTH',
  'PROTOCOL_CRC',
  'PROTOCOL_UNKNOWN_NODE',
  'PROTOCOL_BAD_TYPE',
];

/** Reusable result of {@link parseFrameInto}. Offsets index the buffer that was parsed. */
export class FrameHeader {
  node = 0;
  type = 0;
  long = false;
  response = false;
  write = false;
  /** Short frames: register address S. */
  address = 0;
  /** Long frames: table id, big-endian as printed (`01 01` → 0x0101). */
  table = 0;
  /** Short frames: the type's length code. */
  lengthCode = 0;
  /** Short: payload after the register byte. Long: table data after the table id. */
  payloadOffset = 0;
  payloadLength = 0;
  /** Short frames: bytes between payload and CRC, accepted by the `last` rule (D-7). */
  extraBytes = 0;
  /** CRC carried by the frame and the CRC its bytes call for. */
  crc = 0;
  expectedCrc = 0;
  /** Bytes present / needed, for TRUNCATED and LENGTH statuses. */
  size = 0;
  neededSize = 0;
}

/** S from the type and register bytes: `(register << 2) | (type & 3)` (docs/protocol.md §4.4). */
export function registerAddress(type: number, registerByte: number): number {
  return (registerByte << 2) | (type & 0x03);
}

/**
 * Parses one logical frame in `bytes[start, end)` into `out`. Checks, in order: size, node, type,
 * CRC, then payload length (a short payload with a valid trailing CRC is PROTOCOL_LENGTH, D-6).
 */
export function parseFrameInto(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: FrameHeader,
  crcPosition: CrcPosition = 'last',
): FrameStatus {
  const size = end - start;
  out.size = size;
  out.neededSize = 4;
  if (size < 4) return FrameStatus.TRUNCATED;
  const node = bytes[start] as number;
  const type = bytes[start + 1] as number;
  out.node = node;
  out.type = type;
  out.response = (type & TYPE_RESPONSE) !== 0;
  out.write = (type & TYPE_WRITE) !== 0;
  out.long = (type & TYPE_LONG) !== 0;
  if (
    !isKnownNode(node) ||
    (out.response ? node === 0xc9 || node === 0xd2 : node === 0x08 || node === 0x90)
  ) {
    return FrameStatus.UNKNOWN_NODE;
  }
  if ((type & TYPE_RESERVED) !== 0) return FrameStatus.BAD_TYPE;
  return out.long ? parseLong(bytes, start, end, out) : parseShort(bytes, start, end, out, crcPosition);
}

function parseShort(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: FrameHeader,
  pos: CrcPosition,
): FrameStatus {
  const type = out.type;
  const lengthCode = (type >> 2) & 0x03;
  const payloadSize = PAYLOAD_SIZES[lengthCode] as number;
  out.lengthCode = lengthCode;
  out.address = registerAddress(type, bytes[start + 2] as number);
  out.table = 0;
  out.payloadOffset = start + 3;
  out.payloadLength = payloadSize;
  out.neededSize = 4 + payloadSize;
  const impliedCrcAt = start + 3 + payloadSize;
  if (pos !== 'implied') {
    out.crc = bytes[end - 1] as number;
    out.expectedCrc = crc8(bytes, start + 1, end - 1);
    if (out.crc === out.expectedCrc) {
      if (impliedCrcAt > end - 1) return FrameStatus.LENGTH;
      out.extraBytes = end - 1 - impliedCrcAt;
      return FrameStatus.OK;
    }
    if (pos === 'last' || impliedCrcAt >= end) return FrameStatus.CRC;
  }
  if (impliedCrcAt >= end) return FrameStatus.TRUNCATED;
  out.crc = bytes[impliedCrcAt] as number;
  out.expectedCrc = crc8(bytes, start + 1, impliedCrcAt);
  out.extraBytes = end - 1 - impliedCrcAt;
  return out.crc === out.expectedCrc ? FrameStatus.OK : FrameStatus.CRC;
}

function parseLong(bytes: Uint8Array, start: number, end: number, out: FrameHeader): FrameStatus {
  if ((out.type & 0x0f) !== 0) return FrameStatus.BAD_TYPE;
  const length = bytes[start + 2] as number;
  const needed = 5 + length;
  out.neededSize = needed;
  out.lengthCode = 0;
  out.address = 0;
  out.extraBytes = 0;
  if (length < 2) return FrameStatus.LENGTH;
  const size = end - start;
  if (size < needed) return FrameStatus.TRUNCATED;
  if (size > needed) return FrameStatus.LENGTH;
  out.table = ((bytes[start + 3] as number) << 8) | (bytes[start + 4] as number);
  out.payloadOffset = start + 5;
  out.payloadLength = length - 2;
  const crcAt = start + 3 + length;
  out.crc = (bytes[crcAt] as number) | ((bytes[crcAt + 1] as number) << 8);
  out.expectedCrc = crc16(bytes, start + 1, crcAt);
  return out.crc === out.expectedCrc ? FrameStatus.OK : FrameStatus.CRC;
}

/** The ProtocolError for a failed {@link parseFrameInto}, with a message naming the numbers. */
export function frameError(status: FrameStatus, h: FrameHeader): ProtocolError {
  const code = STATUS_CODES[status] ?? 'PROTOCOL_LENGTH';
  switch (status) {
    case FrameStatus.CRC: {
      const width = h.long ? 4 : 2;
      const hex = (v: number) => `0x${v.toString(16).toUpperCase().padStart(width, '0')}`;
      return new ProtocolError(
        code,
        `bad CRC-${h.long ? 16 : 8}: frame has ${hex(h.crc)}, expected ${hex(h.expectedCrc)}`,
        {
          expectedCrc: h.expectedCrc,
          actualCrc: h.crc,
        },
      );
    }
    case FrameStatus.TRUNCATED:
      return new ProtocolError(code, `truncated frame: ${h.size} bytes, needs at least ${h.neededSize}`);
    case FrameStatus.LENGTH:
      return h.long
        ? new ProtocolError(
            code,
            `long frame length byte says ${h.neededSize} bytes in all, frame has ${h.size}`,
          )
        : new ProtocolError(
            code,
            `payload shorter than length code ${h.lengthCode} (${PAYLOAD_SIZES[h.lengthCode]} bytes): frame has ${h.size} bytes, needs ${h.neededSize}`,
          );
    case FrameStatus.UNKNOWN_NODE:
      return new ProtocolError(
        code,
        `unknown ${h.response ? 'reply' : 'request'} node 0x${h.node.toString(16).toUpperCase().padStart(2, '0')}`,
        { offset: 0 },
      );
    default:
      return new ProtocolError(
        code,
        `type byte 0x${h.type.toString(16).toUpperCase().padStart(2, '0')} has bits no frame layout allows`,
        { offset: 1 },
      );
  }
}

export interface ShortFrameFields {
  readonly node: number;
  readonly address: number;
  readonly response?: boolean;
  readonly write?: boolean;
  /** 0, 4, 14 or 24 bytes. */
  readonly payload?: Uint8Array;
}

/** Builds a short frame `[node] [type] [S >> 2] [payload] [crc8]`; throws PROTOCOL_RANGE on bad input. */
export function encodeShortFrame(f: ShortFrameFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const lengthCode = PAYLOAD_SIZES.indexOf(payload.length);
  if (lengthCode < 0) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `short-frame payload must be 0, 4, 14 or 24 bytes, got ${payload.length}`,
    );
  }
  checkByte(f.node, 'node');
  if (!Number.isInteger(f.address) || f.address < 0 || f.address > MAX_REGISTER) {
    throw new ProtocolError('PROTOCOL_RANGE', `register address must be 0..0x3FF, got ${f.address}`);
  }
  const out = new Uint8Array(4 + payload.length);
  out[0] = f.node;
  out[1] =
    (f.response ? TYPE_RESPONSE : 0) | (f.write ? TYPE_WRITE : 0) | (lengthCode << 2) | (f.address & 0x03);
  out[2] = f.address >> 2;
  out.set(payload, 3);
  out[out.length - 1] = crc8(out, 1, out.length - 1);
  return out;
}

export interface LongFrameFields {
  readonly node: number;
  readonly table: number;
  readonly response?: boolean;
  readonly write?: boolean;
  readonly data?: Uint8Array;
}

/**
 * Builds a long frame `[node] [type] [L] [table id] [data] [crc16 lo] [crc16 hi]` (docs/protocol.md §4.2).
 */
export function encodeLongFrame(f: LongFrameFields): Uint8Array {
  const data = f.data ?? new Uint8Array(0);
  checkByte(f.node, 'node');
  if (!Number.isInteger(f.table) || f.table < 0 || f.table > 0xffff) {
    throw new ProtocolError('PROTOCOL_RANGE', `table id must be 0..0xFFFF, got ${f.table}`);
  }
  const length = 2 + data.length;
  if (length > 0xff)
    throw new ProtocolError('PROTOCOL_RANGE', `long-frame data too long: ${data.length} bytes`);
  const out = new Uint8Array(5 + length);
  out[0] = f.node;
  out[1] = (f.response ? TYPE_RESPONSE : 0) | (f.write ? TYPE_WRITE : 0) | TYPE_LONG;
  out[2] = length;
  out[3] = f.table >> 8;
  out[4] = f.table & 0xff;
  out.set(data, 5);
  const crc = crc16(out, 1, 3 + length);
  out[3 + length] = crc & 0xff;
  out[4 + length] = crc >> 8;
  return out;
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new ProtocolError('PROTOCOL_RANGE', `${what} must be a byte, got ${value}`);
  }
}
