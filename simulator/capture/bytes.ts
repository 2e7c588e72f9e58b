/**
 * Byte helpers shared by the binary capture formats: a growable writer, results with a place, and
 * address text ⇄ the little-endian bytes HCI carries.
 */
import { SimulatorError, type SimulatorErrorCode, type SimulatorErrorDetails } from '../errors.js';

export type CaptureResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SimulatorError };

export const okResult = <T>(value: T): CaptureResult<T> => ({ ok: true, value });

export function errorResult<T>(
  code: SimulatorErrorCode,
  message: string,
  details: SimulatorErrorDetails,
): CaptureResult<T> {
  return { ok: false, error: new SimulatorError(code, message, details) };
}

/** A little- or big-endian writer into a buffer that grows as needed. */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  constructor(private readonly littleEndian = true) {}

  private room(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, at + bytes));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + bytes;
    return at;
  }

  u8(value: number): this {
    this.view.setUint8(this.room(1), value);
    return this;
  }
  u16(value: number): this {
    this.view.setUint16(this.room(2), value, this.littleEndian);
    return this;
  }
  u32(value: number): this {
    this.view.setUint32(this.room(4), value, this.littleEndian);
    return this;
  }
  i32(value: number): this {
    this.view.setInt32(this.room(4), value, this.littleEndian);
    return this;
  }
  i64(value: bigint): this {
    this.view.setBigInt64(this.room(8), value, this.littleEndian);
    return this;
  }
  bytes(data: Uint8Array): this {
    const at = this.room(data.length);
    this.buffer.set(data, at);
    return this;
  }
  /** Zero bytes up to the next multiple of `unit`. */
  pad(unit: number): this {
    this.room((unit - (this.length % unit)) % unit);
    return this;
  }
  /** Overwrites a u32 written earlier (a length known only at the end of a block). */
  setU32(at: number, value: number): this {
    this.view.setUint32(at, value, this.littleEndian);
    return this;
  }
  done(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** `AA:BB:CC:DD:EE:FF` as the 6 bytes HCI carries, least significant (FF) first; undefined if malformed. */
export function addressBytes(address: string): Uint8Array | undefined {
  const parts = address.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9A-Fa-f]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts.reverse().map((p) => Number.parseInt(p, 16)));
}

/** The 6 HCI address bytes (least significant first) as `AA:BB:CC:DD:EE:FF`. */
export function addressText(bytes: Uint8Array): string {
  return [...bytes]
    .reverse()
    .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
    .join(':');
}
