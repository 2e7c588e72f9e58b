/**
 * Frame-level decode and encode by command: logical frame ⇄ {kind, unit, register/table, command,
 * fields}. Length and CRC are checked once, here, at the frame layer (docs/architecture.md house rule 6).
 */
import { commandByName, findCommand, isGeneric } from './catalogue.js';
import { checkArgumentCount, checkFieldNames } from './command.js';
import { crc8 } from './crc.js';
import { ProtocolError } from './errors.js';
import {
  type CrcPosition,
  encodeLongFrame,
  encodeShortFrame,
  FrameHeader,
  FrameStatus,
  frameError,
  parseFrameInto,
} from './frame.js';
import { toHex } from './hex.js';
import { REPLY_NODE, REQUEST_NODE, type Unit, unitOfReplyNode, unitOfRequestNode } from './nodes.js';
import type { Fields } from './payload.js';

export interface DecodedFrame {
  readonly kind: 'request' | 'response';
  readonly frame: 'short' | 'long';
  readonly nodeByte: number;
  readonly unit: Unit;
  readonly write: boolean;
  /** Short frames: register address S. */
  readonly register?: number;
  /** Long frames: table id. */
  readonly table?: number;
  /** Short frames: length code of the type byte. */
  readonly lengthCode?: number;
  readonly command: string;
  /** False when the frame decoded to a generic command (register or table outside the catalogue). */
  readonly known: boolean;
  readonly fields: Fields;
  readonly payloadHex: string;
  /** Bytes between payload and CRC accepted under D-7 (the 6- and 7-byte firmware reads). */
  readonly extraHex?: string;
  readonly crc: number;
  readonly spec: string;
}

/** What could be read of a frame that failed (CRC or length): enough to say what it was meant to be. */
export interface FrameSummary {
  readonly kind: 'request' | 'response';
  readonly frame: 'short' | 'long';
  readonly nodeByte: number;
  readonly unit?: Unit;
  readonly write: boolean;
  readonly register?: number;
  readonly table?: number;
  readonly command?: string;
  readonly crcValid: boolean;
}

export type FrameDecodeResult =
  | { readonly ok: true; readonly value: DecodedFrame }
  | { readonly ok: false; readonly error: ProtocolError; readonly summary?: FrameSummary };

export interface DecodeOptions {
  /** Where a short frame's CRC sits (D-7); default `last`. */
  readonly crcPosition?: CrcPosition;
}

const header = new FrameHeader();

/** Decodes one logical frame (no transport byte, no USB header). Never throws on bad bytes. */
export function decodeFrame(bytes: Uint8Array, options: DecodeOptions = {}): FrameDecodeResult {
  const status = parseFrameInto(bytes, 0, bytes.length, header, options.crcPosition);
  if (status !== FrameStatus.OK) {
    const error = frameError(status, header);
    if (status !== FrameStatus.CRC && status !== FrameStatus.LENGTH) return { ok: false, error };
    return { ok: false, error, summary: summarize(bytes, status) };
  }
  const h = header;
  const unit = (h.response ? unitOfReplyNode(h.node) : unitOfRequestNode(h.node)) as Unit;
  const payload = bytes.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
  const target = h.long ? h.table : h.address;
  const cmd = findCommand(unit, h.long, target, h.write, h.response, payload);
  const codec = h.response ? cmd.reply : cmd.request;
  const extraAt = h.payloadOffset + h.payloadLength;
  return {
    ok: true,
    value: {
      kind: h.response ? 'response' : 'request',
      frame: h.long ? 'long' : 'short',
      nodeByte: h.node,
      unit,
      write: h.write,
      ...(h.long ? { table: h.table } : { register: h.address, lengthCode: h.lengthCode }),
      command: cmd.name,
      known: !isGeneric(cmd),
      fields: codec.decode(payload),
      payloadHex: toHex(payload),
      ...(h.extraBytes > 0 ? { extraHex: toHex(bytes.subarray(extraAt, extraAt + h.extraBytes)) } : {}),
      crc: h.crc,
      spec: cmd.spec,
    },
  };
}

function summarize(bytes: Uint8Array, status: FrameStatus): FrameSummary {
  const h = header;
  const unit = h.response ? unitOfReplyNode(h.node) : unitOfRequestNode(h.node);
  const base = {
    kind: h.response ? ('response' as const) : ('request' as const),
    frame: h.long ? ('long' as const) : ('short' as const),
    nodeByte: h.node,
    write: h.write,
    crcValid: status !== FrameStatus.CRC,
    ...(unit ? { unit } : {}),
  };
  if (h.long) return { ...base, ...(status === FrameStatus.CRC ? { table: h.table } : {}) };
  // The payload may be cut short (LENGTH): match the command on what is there, zero-filled.
  const payload = new Uint8Array(h.payloadLength);
  payload.set(bytes.subarray(h.payloadOffset, Math.min(h.payloadOffset + h.payloadLength, bytes.length - 1)));
  const command = unit ? findCommand(unit, false, h.address, h.write, h.response, payload).name : undefined;
  return { ...base, register: h.address, ...(command ? { command } : {}) };
}

export interface EncodeOptions {
  /** Unit to address (default: the command's first unit). */
  readonly unit?: Unit;
  /** Build the device's reply instead of the client's request. */
  readonly reply?: boolean;
  /** Positional arguments in the command's CLI syntax (`high`, `on`, an ISO date …). */
  readonly args?: readonly string[];
  /** Payload fields; they override what `args` produced. */
  readonly fields?: Fields;
  /** Generic commands: the register address or table id. */
  readonly address?: number;
  readonly table?: number;
  /** Short requests: bytes between payload and CRC (reproduces the D-7 quirks). */
  readonly extra?: Uint8Array;
}

/** Builds the logical frame of a command's request or reply; throws ProtocolError on bad input. */
export function encodeCommand(name: string, options: EncodeOptions = {}): Uint8Array {
  const cmd = commandByName(name);
  if (!cmd) {
    throw new ProtocolError(
      'PROTOCOL_UNKNOWN_COMMAND',
      `unknown command '${name}' (see 'iqsim encode --help')`,
    );
  }
  const unit = options.unit ?? (cmd.units[0] as Unit);
  if (!cmd.units.includes(unit)) {
    throw new ProtocolError(
      'PROTOCOL_UNKNOWN_COMMAND',
      `${name} is served by ${cmd.units.join('/')}, not by the ${unit}`,
    );
  }
  const parser = options.reply ? cmd.replyArgs : cmd.args;
  const args = options.args ?? [];
  const label = `${name}${options.reply ? ' --reply' : ''}`;
  if (args.length > 0 && !parser) {
    throw new ProtocolError(
      'PROTOCOL_EXCESS_ARGUMENTS',
      `${label} takes no positional arguments (use --fields)`,
    );
  }
  const codec = options.reply ? cmd.reply : cmd.request;
  if (parser) checkArgumentCount(label, parser, args, Object.keys(options.fields ?? {}).length > 0);
  if (options.fields && codec.names)
    checkFieldNames(label, options.fields, [...codec.names, ...Object.keys(cmd.defaults ?? {})]);
  const fields = {
    ...cmd.defaults,
    ...(parser && args.length > 0 ? parser.parse(args) : {}),
    ...options.fields,
  };
  const payload = codec.encode(fields);
  const node = options.reply ? REPLY_NODE[unit] : REQUEST_NODE[unit];
  const table = cmd.table ?? options.table;
  const address = cmd.address ?? options.address;
  if (cmd.table !== undefined || (isGeneric(cmd) && name.endsWith('-table'))) {
    if (table === undefined) throw new ProtocolError('PROTOCOL_RANGE', `${name} needs a table id`);
    return encodeLongFrame({ node, table, response: options.reply, write: cmd.write, data: payload });
  }
  if (address === undefined) throw new ProtocolError('PROTOCOL_RANGE', `${name} needs a register address`);
  const frame = encodeShortFrame({ node, address, response: options.reply, write: cmd.write, payload });
  return options.extra && options.extra.length > 0 ? withExtra(frame, options.extra) : frame;
}

/** Inserts D-7 extra bytes before the CRC and recomputes it over them. */
function withExtra(frame: Uint8Array, extra: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + extra.length);
  out.set(frame.subarray(0, frame.length - 1));
  out.set(extra, frame.length - 1);
  out[out.length - 1] = crc8(out, 1, out.length - 1);
  return out;
}
