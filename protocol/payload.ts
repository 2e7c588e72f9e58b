/**
 * Payload layouts: the bytes of one register payload or table body as named fields, decoded and
 * encoded over DataView. Every layout covers every byte (unknown bytes stay as hex fields), so
 * `encode(decode(bytes))` returns the same bytes for every payload size the layout accepts. Derived
 * fields (names, flags, ISO dates) are added on decode and ignored on encode.
 */
import { crc8, RECORD_CHECK_INIT } from './crc.js';
import { ProtocolError } from './errors.js';
import { hexBytes, toHex } from './hex.js';

export type FieldKind = 'u8' | 'u16' | 'u24' | 'u32' | 'hex' | 'latin1';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** Bytes of a `hex`/`latin1` field; `'rest'` = whatever follows (last field only). */
  readonly size?: number | 'rest';
}

type FieldValue<F extends FieldSpec> = F['kind'] extends 'hex' | 'latin1' ? string : number;
export type LayoutValue<L extends readonly FieldSpec[]> = { [F in L[number] as F['name']]: FieldValue<F> };

/** Decoded fields as plain JSON-able data. */
export type Fields = Record<string, unknown>;

export interface PayloadCodec<T extends object = Fields> {
  /** Payload sizes this codec accepts, in bytes; `'any'` for table bodies. */
  readonly sizes: readonly number[] | 'any';
  /** Decodes a payload of an accepted size. */
  decode(payload: Uint8Array): T;
  /** Encodes fields (missing ones are zero); throws PROTOCOL_RANGE on values that do not fit. */
  encode(fields: Partial<T>): Uint8Array;
  /**
   * Every field name `decode` can print, derived ones included: `encodeCommand` refuses any other
   * name in its fields (PROTOCOL_UNKNOWN_FIELD) instead of ignoring it. Absent: names unchecked.
   */
  readonly names?: readonly string[];
}

const WIDTH: Record<FieldKind, number> = { u8: 1, u16: 2, u24: 3, u32: 4, hex: 0, latin1: 0 };

function fieldWidth(f: FieldSpec, remaining: number): number {
  if (f.kind === 'hex' || f.kind === 'latin1') return f.size === 'rest' ? remaining : (f.size ?? 0);
  return WIDTH[f.kind];
}

/**
 * A payload codec from a field list. `sizes` defaults to the fixed size of the fields; a layout whose
 * last field is `'rest'` accepts every listed size and pads with zeros to the smallest one that fits.
 */
export function layout<const L extends readonly FieldSpec[], D extends object = object>(
  fields: L,
  options: { sizes?: readonly number[] | 'any'; derive?: (value: LayoutValue<L>) => D } = {},
): PayloadCodec<LayoutValue<L> & Partial<D>> {
  const fixed = fields.reduce((sum, f) => sum + (f.size === 'rest' ? 0 : fieldWidth(f, 0)), 0);
  const sizes = options.sizes ?? [fixed];
  const derive = options.derive;
  // Derived names come from decoding zeros at the smallest size (a layout decodes any size safely).
  const smallest = sizes === 'any' ? fixed : Math.min(...sizes);
  const derivedNames = derive
    ? Object.keys(derive(decodeFields(fields, new Uint8Array(smallest)) as LayoutValue<L>))
    : [];
  return {
    sizes,
    names: [...fields.map((f) => f.name), ...derivedNames],
    decode(payload) {
      const value = decodeFields(fields, payload) as LayoutValue<L>;
      return (derive ? { ...value, ...derive(value) } : value) as LayoutValue<L> & Partial<D>;
    },
    encode(input) {
      const values = input as Fields;
      const parts = fields.map((f) => encodeField(f, values[f.name]));
      const body = parts.reduce((sum, p) => sum + p.length, 0);
      const size = sizes === 'any' ? body : (sizes.find((s) => s >= body) ?? -1);
      if (size < 0) {
        throw new ProtocolError(
          'PROTOCOL_RANGE',
          `payload of ${body} bytes does not fit sizes ${String(sizes)}`,
        );
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
  };
}

function decodeFields(fields: readonly FieldSpec[], payload: Uint8Array): Fields {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: Fields = {};
  let at = 0;
  for (const f of fields) {
    const width = Math.max(0, Math.min(fieldWidth(f, payload.length - at), payload.length - at));
    out[f.name] = readField(view, payload, at, f.kind, width);
    at += width;
  }
  return out;
}

function readField(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  kind: FieldKind,
  width: number,
): number | string {
  switch (kind) {
    case 'u8':
      return width < 1 ? 0 : view.getUint8(at);
    case 'u16':
      return width < 2 ? 0 : view.getUint16(at, true);
    case 'u24':
      return width < 3 ? 0 : view.getUint16(at, true) | (view.getUint8(at + 2) << 16);
    case 'u32':
      return width < 4 ? 0 : view.getUint32(at, true);
    case 'hex':
      return toHex(bytes.subarray(at, at + width));
    default:
      return String.fromCharCode(...bytes.subarray(at, at + width));
  }
}

function encodeField(f: FieldSpec, value: unknown): Uint8Array {
  if (f.kind === 'hex' || f.kind === 'latin1') {
    const bytes = f.kind === 'hex' ? optionalHex(value) : latin1(value);
    if (f.size === 'rest') return bytes;
    const size = f.size ?? 0;
    if (bytes.length > size) {
      throw new ProtocolError('PROTOCOL_RANGE', `${f.name}: at most ${size} bytes, got ${bytes.length}`);
    }
    const out = new Uint8Array(size);
    out.set(bytes);
    return out;
  }
  const width = WIDTH[f.kind];
  const n = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** (8 * width)) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `${f.name}: must be an integer 0..${2 ** (8 * width) - 1}, got ${String(value)}`,
    );
  }
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) out[i] = Math.floor(n / 2 ** (8 * i)) & 0xff;
  return out;
}

function latin1(value: unknown): Uint8Array {
  const text = value === undefined ? '' : String(value);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new ProtocolError('PROTOCOL_RANGE', `character '${text[i]}' is not one byte`);
    out[i] = code;
  }
  return out;
}

/** Raw payload of any listed size as `payloadHex`: unknown registers and opaque values. */
export function raw(sizes: readonly number[] | 'any' = [0, 4, 14, 24]): PayloadCodec<{ payloadHex: string }> {
  return layout([{ name: 'payloadHex', kind: 'hex', size: 'rest' }], { sizes });
}

/**
 * Config-record writes (docs/protocol.md §7.3) start with an inner check byte: CRC-8 with init 0x44 over the
 * `recordLength` bytes after it. This wraps a layout whose first field is `check` so that encoding
 * without a `check` computes it, and decoding adds `checkValid`.
 */
export function withRecordCheck<T extends { check: number }>(
  codec: PayloadCodec<T>,
  recordLength: number,
): PayloadCodec<T & { checkValid?: boolean }> {
  return {
    sizes: codec.sizes,
    ...(codec.names ? { names: [...codec.names, 'checkValid'] } : {}),
    decode(payload) {
      const value = codec.decode(payload);
      return { ...value, checkValid: value.check === crc8(payload, 1, 1 + recordLength, RECORD_CHECK_INIT) };
    },
    encode(fields) {
      const out = codec.encode(fields);
      if (fields.check === undefined) out[0] = crc8(out, 1, 1 + recordLength, RECORD_CHECK_INIT);
      return out;
    },
  };
}

/** Bytes of an optional hex field: absent or blank is no bytes. */
export function optionalHex(value: unknown): Uint8Array {
  return typeof value === 'string' && value.trim() !== '' ? hexBytes(value) : new Uint8Array(0);
}
