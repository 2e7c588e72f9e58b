/**
 * Battery characteristic `f8a54120` (docs/protocol.md §3.4): u16 LE flags, then only the fields whose bit is
 * set, in bit order; no padding, no CRC. Simple clients depend on the exact length (7 bytes = holder in
 * the case on two-piece devices, 6 bytes otherwise).
 */
import { fail, ok, ProtocolError, type Result } from '../errors.js';

export interface BatteryRecord {
  /** Raw flags; bits above 8 are kept but carry no field. */
  readonly flags: number;
  readonly chargerLevelPct?: number;
  readonly chargerTempC?: number;
  readonly chargerVoltageMv?: number;
  readonly holder1LevelPct?: number;
  readonly holder1TempC?: number;
  readonly holder1VoltageMv?: number;
  readonly holder2LevelPct?: number;
  readonly holder2TempC?: number;
  readonly holder2VoltageMv?: number;
}

type BatteryField = Exclude<keyof BatteryRecord, 'flags'>;

/** Field per flag bit 0..8 and its width in bytes. */
const BATTERY_FIELDS: readonly (readonly [BatteryField, 1 | 2])[] = [
  ['chargerLevelPct', 1],
  ['chargerTempC', 1],
  ['chargerVoltageMv', 2],
  ['holder1LevelPct', 1],
  ['holder1TempC', 1],
  ['holder1VoltageMv', 2],
  ['holder2LevelPct', 1],
  ['holder2TempC', 1],
  ['holder2VoltageMv', 2],
];

export function decodeBatteryRecord(bytes: Uint8Array): Result<BatteryRecord> {
  if (bytes.length < 2)
    return fail('PROTOCOL_TRUNCATED', `battery record needs 2 flag bytes, got ${bytes.length}`);
  const flags = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const out: Record<string, number> = { flags };
  let at = 2;
  for (let bit = 0; bit < BATTERY_FIELDS.length; bit++) {
    if ((flags & (1 << bit)) === 0) continue;
    const [name, width] = BATTERY_FIELDS[bit] as (typeof BATTERY_FIELDS)[number];
    if (at + width > bytes.length) {
      return fail(
        'PROTOCOL_TRUNCATED',
        `battery record ends inside ${name} (flags 0x${flags.toString(16)}, ${bytes.length} bytes)`,
      );
    }
    out[name] =
      width === 1 ? (bytes[at] as number) : (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    at += width;
  }
  if (at !== bytes.length) {
    return fail(
      'PROTOCOL_LENGTH',
      `battery record has ${bytes.length - at} bytes after its last flagged field`,
    );
  }
  return ok(out as unknown as BatteryRecord);
}

/**
 * Encodes a record. Without `flags`, the flags are the bits of the fields present; with `flags`, every
 * flagged field must be present.
 */
export function encodeBatteryRecord(
  record: Omit<BatteryRecord, 'flags'> & { readonly flags?: number },
): Uint8Array {
  const flags =
    record.flags ??
    BATTERY_FIELDS.reduce((acc, [name], bit) => (record[name] === undefined ? acc : acc | (1 << bit)), 0);
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) {
    throw new ProtocolError('PROTOCOL_RANGE', `battery flags must be 0..0xFFFF, got ${flags}`);
  }
  const bytes: number[] = [flags & 0xff, flags >> 8];
  BATTERY_FIELDS.forEach(([name, width], bit) => {
    if ((flags & (1 << bit)) === 0) return;
    const value = record[name];
    if (value === undefined || !Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
      throw new ProtocolError(
        'PROTOCOL_RANGE',
        `${name} must be an integer that fits ${width} byte(s), got ${String(value)}`,
      );
    }
    bytes.push(value & 0xff);
    if (width === 2) bytes.push(value >> 8);
  });
  return Uint8Array.from(bytes);
}
