/**
 * Setting registers (docs/protocol.md §7.1, recipes §7.2, config records §7.3, wrong-CRC constants §7.9).
 * Writes use the same layout as the reply: D-1 echoes the stored value.
 */
import {
  type CommandArgs,
  type CommandSpec,
  command,
  NO_PAYLOAD,
  onOffArgs,
  parseInteger,
  parseOnOff,
} from '../command.js';
import { ProtocolError } from '../errors.js';
import { layout, withRecordCheck } from '../payload.js';

/** Brightness byte: ≥ 0x64 reads as high, anything else as low (D-15). Values: 0x64 high, 0x1E low. */
export const BRIGHTNESS_HIGH = 0x64;
export const BRIGHTNESS_LOW = 0x1e;

const brightness = layout(
  [
    { name: 'level', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 3 },
  ] as const,
  {
    derive: (v) => ({ levelName: v.level >= BRIGHTNESS_HIGH ? 'high' : 'low' }),
  },
);

const brightnessArgs: CommandArgs = {
  usage: 'high|low|<0-255>',
  parse(args) {
    const text = (args[0] ?? '').toLowerCase();
    if (text === 'high') return { level: BRIGHTNESS_HIGH };
    if (text === 'low') return { level: BRIGHTNESS_LOW };
    return { level: parseInteger(args[0], 0, 255, 'brightness') };
  },
};

/** S 0x8C payload (§7.1): record byte, 00, start flags (bit 0 heating start, bit 4 starting to use), end flags (bit 0 puff end, bit 4 manually terminated). */
const vibration = layout(
  [
    { name: 'recordByte', kind: 'u8' },
    { name: 'reserved', kind: 'u8' },
    { name: 'startFlags', kind: 'u8' },
    { name: 'endFlags', kind: 'u8' },
  ] as const,
  {
    derive: (v) => ({
      heatingStart: (v.startFlags & 0x01) !== 0,
      startingToUse: (v.startFlags & 0x10) !== 0,
      puffEnd: (v.endFlags & 0x01) !== 0,
      manuallyTerminated: (v.endFlags & 0x10) !== 0,
    }),
  },
);

export const VIBRATION_FLAGS = [
  'heating-start',
  'starting-to-use',
  'puff-end',
  'manually-terminated',
] as const;

const vibrationArgs: CommandArgs = {
  usage: `[${VIBRATION_FLAGS.join(',')}|none]`,
  // No flag (or `none`) is a valid setting: every vibration off.
  min: 0,
  max: VIBRATION_FLAGS.length,
  parse(args) {
    const names = args.flatMap((a) => a.split(',')).filter((a) => a && a !== 'none');
    let startFlags = 0;
    let endFlags = 0;
    for (const name of names) {
      if (name === 'heating-start') startFlags |= 0x01;
      else if (name === 'starting-to-use') startFlags |= 0x10;
      else if (name === 'puff-end') endFlags |= 0x01;
      else if (name === 'manually-terminated') endFlags |= 0x10;
      else
        throw new ProtocolError(
          'PROTOCOL_RANGE',
          `unknown vibration flag '${name}' (${VIBRATION_FLAGS.join(', ')})`,
        );
    }
    return { recordByte: 0x10, startFlags, endFlags };
  },
};

/** `[selector] [value] 00 00`: S 0x93 settings (Auto Start, Pause Mode, Smart Gesture) and S 0x89 FlexPuff. */
const selectorValue = layout(
  [
    { name: 'selector', kind: 'u8' },
    { name: 'value', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 2 },
  ] as const,
  { derive: (v) => ({ enabled: v.value !== 0 }) },
);

/** Argument of a selector read: `[selector] 00 00 00` (§4.3). */
export const selectorArgument = layout([
  { name: 'selector', kind: 'u8' },
  { name: 'argumentHex', kind: 'hex', size: 3 },
] as const);

function selectorSetting(
  name: string,
  summary: string,
  units: CommandSpec['units'],
  address: number,
  selector: number,
  spec: string,
): CommandSpec[] {
  return [
    command({
      name: `get-${name}`,
      summary: `read ${summary}`,
      spec,
      units,
      address,
      write: false,
      selector,
      defaults: { selector },
      request: selectorArgument,
      reply: selectorValue,
      replyArgs: onOffArgs(),
    }),
    command({
      name: `set-${name}`,
      summary: `set ${summary}`,
      spec,
      units,
      address,
      write: true,
      selector,
      defaults: { selector },
      request: selectorValue,
      reply: selectorValue,
      args: onOffArgs(),
      replyArgs: onOffArgs(),
    }),
  ];
}

const lockState = layout(
  [
    { name: 'state', kind: 'u8' },
    { name: 'mask', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 2 },
  ] as const,
  { derive: (v) => ({ locked: v.state === 0x02 }) },
);

const lockArgs: CommandArgs = {
  usage: 'on|off (lock|unlock)',
  parse(args) {
    const text = (args[0] ?? '').toLowerCase();
    const locked = text === 'lock' ? true : text === 'unlock' ? false : parseOnOff(args[0]);
    return locked ? { state: 0x02, mask: 0xff } : { state: 0, mask: 0 };
  },
};

const flexBattery = layout(
  [
    { name: 'mode', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 3 },
  ] as const,
  {
    derive: (v) => ({ modeName: v.mode === 1 ? 'eco' : 'performance' }),
  },
);

const flexBatteryArgs: CommandArgs = {
  usage: 'eco|performance',
  parse(args) {
    const text = (args[0] ?? '').toLowerCase();
    if (text === 'eco') return { mode: 1 };
    if (text === 'performance') return { mode: 0 };
    return { mode: parseInteger(args[0], 0, 255, 'FlexBattery mode') };
  },
};

/** Find My (C0 S 0x89 write): [0] on, [1] duration in seconds (0x1E; our reading, D-29), [2..3] 00. */
const findMy = layout(
  [
    { name: 'on', kind: 'u8' },
    { name: 'durationS', kind: 'u8' },
    { name: 'reservedHex', kind: 'hex', size: 2 },
  ] as const,
  { derive: (v) => ({ vibrate: v.on !== 0 }) },
);

const findMyArgs: CommandArgs = {
  usage: 'start|stop [seconds=30]',
  max: 2,
  parse: (args) => ({
    on: parseOnOff(args[0]) ? 1 : 0,
    durationS: args[1] === undefined ? 30 : parseInteger(args[1], 0, 255, 'duration'),
  }),
};

/** Charge-start vibration record write, 24 bytes (§7.3): `[chk] [key] 00 FF FF FF [value] + 17 × 00`. */
const chargeStartRecord = withRecordCheck(
  layout(
    [
      { name: 'check', kind: 'u8' },
      { name: 'selector', kind: 'u8' },
      { name: 'headHex', kind: 'hex', size: 4 },
      { name: 'value', kind: 'u8' },
      { name: 'tailHex', kind: 'hex', size: 17 },
    ] as const,
    { derive: (v) => ({ chargeStartVibration: v.value === 0x00 }) },
  ),
  6,
);

const chargeStartArgs = (key: number): CommandArgs => ({
  usage: 'on|off',
  parse: (args) => ({ selector: key, headHex: '00 FF FF FF', value: parseOnOff(args[0]) ? 0x00 : 0x09 }),
});

/** Reply to an S 0x13 selector read (14 bytes): [0] selector, [5] value (`00` on / `09` off for keys 04, 05). */
const configRecordReply = layout(
  [
    { name: 'selector', kind: 'u8' },
    { name: 'headHex', kind: 'hex', size: 4 },
    { name: 'value', kind: 'u8' },
    { name: 'tailHex', kind: 'hex', size: 8 },
  ] as const,
  { derive: (v) => ({ chargeStartVibration: v.value === 0x00 }) },
);

/** 4-byte "apply" write after record writes (`00 FF FF 00`, §7.3); the echo keeps the layout. */
const applyRecord = layout([{ name: 'applyHex', kind: 'hex', size: 4 }] as const);

/** Smart Gesture record (S 0x14, 14 bytes): `[chk] 05 01 00 00 [value] 00 FF FF FF FF FF FF 00` (§7.3). */
const smartGestureRecordWrite = withRecordCheck(
  layout(
    [
      { name: 'check', kind: 'u8' },
      { name: 'keyHex', kind: 'hex', size: 4 },
      { name: 'value', kind: 'u8' },
      { name: 'tailHex', kind: 'hex', size: 8 },
    ] as const,
    { derive: (v) => ({ smartGesture: v.value !== 0 }) },
  ),
  12,
);

/** S 0x14 read reply and read argument: the record keyed `05 01 00 00`, [4] = enabled (inferred). */
const smartGestureRecord = layout(
  [
    { name: 'keyHex', kind: 'hex', size: 4 },
    { name: 'value', kind: 'u8' },
    { name: 'tailHex', kind: 'hex', size: 9 },
  ] as const,
  { derive: (v) => ({ smartGesture: v.value !== 0 }) },
);
const recordKey = layout([{ name: 'keyHex', kind: 'hex', size: 4 }] as const);
const SMART_GESTURE_KEY = '05 01 00 00';

export const SETTING_COMMANDS: readonly CommandSpec[] = [
  command({
    name: 'get-brightness',
    summary: 'read the charger LED brightness',
    spec: '§7.1 S 0x8E',
    units: ['charger'],
    address: 0x8e,
    write: false,
    request: NO_PAYLOAD,
    reply: brightness,
    replyArgs: brightnessArgs,
  }),
  command({
    name: 'set-brightness',
    summary: 'set the charger LED brightness (high = 0x64, low = 0x1E)',
    spec: '§7.1 S 0x8E, §7.2',
    units: ['charger'],
    address: 0x8e,
    write: true,
    request: brightness,
    reply: brightness,
    args: brightnessArgs,
    replyArgs: brightnessArgs,
  }),
  command({
    name: 'get-holder-brightness',
    summary: 'read the holder LED brightness',
    spec: '§7.1 S 0x90 (C9)',
    units: ['holder'],
    address: 0x90,
    write: false,
    request: NO_PAYLOAD,
    reply: brightness,
    replyArgs: brightnessArgs,
  }),
  command({
    name: 'set-holder-brightness',
    summary: 'set the holder LED brightness',
    spec: '§7.1 S 0x90 (C9), §7.2',
    units: ['holder'],
    address: 0x90,
    write: true,
    request: brightness,
    reply: brightness,
    args: brightnessArgs,
    replyArgs: brightnessArgs,
  }),
  command({
    name: 'get-vibration',
    summary: 'read the vibration settings',
    spec: '§7.1 S 0x8C',
    units: ['holder'],
    address: 0x8c,
    write: false,
    request: NO_PAYLOAD,
    reply: vibration,
    replyArgs: vibrationArgs,
  }),
  command({
    name: 'set-vibration',
    summary: 'set the vibration flags',
    spec: '§7.1 S 0x8C, §7.2',
    units: ['holder'],
    address: 0x8c,
    write: true,
    request: vibration,
    reply: vibration,
    args: vibrationArgs,
    replyArgs: vibrationArgs,
  }),
  ...selectorSetting('auto-start', 'Auto Start (S 0x93 selector 01)', ['holder'], 0x93, 0x01, '§7.1 S 0x93'),
  ...selectorSetting('pause-mode', 'Pause Mode (S 0x93 selector 02)', ['holder'], 0x93, 0x02, '§7.1 S 0x93'),
  ...selectorSetting(
    'smart-gesture',
    'Smart Gesture (S 0x93 selector 04)',
    ['holder'],
    0x93,
    0x04,
    '§7.1 S 0x93, §7.9',
  ),
  ...selectorSetting(
    'flexpuff',
    'FlexPuff (S 0x89 selector 03)',
    ['flexpuff', 'holder'],
    0x89,
    0x03,
    '§7.1 S 0x89, §7.4',
  ),
  command({
    name: 'get-lock',
    summary: 'read the lock state (02 FF locked, 00 00 unlocked)',
    spec: '§7.1 S 0x10 (C9)',
    units: ['holder'],
    address: 0x10,
    write: false,
    request: NO_PAYLOAD,
    reply: lockState,
    replyArgs: lockArgs,
  }),
  command({
    name: 'set-lock',
    summary: 'lock or unlock the device',
    spec: '§7.1 S 0x10 (C9), §7.2',
    units: ['holder'],
    address: 0x10,
    write: true,
    request: lockState,
    reply: lockState,
    args: lockArgs,
    replyArgs: lockArgs,
  }),
  command({
    name: 'get-flexbattery',
    summary: 'read the FlexBattery mode (00 performance, 01 eco)',
    spec: '§7.1 S 0x94',
    units: ['holder'],
    address: 0x94,
    write: false,
    request: NO_PAYLOAD,
    reply: flexBattery,
    replyArgs: flexBatteryArgs,
  }),
  command({
    name: 'set-flexbattery',
    summary: 'set the FlexBattery mode',
    spec: '§7.1 S 0x94, §7.2',
    units: ['holder'],
    address: 0x94,
    write: true,
    request: flexBattery,
    reply: flexBattery,
    args: flexBatteryArgs,
    replyArgs: flexBatteryArgs,
  }),
  command({
    name: 'find-my',
    summary: 'start or stop the Find My vibration',
    spec: '§7.1 S 0x89 (C0), D-29',
    units: ['charger'],
    address: 0x89,
    write: true,
    request: findMy,
    reply: findMy,
    args: findMyArgs,
    replyArgs: findMyArgs,
  }),
  command({
    name: 'get-charge-start-vibration',
    summary: 'read the charge-start vibration record (S 0x13 selector 04)',
    spec: '§7.1 S 0x13, §7.3',
    units: ['holder'],
    address: 0x13,
    write: false,
    selector: 0x04,
    defaults: { selector: 0x04 },
    request: selectorArgument,
    reply: configRecordReply,
    replyArgs: { usage: 'on|off', parse: (a) => ({ selector: 4, value: parseOnOff(a[0]) ? 0 : 9 }) },
  }),
  command({
    name: 'get-config-record',
    summary: 'read an S 0x13 config record by selector (05; 0B-0F heating profiles on the one-piece unit)',
    spec: '§7.1 S 0x13, D-26',
    units: ['holder', 'charger'],
    address: 0x13,
    write: false,
    request: selectorArgument,
    reply: configRecordReply,
    args: { usage: '<selector>', parse: (a) => ({ selector: parseInteger(a[0], 0, 255, 'selector') }) },
  }),
  command({
    name: 'write-charge-start-record',
    summary: 'write a 24-byte charge-start vibration record (key 04 or 05); the check byte is computed',
    spec: '§7.3',
    units: ['holder'],
    address: 0x13,
    write: true,
    request: chargeStartRecord,
    reply: chargeStartRecord,
    args: {
      usage: '04|05 on|off',
      min: 2,
      max: 2,
      parse: (a) => chargeStartArgs(parseInteger(a[0], 0, 255, 'key')).parse(a.slice(1)),
    },
  }),
  command({
    name: 'apply-config-record',
    summary: 'the 4-byte write (00 FF FF 00) sent after record writes to S 0x13 or S 0x14',
    spec: '§7.3',
    units: ['holder'],
    address: 0x13,
    write: true,
    defaults: { applyHex: '00 FF FF 00' },
    request: applyRecord,
    reply: applyRecord,
  }),
  command({
    name: 'write-smart-gesture-record',
    summary: 'write the 14-byte Smart Gesture record (ILUMA i); the check byte is computed',
    spec: '§7.1 S 0x14, §7.3',
    units: ['holder'],
    address: 0x14,
    write: true,
    defaults: { keyHex: SMART_GESTURE_KEY, tailHex: '00 FF FF FF FF FF FF 00' },
    request: smartGestureRecordWrite,
    reply: smartGestureRecordWrite,
    args: onOffArgs(),
  }),
  command({
    name: 'apply-smart-gesture-record',
    summary: 'the 4-byte write (00 FF FF 00) that applies the Smart Gesture record',
    spec: '§7.3',
    units: ['holder'],
    address: 0x14,
    write: true,
    defaults: { applyHex: '00 FF FF 00' },
    request: applyRecord,
    reply: applyRecord,
  }),
  command({
    name: 'get-smart-gesture-record',
    summary: 'read the S 0x14 record keyed 05 01 00 00 ([4] = Smart Gesture)',
    spec: '§7.1 S 0x14',
    units: ['holder', 'charger'],
    address: 0x14,
    write: false,
    selector: 0x05,
    defaults: { keyHex: SMART_GESTURE_KEY },
    request: recordKey,
    reply: smartGestureRecord,
    replyArgs: {
      usage: 'on|off',
      parse: (a) => ({ keyHex: SMART_GESTURE_KEY, value: parseOnOff(a[0]) ? 1 : 0 }),
    },
  }),
];
