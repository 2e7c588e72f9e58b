/**
 * The SCP register store: raw payload bytes the device keeps for registers the firmware model does
 * not drive (docs/protocol.md D-26 `registers.<node>.<S>`, D-25 `tables.<id>`) and the bytes clients wrote
 * (D-15: written bytes are stored as-is). Keys name the request node, so a snapshot reads like the
 * configuration parameters: `C0.0x01`, `C9.0x13.04`, `C0.table.0002`.
 */
import { hexBytes, REQUEST_NODE, toHex, type Unit } from '../../protocol/index.js';

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** Key of a short register, with the selector (argument byte 0) where the register is keyed by one. */
export function registerKey(unit: Unit, address: number, selector?: number): string {
  const base = `${hex2(REQUEST_NODE[unit])}.0x${hex2(address)}`;
  return selector === undefined ? base : `${base}.${hex2(selector)}`;
}

/** Key of a long table (`00 02` → `C0.table.0002`). */
export function tableKey(unit: Unit, table: number): string {
  return `${hex2(REQUEST_NODE[unit])}.table.${table.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Plain-JSON form: key → upper-case spaced hex (an empty blob is ""). */
export type RegisterStoreJson = Record<string, string>;

export class RegisterStore {
  private readonly values = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    return this.values.get(key);
  }

  /** Stores a copy, so later changes to the caller's buffer do not leak in. */
  set(key: string, bytes: Uint8Array): void {
    this.values.set(key, Uint8Array.from(bytes));
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  delete(key: string): boolean {
    return this.values.delete(key);
  }

  clear(): void {
    this.values.clear();
  }

  get size(): number {
    return this.values.size;
  }

  keys(): string[] {
    return [...this.values.keys()].sort();
  }

  toJSON(): RegisterStoreJson {
    const out: RegisterStoreJson = {};
    for (const key of this.keys()) out[key] = toHex(this.values.get(key) ?? new Uint8Array(0));
    return out;
  }

  /** Replaces the contents with a `toJSON()` result; throws ProtocolError on text that is not hex. */
  load(json: RegisterStoreJson): void {
    const next = new Map<string, Uint8Array>();
    for (const [key, hex] of Object.entries(json)) {
      next.set(key, hex.trim() === '' ? new Uint8Array(0) : hexBytes(hex));
    }
    this.values.clear();
    for (const [key, bytes] of next) this.values.set(key, bytes);
  }
}
