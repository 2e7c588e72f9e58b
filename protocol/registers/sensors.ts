/**
 * Sensor, counter and opaque registers (docs/protocol.md §7.1, §9.4, defaults D-26 and §12.1). Registers of
 * unknown meaning keep their bytes as hex; where a register's size depends on the model (§7.8), the
 * layout accepts each size seen.
 */
import { type CommandSpec, command, integerArgs, parseInteger, readOnly } from '../command.js';
import { layout, raw } from '../payload.js';
import { selectorArgument } from './settings.js';

const u16Value = (name: string) =>
  layout([
    { name, kind: 'u16' },
    { name: 'reservedHex', kind: 'hex', size: 2 },
  ] as const);

/** S 0x81 stick state: [0] `16` stick inserted, `01` empty. */
const stickState = layout(
  [
    { name: 'state', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 3 },
  ] as const,
  {
    derive: (v) => ({ stickInserted: v.state === 0x16 }),
  },
);

/** S 0x84: model-dependent sensor (u16 at 0, then 0 or 10 more bytes; docs/protocol.md §13 item 5). */
const sensor = layout(
  [
    { name: 'raw', kind: 'u16' },
    { name: 'restHex', kind: 'hex', size: 'rest' },
  ] as const,
  {
    sizes: [4, 14],
  },
);

/** S 0x85: last-stick duration in quarter-seconds, u16 at payload offset 13 of 24. */
const lastSession = layout(
  [
    { name: 'headHex', kind: 'hex', size: 13 },
    { name: 'durationQuarterSeconds', kind: 'u16' },
    { name: 'tailHex', kind: 'hex', size: 9 },
  ] as const,
  { derive: (v) => ({ durationS: v.durationQuarterSeconds / 4 }) },
);

/**
 * S 0x86 (24 bytes): sticks u16 @0; usage quarter-seconds = (u16@8 << 16) | u16@6; puffs u16 @10
 * (docs/protocol.md §7.1).
 */
const usageTotals = layout(
  [
    { name: 'sticks', kind: 'u16' },
    { name: 'gapHex', kind: 'hex', size: 4 },
    { name: 'usageLow', kind: 'u16' },
    { name: 'usageHigh', kind: 'u16' },
    { name: 'puffs', kind: 'u16' },
    { name: 'tailHex', kind: 'hex', size: 12 },
  ] as const,
  {
    derive: (v) => {
      const usageQuarterSeconds = v.usageHigh * 0x10000 + v.usageLow;
      return { usageQuarterSeconds, usageS: usageQuarterSeconds / 4 };
    },
  },
);

/** S 0x181 (one-piece): [0] battery indicator %, [1] 00, [2..3] u16 that jumps after use. */
const batteryIndicator = layout([
  { name: 'levelPct', kind: 'u8' },
  { name: 'reserved', kind: 'u8' },
  { name: 'usageValue', kind: 'u16' },
] as const);

/** Selector reads of unknown meaning (S 0x05, C0 S 0x93, C9 S 0x89 sel 04, S 0x18): selector echoed in [0] (D-26). */
const selectorEcho = layout(
  [
    { name: 'selector', kind: 'u8' },
    { name: 'valueHex', kind: 'hex', size: 'rest' },
  ] as const,
  {
    sizes: [4, 14, 24],
  },
);

const selectorArgs = {
  usage: '<selector>',
  parse: (a: readonly string[]) => ({ selector: parseInteger(a[0], 0, 255, 'selector') }),
};

const selectorRead = (
  name: string,
  summary: string,
  spec: string,
  units: CommandSpec['units'],
  address: number,
): CommandSpec =>
  command({
    name,
    summary,
    spec,
    units,
    address,
    write: false,
    request: selectorArgument,
    reply: selectorEcho,
    args: selectorArgs,
  });

export const SENSOR_COMMANDS: readonly CommandSpec[] = [
  readOnly(
    'get-battery-percent',
    'read the charger battery level, % (u16)',
    '§7.1 S 0x90 (C0), §13 item 6',
    ['charger'],
    0x90,
    u16Value('percent'),
    // A percentage: 0..100 from an argument; --fields takes any u16 so captured odd values re-encode.
    integerArgs('percent', 0, 100),
  ),
  readOnly(
    'get-voltage',
    'read the heating-unit battery voltage, mV',
    '§7.1 S 0x83',
    ['holder'],
    0x83,
    u16Value('voltageMv'),
    integerArgs('voltageMv', 0, 0xffff),
  ),
  readOnly(
    'get-sensor',
    'read the S 0x84 sensor value (meaning depends on the model)',
    '§7.1 S 0x84, §7.8',
    ['charger', 'holder'],
    0x84,
    sensor,
    integerArgs('raw', 0, 0xffff),
  ),
  readOnly(
    'get-error-state',
    'read the active error code (u16, 0 = none)',
    '§7.1 S 0x82',
    ['charger'],
    0x82,
    u16Value('errorCode'),
    integerArgs('errorCode', 0, 0xffff),
  ),
  readOnly(
    'get-stick-state',
    'read the stick state (16 inserted, 01 empty)',
    '§7.1 S 0x81',
    ['charger'],
    0x81,
    stickState,
    integerArgs('state', 0, 255),
  ),
  command({
    name: 'set-stick-state',
    summary: 'write the stick state (45 20 16 … simulates an insertion)',
    spec: '§7.1 S 0x81',
    units: ['charger'],
    address: 0x81,
    write: true,
    request: stickState,
    reply: stickState,
    args: integerArgs('state', 0, 255),
  }),
  readOnly(
    'get-last-session',
    'read the last-stick duration (quarter-seconds at [13])',
    '§7.1 S 0x85, §9.4',
    ['holder'],
    0x85,
    lastSession,
    integerArgs('durationQuarterSeconds', 0, 0xffff),
  ),
  readOnly(
    'get-usage-totals',
    'read lifetime sticks, usage time and puffs',
    '§7.1 S 0x86, §9.4',
    ['holder'],
    0x86,
    usageTotals,
    integerArgs('sticks', 0, 0xffff),
  ),
  readOnly(
    'get-battery-indicator',
    'read the battery indicator of the one-piece unit',
    '§7.1 S 0x181',
    ['charger'],
    0x181,
    batteryIndicator,
    integerArgs('levelPct', 0, 100),
  ),
  readOnly(
    'get-system-status',
    'read the 4-byte system status (zero when healthy)',
    '§7.1 S 0x07, D-26',
    ['charger'],
    0x07,
    raw([4]),
  ),
  readOnly(
    'get-clean-status',
    'read the charger S 0x10 value ("clean status")',
    '§7.1 S 0x10 (C0), D-26',
    ['charger'],
    0x10,
    raw([4]),
  ),
  readOnly(
    'get-device-status-register',
    'read the charger S 0x11 value',
    '§7.1 S 0x11, D-26',
    ['charger'],
    0x11,
    raw([4]),
  ),
  readOnly(
    'get-static-table',
    'read the 24-byte static table S 0x17',
    '§7.1 S 0x17, D-26',
    ['charger'],
    0x17,
    raw([24]),
  ),
  readOnly(
    'get-manufacturing-data',
    'read S 0x80 (24 bytes on ILUMA i ONE, 4 on ILUMA i)',
    '§7.1 S 0x80, §7.8, D-26',
    ['charger'],
    0x80,
    raw([4, 24]),
  ),
  selectorRead(
    'get-mode-register',
    'read S 0x05 by selector (meaning unknown)',
    '§7.1 S 0x05, D-26',
    ['charger'],
    0x05,
  ),
  selectorRead(
    'get-config-s18',
    'read the 24-byte config record S 0x18 (argument 01)',
    '§7.1 S 0x18, D-26',
    ['charger'],
    0x18,
  ),
  selectorRead(
    'get-feature-flag',
    'read charger S 0x93 by selector (01, 02; meaning unknown)',
    '§7.1 S 0x93 (C0), D-26',
    ['charger'],
    0x93,
  ),
  selectorRead(
    'get-holder-s89',
    'read holder S 0x89 by selector (04: stored byte of unknown meaning)',
    '§7.1 S 0x89 (C9), §12.1',
    ['holder'],
    0x89,
  ),
];
