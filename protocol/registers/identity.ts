/** Identity and clock registers (docs/protocol.md §7.1, §7.6, §7.7, §8). */
import { type CommandArgs, type CommandSpec, parseInteger, readOnly } from '../command.js';
import { ProtocolError } from '../errors.js';
import { layout } from '../payload.js';

/** Unix seconds of the device epoch 2010-01-01T00:00:00Z (docs/protocol.md §8.1). */
export const DEVICE_EPOCH_UNIX_S = 1_262_304_000;

/** ISO-8601 text of device seconds. */
export function deviceSecondsToIso(seconds: number): string {
  return new Date((seconds + DEVICE_EPOCH_UNIX_S) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Device seconds of an ISO-8601 date or a plain number of device seconds. */
export function parseDeviceTime(text: string | undefined): number {
  if (text !== undefined && /^\d+$/.test(text)) return parseInteger(text, 0, 0xffffffff, 'device seconds');
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  const seconds = Math.floor(ms / 1000) - DEVICE_EPOCH_UNIX_S;
  if (!Number.isFinite(ms) || seconds < 0 || seconds > 0xffffffff) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `expected an ISO date from 2010-01-01 on, or device seconds; got '${text ?? ''}'`,
    );
  }
  return seconds;
}

export const timeArgs: CommandArgs = {
  usage: '<ISO date | device seconds>',
  parse: (args) => ({ seconds: parseDeviceTime(args[0]) }),
};

/** S 0x00 reply (14 bytes): u16 prefix (0x10 case, 0x0E holder), major, minor, patch, build, 8 unknown bytes. */
const firmware = layout(
  [
    { name: 'prefix', kind: 'u16' },
    { name: 'major', kind: 'u8' },
    { name: 'minor', kind: 'u8' },
    { name: 'patch', kind: 'u8' },
    { name: 'build', kind: 'u8' },
    { name: 'trailingHex', kind: 'hex', size: 8 },
  ] as const,
  { derive: (v) => ({ version: `${v.major}.${v.minor}.${v.patch}.${v.build}` }) },
);

const firmwareArgs: CommandArgs = {
  usage: '<major.minor.patch.build>',
  parse(args) {
    const parts = (args[0] ?? '').split('.');
    if (parts.length !== 4)
      throw new ProtocolError('PROTOCOL_RANGE', `expected a version like 135.5.0.33, got '${args[0] ?? ''}'`);
    const [major, minor, patch, build] = parts.map((p) => parseInteger(p, 0, 255, 'version part'));
    return { prefix: 0x10, major, minor, patch, build };
  },
};

/** S 0x01 reply: seven u16 LE of unknown meaning (docs/protocol.md §7.1, §7.5). */
const deviceInfo = layout([
  { name: 'word0', kind: 'u16' },
  { name: 'word1', kind: 'u16' },
  { name: 'word2', kind: 'u16' },
  { name: 'word3', kind: 'u16' },
  { name: 'word4', kind: 'u16' },
  { name: 'word5', kind: 'u16' },
  { name: 'word6', kind: 'u16' },
] as const);

const textArgs = (field: string, what: string): CommandArgs => ({
  usage: `<${what}>`,
  parse: (args) => ({ [field]: args[0] ?? '' }),
});

const seconds = layout([{ name: 'seconds', kind: 'u32' }] as const, {
  derive: (v) => ({ iso: deviceSecondsToIso(v.seconds) }),
});

/** S 0x03 reply: date of the latest logged error, 2010-01-01 when none (docs/protocol.md §8.2). */
const errorLogDate = layout([
  { name: 'year', kind: 'u16' },
  { name: 'month', kind: 'u8' },
  { name: 'day', kind: 'u8' },
] as const);

export const IDENTITY_COMMANDS: readonly CommandSpec[] = [
  readOnly(
    'get-firmware',
    'read the firmware version',
    '§7.1 S 0x00, §7.7',
    ['charger', 'holder'],
    0x00,
    firmware,
    firmwareArgs,
  ),
  readOnly(
    'get-device-info',
    'read the 14-byte static device-info record',
    '§7.1 S 0x01, §7.5',
    ['charger', 'holder'],
    0x01,
    deviceInfo,
  ),
  readOnly(
    'get-error-log-date',
    'read the date of the latest logged error',
    '§7.1 S 0x03, §8.2',
    ['charger'],
    0x03,
    errorLogDate,
  ),
  readOnly(
    'get-rtc',
    'read the clock in device seconds (short form)',
    '§7.1 S 0x04, §8.2',
    ['charger', 'holder'],
    0x04,
    seconds,
    timeArgs,
  ),
  readOnly(
    'get-product-number',
    'read the 14-character product number',
    '§7.1 S 0x0C, §7.6',
    ['charger', 'holder'],
    0x0c,
    layout([{ name: 'productNumber', kind: 'latin1', size: 14 }] as const),
    textArgs('productNumber', 'product number'),
  ),
  readOnly(
    'get-model-code',
    'read the model code (ASCII)',
    '§7.1 S 0x88',
    ['holder'],
    0x88,
    layout([{ name: 'modelCode', kind: 'latin1', size: 14 }] as const),
    textArgs('modelCode', 'model code'),
  ),
];
