/**
 * One-call decoding of captured bytes as a person pastes them: a BLE value (transport byte(s) and a
 * frame, multi-packet values concatenated), a USB report, a bare logical frame, or a characteristic
 * value (battery, status, advertising). Returns plain JSON-able items; used by `iqsim decode`.
 */
import { BlePacketAssembler, DEFAULT_ATT_MTU, TRANSPORT_LAST, TRANSPORT_MORE } from './ble.js';
import { decodeAdvertising } from './characteristics/advertising.js';
import { decodeBatteryRecord } from './characteristics/battery.js';
import { decodeStatusRecord } from './characteristics/status.js';
import { type DecodeOptions, decodeFrame } from './codec.js';
import { fail, type ProtocolError, type Result } from './errors.js';
import { toHex } from './hex.js';
import type { Fields } from './payload.js';
import { decodeUsbReport } from './usb.js';

export type InputTransport = 'ble' | 'usb' | 'frame';
export type CharacteristicKind = 'battery' | 'status' | 'adv';

export interface InspectOptions extends DecodeOptions {
  readonly transport?: InputTransport;
  /** Decode as a characteristic value instead of an SCP frame. */
  readonly char?: CharacteristicKind;
  /** ATT MTU the BLE packets were cut at (default 23). */
  readonly mtu?: number;
}

export interface InspectedItem {
  readonly hex: string;
  readonly kind: 'request' | 'response' | 'battery' | 'status' | 'adv' | 'unknown';
  readonly node: 'charger' | 'holder' | 'flexpuff' | null;
  readonly nodeByte?: string;
  readonly frame?: 'short' | 'long';
  readonly write?: boolean;
  readonly register?: number | null;
  readonly table?: string;
  readonly command?: string | null;
  readonly known?: boolean;
  readonly fields?: Fields;
  readonly logicalHex?: string;
  readonly extraHex?: string;
  readonly crcValid: boolean;
  readonly spec?: string;
  readonly error?: ReturnType<ProtocolError['toJSON']>;
}

/** Logical frame of BLE bytes: packets of `mtu - 3` bytes each, transport byte first. */
export function bleBytesToFrame(bytes: Uint8Array, mtu = DEFAULT_ATT_MTU): Result<Uint8Array> {
  if (bytes.length === 0) return fail('PROTOCOL_TRUNCATED', 'no bytes');
  if (bytes[0] !== TRANSPORT_LAST && bytes[0] !== TRANSPORT_MORE) {
    return fail(
      'PROTOCOL_FRAMING',
      `BLE value must start with transport byte 00 or 01, got ${toHex(bytes.subarray(0, 1))}`,
      { offset: 0 },
    );
  }
  // A single packet (T = 00) may carry extra bytes (D-7), so it is taken whole.
  const packetSize = bytes[0] === TRANSPORT_LAST ? bytes.length : mtu - 3;
  const assembler = new BlePacketAssembler({ maxFrameBytes: 255 });
  for (let at = 0; at < bytes.length; at += packetSize) {
    const result = assembler.push(bytes.subarray(at, Math.min(bytes.length, at + packetSize)));
    if (result && (!result.ok || at + packetSize >= bytes.length)) return result;
    if (result?.ok) return fail('PROTOCOL_LENGTH', `bytes after the last packet (offset ${at + packetSize})`);
  }
  return fail('PROTOCOL_TRUNCATED', 'the last packet (transport byte 00) is missing');
}

export function inspectBytes(bytes: Uint8Array, options: InspectOptions = {}): InspectedItem {
  const hex = toHex(bytes);
  if (options.char) return inspectCharacteristic(hex, bytes, options.char);
  const transport = options.transport ?? 'ble';
  const logical =
    transport === 'ble'
      ? bleBytesToFrame(bytes, options.mtu)
      : transport === 'usb'
        ? decodeUsbReport(bytes)
        : ({ ok: true, value: bytes } as const);
  if (!logical.ok)
    return { hex, kind: 'unknown', node: null, crcValid: false, error: logical.error.toJSON() };
  const logicalHex = toHex(logical.value);
  const result = decodeFrame(logical.value, options);
  if (!result.ok) {
    const s = result.summary;
    return {
      hex,
      kind: s?.kind ?? 'unknown',
      node: s?.unit ?? null,
      ...(s ? { nodeByte: toHex(Uint8Array.of(s.nodeByte)), frame: s.frame, write: s.write } : {}),
      register: s?.register ?? null,
      command: s?.command ?? null,
      logicalHex,
      crcValid: s?.crcValid ?? false,
      error: result.error.toJSON(),
    };
  }
  const f = result.value;
  return {
    hex,
    kind: f.kind,
    node: f.unit,
    nodeByte: toHex(Uint8Array.of(f.nodeByte)),
    frame: f.frame,
    write: f.write,
    register: f.register ?? null,
    ...(f.table === undefined ? {} : { table: toHex(Uint8Array.of(f.table >> 8, f.table & 0xff)) }),
    command: f.command,
    known: f.known,
    fields: f.fields,
    logicalHex,
    ...(f.extraHex ? { extraHex: f.extraHex } : {}),
    crcValid: true,
    spec: f.spec,
  };
}

function inspectCharacteristic(hex: string, bytes: Uint8Array, char: CharacteristicKind): InspectedItem {
  const result: Result<object> =
    char === 'battery'
      ? decodeBatteryRecord(bytes)
      : char === 'status'
        ? decodeStatusRecord(bytes)
        : decodeAdvertising(bytes);
  if (!result.ok) return { hex, kind: char, node: null, crcValid: true, error: result.error.toJSON() };
  return { hex, kind: char, node: null, fields: result.value as Fields, crcValid: true };
}
