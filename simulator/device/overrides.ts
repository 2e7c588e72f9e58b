/**
 * Register overrides: reply payloads a test pins for any SCP register or long table, whatever the
 * firmware model computes (battery %, selectors, counters, clocks …) or a client wrote. An override
 * wins byte for byte on BLE and on USB: the responder answers its bytes instead of the computed
 * ones (docs/protocol.md D-26 `registers.<node>.<S>` and D-25 `tables.<id>`, extended from the opaque
 * registers to every register). Keys are those of the register store (`scp-store.ts`).
 *
 * File form (`iqsim exchange --overrides FILE`, `sim:<model>?overrides=FILE`):
 * `{ "format": "iqsim-overrides", "version": 1, "registers": { "C0.0x90": "38 00 00 00", … } }`.
 */
import { hexBytes, PAYLOAD_SIZES, USB_MAX_FRAME } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import type { RegisterStoreJson } from './scp-store.js';

export const OVERRIDES_FORMAT = 'iqsim-overrides';

/** The file form of a set of overrides. */
export interface RegisterOverridesFile {
  readonly format: typeof OVERRIDES_FORMAT;
  readonly version: 1;
  /** Key (`C0.0x90`, `C9.0x93.01`, `C0.table.0101`) → reply payload as hex. */
  readonly registers: RegisterStoreJson;
}

/**
 * Longest table data an override may carry: the reply frame (node, type, length, table id, data,
 * CRC-16: 7 + n bytes) must fit one 62-byte USB report (docs/protocol.md §5.2) so BLE and USB answer alike.
 */
export const MAX_TABLE_OVERRIDE_BYTES = USB_MAX_FRAME - 7;

const NODES = new Set(['C0', 'C9', 'D2']);
const SHORT_KEY = /^(C0|C9|D2)\.0X([0-9A-F]{1,3})(?:\.([0-9A-F]{1,2}))?$/;
const TABLE_KEY = /^(C0|C9|D2)\.TABLE\.([0-9A-F]{1,4})$/;

function bad(message: string): SimulatorError {
  return new SimulatorError('SIM_OVERRIDES', message);
}

/**
 * The canonical form of an override key (upper-case hex, `0x` prefix, two-digit selector, four-digit
 * table), or throws SIM_OVERRIDES. Register addresses are 10-bit (docs/protocol.md §4.4: S ≤ 0x3FF).
 */
export function canonicalOverrideKey(key: string): string {
  const upper = key.trim().toUpperCase();
  const short = SHORT_KEY.exec(upper);
  if (short) {
    const [, node = '', s = '', sel] = short;
    const address = Number.parseInt(s, 16);
    if (address > 0x3ff) throw bad(`override key '${key}': register S must be at most 0x3FF`);
    const base = `${node}.0x${address.toString(16).toUpperCase().padStart(2, '0')}`;
    return sel === undefined ? base : `${base}.${sel.padStart(2, '0')}`;
  }
  const table = TABLE_KEY.exec(upper);
  if (table) return `${table[1]}.table.${(table[2] ?? '').padStart(4, '0')}`;
  const node = upper.split('.')[0] ?? '';
  throw bad(
    NODES.has(node)
      ? `override key '${key}' is not <node>.0x<S>[.<selector>] or <node>.table.<id>`
      : `override key '${key}' must start with the request node C0, C9 or D2`,
  );
}

/** Checks one override value against its key; returns the canonical hex. */
function checkValue(key: string, value: unknown): string {
  if (typeof value !== 'string') throw bad(`override '${key}' must be a hex string`);
  let bytes: Uint8Array;
  try {
    bytes = value.trim() === '' ? new Uint8Array(0) : hexBytes(value);
  } catch {
    throw bad(`override '${key}' is not hex: '${value}'`);
  }
  if (key.includes('.table.')) {
    if (bytes.length > MAX_TABLE_OVERRIDE_BYTES)
      throw bad(
        `override '${key}' has ${bytes.length} bytes; a table reply carries at most ${MAX_TABLE_OVERRIDE_BYTES}`,
      );
  } else if (!PAYLOAD_SIZES.includes(bytes.length) || bytes.length === 0) {
    // docs/protocol.md §4.3: a short reply's payload is 4, 14 or 24 bytes (length codes 1…3).
    throw bad(`override '${key}' has ${bytes.length} bytes; a register reply carries 4, 14 or 24`);
  }
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Validates a `registers` map (key → hex) and returns it in canonical form; throws SIM_OVERRIDES. */
export function checkOverrides(registers: unknown): RegisterStoreJson {
  if (typeof registers !== 'object' || registers === null || Array.isArray(registers))
    throw bad('overrides must be an object of key → hex payload');
  const out: RegisterStoreJson = {};
  for (const [key, value] of Object.entries(registers)) {
    const canonical = canonicalOverrideKey(key);
    if (canonical in out) throw bad(`override key '${key}' repeats '${canonical}'`);
    out[canonical] = checkValue(key, value);
  }
  return out;
}

/**
 * Reads the JSON of an overrides file (`RegisterOverridesFile`) or a bare key → hex map; throws
 * SIM_OVERRIDES naming the first problem.
 */
export function parseOverrides(json: unknown): RegisterStoreJson {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad('an overrides file is a JSON object');
  const record = json as Record<string, unknown>;
  if (!('format' in record)) return checkOverrides(record);
  if (record.format !== OVERRIDES_FORMAT || record.version !== 1)
    throw bad(`an overrides file has format '${OVERRIDES_FORMAT}' and version 1`);
  for (const key of Object.keys(record))
    if (key !== 'format' && key !== 'version' && key !== 'registers')
      throw bad(`unknown field '${key}' in an overrides file (format, version, registers)`);
  return checkOverrides(record.registers);
}
