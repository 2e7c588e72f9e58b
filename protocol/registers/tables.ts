/**
 * Long-frame tables (docs/protocol.md §8.2 clock, §9 usage counters, §10 other tables, D-2, D-25). The table
 * body is the data after the 2-byte table id.
 */
import { type CommandSpec, command, NO_PAYLOAD } from '../command.js';
import { ProtocolError } from '../errors.js';
import { hexBytes, toHex } from '../hex.js';
import { layout, optionalHex, type PayloadCodec, raw } from '../payload.js';
import { deviceSecondsToIso, timeArgs } from './identity.js';

export const TABLE_CLOCK = 0x0004;
export const TABLE_USAGE_COUNTERS = 0x0101;

/** Clock read reply body: base date 2010-01-01 as year u16 LE, month, day, then device seconds u32 LE. */
const clockReply = layout(
  [
    { name: 'baseYear', kind: 'u16' },
    { name: 'baseMonth', kind: 'u8' },
    { name: 'baseDay', kind: 'u8' },
    { name: 'seconds', kind: 'u32' },
  ] as const,
  { derive: (v) => ({ iso: deviceSecondsToIso(v.seconds) }) },
);
const CLOCK_BASE = { baseYear: 2010, baseMonth: 1, baseDay: 1 };

const clockWrite = layout([{ name: 'seconds', kind: 'u32' }] as const, {
  derive: (v) => ({ iso: deviceSecondsToIso(v.seconds) }),
});

/** Counter tags (docs/protocol.md §9.2) and the names clients give them. */
export const COUNTER_TAGS: Readonly<Record<number, string>> = {
  142: 'sticks',
  30: 'case-sticks',
  32: 'holder-sticks',
  29: 'slow-counter',
  23: 'days',
  24: 'constant',
  20: 'case-constant',
};

export type CounterBlock = {
  readonly index: number;
  /** Bytes 1..3, `00 00 00` in every capture. */
  readonly padHex: string;
  /** Bytes 4..6 as u24 LE (byte 6 is 00 in every capture; decoders read it as the high byte). */
  readonly value: number;
  readonly tag: number;
  readonly tagName?: string;
};

export type UsageCounters = {
  readonly blocks: readonly CounterBlock[];
  /** Bytes after the last whole 8-byte block (none on real devices). */
  readonly trailingHex: string;
};

/**
 * Usage-counter table body: N × 8-byte blocks `[index] 00 00 00 [u16 value] [00] [tag]`
 * (docs/protocol.md §9.1).
 */
export const usageCounters: PayloadCodec<UsageCounters> = {
  sizes: 'any',
  names: ['blocks', 'trailingHex'],
  decode(body) {
    const blocks: CounterBlock[] = [];
    const whole = body.length - (body.length % 8);
    for (let at = 0; at < whole; at += 8) {
      const tag = body[at + 7] as number;
      const tagName = COUNTER_TAGS[tag];
      blocks.push({
        index: body[at] as number,
        padHex: toHex(body.subarray(at + 1, at + 4)),
        value: (body[at + 4] as number) | ((body[at + 5] as number) << 8) | ((body[at + 6] as number) << 16),
        tag,
        ...(tagName ? { tagName } : {}),
      });
    }
    return { blocks, trailingHex: toHex(body.subarray(whole)) };
  },
  encode(fields) {
    const blocks = fields.blocks ?? [];
    const trailing = optionalHex(fields.trailingHex);
    const out = new Uint8Array(blocks.length * 8 + trailing.length);
    blocks.forEach((block, i) => {
      const at = i * 8;
      const value = Number(block.value ?? 0);
      if (!Number.isInteger(value) || value < 0 || value > 0xffffff) {
        throw new ProtocolError(
          'PROTOCOL_RANGE',
          `counter value must be 0..0xFFFFFF, got ${String(block.value)}`,
        );
      }
      const pad = hexBytes(block.padHex?.trim() ? block.padHex : '00 00 00');
      if (pad.length !== 3)
        throw new ProtocolError('PROTOCOL_RANGE', `counter padHex must be 3 bytes, got ${pad.length}`);
      out[at] = counterByte(block.index ?? i, 'index');
      out.set(pad, at + 1);
      out[at + 4] = value & 0xff;
      out[at + 5] = (value >> 8) & 0xff;
      out[at + 6] = value >> 16;
      out[at + 7] = counterByte(block.tag ?? 0, 'tag');
    });
    out.set(trailing, blocks.length * 8);
    return out;
  },
};

/** A block's index or tag byte: refused, not wrapped, when it does not fit. */
function counterByte(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xff)
    throw new ProtocolError('PROTOCOL_RANGE', `counter ${what} must be 0..255, got ${String(value)}`);
  return n;
}

const tableRead = (
  name: string,
  summary: string,
  table: number,
  reply: PayloadCodec,
  spec: string,
  units: CommandSpec['units'],
) => command({ name, summary, spec, units, table, write: false, request: NO_PAYLOAD, reply });

export const TABLE_COMMANDS: readonly CommandSpec[] = [
  command({
    name: 'get-clock',
    summary: 'long read of the clock table 00 04 (base date + device seconds)',
    spec: '§8.2',
    units: ['charger', 'holder'],
    table: TABLE_CLOCK,
    write: false,
    request: NO_PAYLOAD,
    reply: clockReply,
    replyArgs: { usage: timeArgs.usage, parse: (a) => ({ ...CLOCK_BASE, ...timeArgs.parse(a) }) },
  }),
  command({
    name: 'set-clock',
    summary: 'long write of the clock (device seconds since 2010-01-01 UTC); the ACK has no body',
    spec: '§8.2, D-2',
    units: ['charger'],
    table: TABLE_CLOCK,
    write: true,
    request: clockWrite,
    reply: NO_PAYLOAD,
    args: timeArgs,
  }),
  tableRead(
    'get-usage-counters',
    'long read of the usage-counter table 01 01',
    TABLE_USAGE_COUNTERS,
    usageCounters,
    '§9',
    ['charger', 'holder'],
  ),
  tableRead(
    'get-system-config-0',
    'long read of table 00 00 (unpublished; empty by default)',
    0x0000,
    raw('any'),
    '§10, D-25',
    ['charger'],
  ),
  tableRead(
    'get-config-region-1',
    'long read of table 00 01 (unpublished)',
    0x0001,
    raw('any'),
    '§10, D-25',
    ['charger'],
  ),
  tableRead(
    'get-device-info-table',
    'long read of table 00 02 (unpublished)',
    0x0002,
    raw('any'),
    '§10, D-25',
    ['charger', 'holder'],
  ),
  tableRead(
    'get-system-config-1',
    'long read of table 01 00 (unpublished)',
    0x0100,
    raw('any'),
    '§10, D-25',
    ['charger'],
  ),
];
