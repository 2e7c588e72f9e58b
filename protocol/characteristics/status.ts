/**
 * Device-status characteristic `ecdfa4c0` (docs/protocol.md §3.5, default D-19): u16 LE flags, then the
 * fields whose bit is set, in order. Bits 2 and 7 share one ambient byte. Error and warning bytes are kept
 * as numbers (they look like OR-able flags) with their flag names alongside.
 */
import { fail, ok, ProtocolError, type Result } from '../errors.js';

export const CHARGER_STATES: Readonly<Record<number, string>> = { 1: 'charging', 2: 'charged' };
export const HOLDER_STATES: Readonly<Record<number, string>> = {
  1: 'charging',
  2: 'charged',
  3: 'ready to use',
  4: 'cleaning',
  5: 'uncharged',
};
export const HOLDER_CONNECTIONS = [
  'fully connected',
  'RX pin not connected',
  'TX pin not connected',
  'not connected',
];
export const AMBIENT_STATES = ['in range', 'too low', 'too high', 'in range'];
export const END_OF_HEAT_REASONS = [
  'no data',
  'heating in progress',
  'end of profile',
  'user action',
  'heater temperature above limit',
  'heater power out of range',
  'low battery voltage',
  'system fault',
  'pull (puff) limitation',
  'ambient temperature too high',
  'excessive variations in heater measurements',
];
export const CHARGER_SYSTEM_ERRORS = [
  'holder-battery charger defect',
  'charger-battery charging timeout',
  'charger-battery charger defect',
  'self-test failure',
];
export const HOLDER_ERRORS = [
  'system defect',
  'battery charging timeout',
  'temperature outside operating range',
  'identification failure',
];
export const HOLDER_WARNINGS = [
  'communication problem',
  'null charging count',
  'communication protocol not supported',
  'battery aged',
];

/** Status bytes A (charger) and B (holder) of flag bit 1. */
export type ChargerHolderStatus = {
  /** A bits 0–3: 1 charging, 2 charged, else idle. */
  readonly chargerState: number;
  /** A bits 4–5 (unassigned, kept). */
  readonly chargerReserved: number;
  readonly chargerLowBattery: boolean;
  readonly chargerDefect: boolean;
  /** B bits 0–3: 1 charging, 2 charged, 3 ready to use, 4 cleaning, 5 uncharged, else unplugged. */
  readonly holderState: number;
  /** B bits 4–5: 0 fully connected, 1 RX pin, 2 TX pin, 3 not connected. */
  readonly holderConnection: number;
  /** B bit 6 (unassigned, kept). */
  readonly holderReserved: boolean;
  readonly holderDefect: boolean;
  readonly chargerStateName?: string;
  readonly holderStateName?: string;
  readonly holderConnectionName?: string;
};

export type LastExperience = {
  /** Bits 0–3: end-of-heat reason 0..10 (docs/protocol.md §3.5). */
  readonly endOfHeatReason: number;
  /** Bit 4 (unassigned, kept). */
  readonly reserved: boolean;
  readonly dutyCycleFault: boolean;
  readonly newInformationWasRead: boolean;
  readonly intensivePuffing: boolean;
  readonly puffCount: number;
  readonly endOfHeatReasonText?: string;
};

export type HolderStatus = {
  readonly error?: number;
  readonly warning?: number;
  /** u32 LE, meaning unknown. */
  readonly systemError?: number;
  readonly lastExperience?: LastExperience;
  readonly errorNames?: readonly string[];
  readonly warningNames?: readonly string[];
};

export type StatusRecord = {
  readonly flags: number;
  readonly chargerSystemError?: number;
  readonly chargerSystemErrorNames?: readonly string[];
  readonly status?: ChargerHolderStatus;
  /** Ambient byte: bits 0–1 holder 1, bits 2–3 holder 2 (1 too low, 2 too high); bits 4–7 kept. */
  readonly ambient?: number;
  readonly ambientHolder1?: string;
  readonly ambientHolder2?: string;
  readonly holder1?: HolderStatus;
  readonly holder2?: HolderStatus;
};

/** Flag bits of one holder's fields: error, warning, system error, last experience. */
const HOLDER_BITS = [
  [3, 4, 5, 6],
  [8, 9, 10, 11],
] as const;

function bitNames(value: number, names: readonly string[]): string[] {
  return names.filter((_, bit) => (value & (1 << bit)) !== 0);
}

export function decodeStatusRecord(bytes: Uint8Array): Result<StatusRecord> {
  if (bytes.length < 2)
    return fail('PROTOCOL_TRUNCATED', `status record needs 2 flag bytes, got ${bytes.length}`);
  const flags = (bytes[0] as number) | ((bytes[1] as number) << 8);
  let at = 2;
  const take = (width: number, what: string): number | ProtocolError => {
    if (at + width > bytes.length) {
      return new ProtocolError(
        'PROTOCOL_TRUNCATED',
        `status record ends inside ${what} (flags 0x${flags.toString(16)})`,
      );
    }
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] as number);
    at += width;
    return value;
  };
  const has = (bit: number) => (flags & (1 << bit)) !== 0;
  const record: Record<string, unknown> = { flags };
  const steps: [boolean, number, string, (v: number) => void][] = [
    [
      has(0),
      1,
      'charger system error',
      (v) =>
        Object.assign(record, {
          chargerSystemError: v,
          chargerSystemErrorNames: bitNames(v, CHARGER_SYSTEM_ERRORS),
        }),
    ],
    [
      has(1),
      2,
      'charger/holder status',
      (v) => {
        record.status = decodeStatusBytes(v & 0xff, v >> 8);
      },
    ],
    [
      has(2) || has(7),
      1,
      'ambient byte',
      (v) =>
        Object.assign(record, {
          ambient: v,
          ambientHolder1: AMBIENT_STATES[v & 3],
          ambientHolder2: AMBIENT_STATES[(v >> 2) & 3],
        }),
    ],
  ];
  for (const [present, width, what, apply] of steps) {
    if (!present) continue;
    const v = take(width, what);
    if (typeof v !== 'number') return { ok: false, error: v };
    apply(v);
  }
  for (const [h, bits] of HOLDER_BITS.entries()) {
    const holder: Record<string, unknown> = {};
    const fields: [number, number, string, (v: number) => void][] = [
      [
        bits[0],
        1,
        'error',
        (v) => Object.assign(holder, { error: v, errorNames: bitNames(v, HOLDER_ERRORS) }),
      ],
      [
        bits[1],
        1,
        'warning',
        (v) => Object.assign(holder, { warning: v, warningNames: bitNames(v, HOLDER_WARNINGS) }),
      ],
      [
        bits[2],
        4,
        'system error',
        (v) => {
          holder.systemError = v;
        },
      ],
      [
        bits[3],
        2,
        'last experience',
        (v) => {
          holder.lastExperience = decodeLastExperience(v & 0xff, v >> 8);
        },
      ],
    ];
    for (const [bit, width, what, apply] of fields) {
      if (!has(bit)) continue;
      const v = take(width, `holder ${h + 1} ${what}`);
      if (typeof v !== 'number') return { ok: false, error: v };
      apply(v);
    }
    if (Object.keys(holder).length > 0) record[h === 0 ? 'holder1' : 'holder2'] = holder;
  }
  if (at !== bytes.length)
    return fail(
      'PROTOCOL_LENGTH',
      `status record has ${bytes.length - at} bytes after its last flagged field`,
    );
  return ok(record as StatusRecord);
}

function decodeStatusBytes(a: number, b: number): ChargerHolderStatus {
  const chargerState = a & 0x0f;
  const holderState = b & 0x0f;
  const holderConnection = (b >> 4) & 0x03;
  return {
    chargerState,
    chargerReserved: (a >> 4) & 0x03,
    chargerLowBattery: (a & 0x40) !== 0,
    chargerDefect: (a & 0x80) !== 0,
    holderState,
    holderConnection,
    holderReserved: (b & 0x40) !== 0,
    holderDefect: (b & 0x80) !== 0,
    chargerStateName: CHARGER_STATES[chargerState] ?? 'idle',
    holderStateName: HOLDER_STATES[holderState] ?? 'unplugged',
    holderConnectionName: HOLDER_CONNECTIONS[holderConnection] as string,
  };
}

function decodeLastExperience(a: number, puffCount: number): LastExperience {
  const endOfHeatReason = a & 0x0f;
  const text = END_OF_HEAT_REASONS[endOfHeatReason];
  return {
    endOfHeatReason,
    reserved: (a & 0x10) !== 0,
    dutyCycleFault: (a & 0x20) !== 0,
    newInformationWasRead: (a & 0x40) !== 0,
    intensivePuffing: (a & 0x80) !== 0,
    puffCount,
    ...(text ? { endOfHeatReasonText: text } : {}),
  };
}

/**
 * Encodes a record. Without `flags`, they are derived from the fields present (ambient → bit 2,
 * plus bit 7 when holder 2 fields are present); with `flags`, every flagged field must be present.
 */
export function encodeStatusRecord(
  record: Omit<StatusRecord, 'flags'> & { readonly flags?: number },
): Uint8Array {
  const h1 = record.holder1 ?? {};
  const h2 = record.holder2 ?? {};
  const hasHolder2 = Object.keys(h2).length > 0;
  const flags =
    record.flags ??
    [
      record.chargerSystemError !== undefined,
      record.status !== undefined,
      record.ambient !== undefined,
      h1.error !== undefined,
      h1.warning !== undefined,
      h1.systemError !== undefined,
      h1.lastExperience !== undefined,
      record.ambient !== undefined && hasHolder2,
      h2.error !== undefined,
      h2.warning !== undefined,
      h2.systemError !== undefined,
      h2.lastExperience !== undefined,
    ].reduce((acc, present, bit) => (present ? acc | (1 << bit) : acc), 0);
  const out: number[] = [flags & 0xff, (flags >> 8) & 0xff];
  const has = (bit: number) => (flags & (1 << bit)) !== 0;
  const put = (value: number | undefined, width: number, what: string) => {
    if (value === undefined || !Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
      throw new ProtocolError(
        'PROTOCOL_RANGE',
        `status ${what} must be present and fit ${width} byte(s), got ${String(value)}`,
      );
    }
    for (let i = 0; i < width; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  };
  if (has(0)) put(record.chargerSystemError, 1, 'charger system error');
  if (has(1)) {
    const s = record.status;
    if (!s) throw new ProtocolError('PROTOCOL_RANGE', 'status flag bit 1 needs the charger/holder status');
    put(
      bitField(s.chargerState, 4, 'charger state') |
        (bitField(s.chargerReserved, 2, 'charger reserved bits') << 4) |
        (s.chargerLowBattery ? 0x40 : 0) |
        (s.chargerDefect ? 0x80 : 0),
      1,
      'byte A',
    );
    put(
      bitField(s.holderState, 4, 'holder state') |
        (bitField(s.holderConnection, 2, 'holder connection') << 4) |
        (s.holderReserved ? 0x40 : 0) |
        (s.holderDefect ? 0x80 : 0),
      1,
      'byte B',
    );
  }
  if (has(2) || has(7)) put(record.ambient, 1, 'ambient byte');
  for (const [h, bits] of HOLDER_BITS.entries()) {
    const holder = h === 0 ? h1 : h2;
    if (has(bits[0])) put(holder.error, 1, `holder ${h + 1} error`);
    if (has(bits[1])) put(holder.warning, 1, `holder ${h + 1} warning`);
    if (has(bits[2])) put(holder.systemError, 4, `holder ${h + 1} system error`);
    if (has(bits[3])) {
      const e = holder.lastExperience;
      if (!e)
        throw new ProtocolError(
          'PROTOCOL_RANGE',
          `status flag bit ${bits[3]} needs holder ${h + 1} last experience`,
        );
      put(
        bitField(e.endOfHeatReason, 4, 'end-of-heat reason') |
          (e.reserved ? 0x10 : 0) |
          (e.dutyCycleFault ? 0x20 : 0) |
          (e.newInformationWasRead ? 0x40 : 0) |
          (e.intensivePuffing ? 0x80 : 0),
        1,
        'last experience A',
      );
      put(e.puffCount, 1, 'puff count');
    }
  }
  return Uint8Array.from(out);
}

/** A value packed into `bits` bits of a status byte: refused, not masked, when it does not fit. */
function bitField(value: number, bits: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits)
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `status ${what} must be 0..${2 ** bits - 1}, got ${String(value)}`,
    );
  return value;
}
