/**
 * The SCP responder against the public record: every request vector gets a well-formed reply (or,
 * with a bad CRC, none), the official-app session of P§11 is answered on every ILUMA model, writes
 * read back and reach the firmware, the clock counts on from a write, and the usage counters follow
 * a session. Replies are checked by decoding them with the protocol layer.
 */
import { describe, expect, it } from 'vitest';
import { Firmware, type FirmwareOptions } from '../../firmware-model/index.js';
import {
  crc8,
  type DecodedFrame,
  decodeFrame,
  type EncodeOptions,
  encodeCommand,
  encodeLongFrame,
  encodeShortFrame,
  hexBytes,
  REPLY_NODE,
  REQUEST_NODE,
  toHex,
  type Unit,
} from '../../protocol/index.js';
import { VECTORS, type Vector } from '../../test/fixtures/vectors.js';
import { type DeviceIdentity, generateIdentity } from './identity.js';
import { type ScpOptions, ScpResponder } from './scp.js';

function device(
  model = 'iluma-i',
  options: FirmwareOptions = {},
  scp: ScpOptions = {},
  identity: Partial<DeviceIdentity> = {},
) {
  const fw = new Firmware(model, options);
  const id = generateIdentity(fw.profile, 7, identity);
  return { fw, scp: new ScpResponder({ firmware: fw, identity: () => id, options: scp }) };
}

function decoded(bytes: Uint8Array): DecodedFrame {
  const result = decodeFrame(bytes);
  if (!result.ok) throw new Error(`${toHex(bytes)} does not decode: ${result.error.message}`);
  return result.value;
}

/** The logical frame of a request vector: USB and multi-packet vectors give it; BLE drops `T`. */
function logical(v: Vector): Uint8Array {
  return v.logicalHex ? hexBytes(v.logicalHex) : hexBytes(v.hex).subarray(1);
}

/** Sends `frame` and returns the one reply, decoded. */
function ask(scp: ScpResponder, frame: Uint8Array, nowMs = 0): DecodedFrame {
  const replies = scp.handleFrame(frame, nowMs);
  expect(replies, toHex(frame)).toHaveLength(1);
  return decoded(replies[0] as Uint8Array);
}

const req = (name: string, options: EncodeOptions = {}) => encodeCommand(name, options);
const short = (unit: Unit, address: number, argument?: number[]) =>
  encodeShortFrame({
    node: REQUEST_NODE[unit],
    address,
    ...(argument ? { payload: Uint8Array.from(argument) } : {}),
  });
const long = (unit: Unit, table: number) => encodeLongFrame({ node: REQUEST_NODE[unit], table });

describe('request vectors (vectors.json) against a fresh ILUMA i', () => {
  const requests = VECTORS.filter((v) => v.kind === 'request');

  it.each(requests.filter((v) => v.crcValid).map((v) => [v.id, v] as const))('%s is answered', (_, v) => {
    const { scp } = device();
    const frame = logical(v);
    const request = decoded(frame);
    const reply = ask(scp, frame, 1000);
    expect(reply.kind).toBe('response');
    expect(reply.nodeByte).toBe(REPLY_NODE[request.unit]);
    expect(reply.unit).toBe(request.unit);
    expect(reply.register).toBe(request.register);
    expect(reply.table).toBe(request.table);
    expect(reply.command).toBe(request.command);
    expect(reply.write).toBe(request.write);
    expect(scp.diag.accepted).toBe(1);
  });

  it.each(
    requests.filter((v) => !v.crcValid).map((v) => [v.id, v] as const),
  )('%s (bad CRC) is dropped without a trace', (_, v) => {
    const { fw, scp } = device();
    const before = fw.snapshot();
    expect(scp.handleFrame(logical(v), 5000)).toEqual([]);
    expect(fw.snapshot()).toEqual(before);
    expect(scp.registers.size).toBe(0);
    expect(scp.diag).toMatchObject({ badCrc: 1, accepted: 0 });
  });

  it('reproduces the captured replies byte for byte where the state matches', () => {
    const { scp } = device('iluma-i', {}, {}, { chargerProductNumber: 'TL2EYY8RM1WQH0' });
    const reply = (id: string) => hexBytes((VECTORS.find((v) => v.id === id) as Vector).hex).subarray(1);
    const send = (hex: string) => toHex(scp.handleFrame(hexBytes(hex), 0)[0] ?? new Uint8Array(0));
    expect(send('C0 00 00 00 00 00')).toBe(toHex(reply('resp-firmware-c0-ilumai')));
    expect(send('C9 00 00 00 00 00')).toBe(toHex(reply('resp-firmware-c9-ilumai')));
    expect(send('C0 00 03 09')).toBe(toHex(reply('resp-product-c0-ilumai')));
    expect(send('C0 01 00 15')).toBe(toHex(reply('resp-deviceinfo-s01-c0-ilumai')));
    expect(send('C9 00 25 FB')).toBe(toHex(reply('resp-flexbattery-c9')));
    expect(send('C9 07 24 01 00 00 00 22')).toBe(toHex(reply('resp-autostart-fixture')));
    expect(send('C9 07 04 04 00 00 00 08')).toBe(toHex(reply('resp-chargevib-on')));
    const echo = (level: number) =>
      toHex(
        encodeShortFrame({
          node: 0x08,
          address: 0x90,
          response: true,
          write: true,
          payload: Uint8Array.of(level, 0, 0, 0),
        }),
      );
    expect(send('C9 44 24 1E 00 00 00 9A')).toBe(echo(0x1e));
    expect(send('C9 00 24 FC')).toBe(toHex(reply('resp-brightness-c9-low')));
    expect(send('C9 44 24 64 00 00 00 34')).toBe(echo(0x64));
    expect(send('C9 00 24 FC')).toBe(toHex(reply('resp-brightness-c9-high')));
    const off = VECTORS.find((v) => v.id === 'req-chargevib-off-record1') as Vector;
    scp.handleFrame(logical(off), 0);
    expect(send('C9 07 04 04 00 00 00 08')).toBe(toHex(reply('resp-chargevib-off')));
  });
});

/** P§11, rows 1–40, block 2 (41–66 = 12–37) and the idle poll, plus the ILUMA i holder reads. */
function officialAppSession(seconds: number): Uint8Array[] {
  const block = [
    short('charger', 0x93, [1, 0, 0, 0]),
    short('charger', 0x181),
    short('charger', 0x05, [1, 0, 0, 0]),
    short('charger', 0x0c),
    short('charger', 0x11),
    short('charger', 0x80),
    short('charger', 0x05, [0, 0, 0, 0]),
    short('charger', 0x82),
    short('charger', 0x03),
    short('charger', 0x90),
    short('charger', 0x14, [5, 1, 0, 0]),
    short('charger', 0x17),
    short('charger', 0x10),
    short('charger', 0x93, [2, 0, 0, 0]),
    short('charger', 0x07),
    short('charger', 0x05, [2, 0, 0, 0]),
    short('charger', 0x04),
    ...[0x0b, 0x0c, 0x0d, 0x0e, 0x0f].map((sel) => short('charger', 0x13, [sel, 0, 0, 0])),
    short('charger', 0x18, [1, 0, 0, 0]),
    short('charger', 0x84),
    short('holder', 0x89, [4, 0, 0, 0]),
    short('holder', 0x89, [3, 0, 0, 0]),
  ];
  return [
    short('charger', 0x01),
    short('charger', 0x00),
    long('charger', 0x0002),
    short('holder', 0x01),
    short('holder', 0x00),
    short('charger', 0x18, [1, 0, 0, 0]),
    long('charger', 0x0001),
    long('charger', 0x0004),
    req('set-clock', { fields: { seconds } }),
    long('charger', 0x0000),
    long('charger', 0x0100),
    ...block,
    short('charger', 0x01),
    long('charger', 0x0101),
    long('charger', 0x0004),
    ...block,
    long('holder', 0x0101),
    long('holder', 0x0004),
    short('holder', 0x84),
    short('charger', 0x01),
    short('charger', 0x01),
  ];
}

/** Reply type and register bytes of P§7.1 for the registers of the session (two-piece / one-piece). */
const HEADERS: Record<string, string | readonly [string, string]> = {
  'C0 0x1': '89 00',
  'C0 0x0': '88 00',
  'C9 0x1': '89 00',
  'C9 0x0': '88 00',
  'C0 0x18': '8C 06',
  'C0 0x93': '87 24',
  'C0 0x181': '85 60',
  'C0 0x5': '85 01',
  'C0 0xc': '88 03',
  'C0 0x11': '85 04',
  'C0 0x80': ['84 20', '8C 20'],
  'C0 0x82': '86 20',
  'C0 0x3': '87 00',
  'C0 0x90': '84 24',
  'C0 0x14': '88 05',
  'C0 0x17': '8F 05',
  'C0 0x10': '84 04',
  'C0 0x7': '87 01',
  'C0 0x4': '84 01',
  'C0 0x13': '8B 04',
  'C0 0x84': ['88 21', '84 21'],
  'C9 0x89': '85 22',
  'C9 0x84': '84 21',
};

describe('official-app session (P§11)', () => {
  const seconds = 500_000_000;
  it.each(['iluma', 'iluma-prime', 'iluma-one', 'iluma-i', 'iluma-i-prime', 'iluma-i-one'])('%s', (model) => {
    const { fw, scp } = device(model);
    const onePiece = fw.profile.parts === 'one-piece';
    let t = 0;
    for (const frame of officialAppSession(seconds)) {
      t += 50;
      const request = decoded(frame);
      const key = `${request.nodeByte.toString(16).toUpperCase()} 0x${(request.register ?? -1).toString(16)}`;
      if (request.register === 0x181 && !onePiece) {
        // P§11: S 0x181 is absent on the two-piece ILUMA i (silent, D-3).
        expect(scp.handleFrame(frame, t)).toEqual([]);
        continue;
      }
      const replies = scp.handleFrame(frame, t);
      expect(replies, key).toHaveLength(1);
      const bytes = replies[0] as Uint8Array;
      const reply = decoded(bytes);
      expect([reply.nodeByte, reply.frame, reply.register, reply.table]).toEqual([
        REPLY_NODE[request.unit],
        request.frame,
        request.register,
        request.table,
      ]);
      if (request.frame === 'long') {
        // P§8.2: read reply type 90; the time-sync write gets the bodiless D0 ACK (D-2).
        expect(bytes[1]).toBe(request.write ? 0xd0 : 0x90);
        if (request.write) expect(reply.payloadHex).toBe('');
        continue;
      }
      const expected = HEADERS[key];
      const header = typeof expected === 'string' ? expected : expected?.[onePiece ? 1 : 0];
      expect(header, key).toBeDefined();
      expect(toHex(bytes.subarray(1, 3)), key).toBe(header);
    }
    // Answered: everything but S 0x181 (twice) on two-piece models.
    expect(scp.diag.accepted).toBe(officialAppSession(seconds).length - (onePiece ? 0 : 2));
    expect(scp.diag.unknownRegister).toBe(onePiece ? 0 : 2);
    expect(scp.diag.badCrc + scp.diag.malformed + scp.diag.unknownNode).toBe(0);
    // The time sync of row 9 reached the firmware.
    expect(fw.rtcSeconds()).toBeGreaterThanOrEqual(seconds);
  });
});

describe('writes read back and reach the firmware', () => {
  function readField(scp: ScpResponder, name: string, options: EncodeOptions = {}) {
    return ask(scp, req(name, options)).fields;
  }

  function write(scp: ScpResponder, name: string, options: EncodeOptions) {
    const frame = req(name, options);
    const echo = scp.handleFrame(frame, 0);
    // D-1: one frame, request type | 0x80, write bit kept, payload = the stored (written) value.
    expect(echo).toHaveLength(1);
    const bytes = echo[0] as Uint8Array;
    expect(bytes[1]).toBe((frame[1] as number) | 0x80);
    expect(toHex(bytes.subarray(2, -1))).toBe(toHex(frame.subarray(2, -1)));
    expect(decoded(bytes).command).toBe(decoded(frame).command);
  }

  it('brightness (C0 S 0x8E, C9 S 0x90)', () => {
    const { fw, scp } = device();
    write(scp, 'set-brightness', { args: ['low'] });
    expect(fw.state.settings.chargerBrightness).toBe(30);
    expect(readField(scp, 'get-brightness')).toMatchObject({ level: 0x1e, levelName: 'low' });
    write(scp, 'set-holder-brightness', { args: ['low'] });
    expect(fw.state.settings.holderBrightness).toBe(30);
    expect(readField(scp, 'get-holder-brightness')).toMatchObject({ level: 0x1e });
    write(scp, 'set-brightness', { args: ['high'] });
    expect(fw.state.settings.chargerBrightness).toBe(100);
    expect(readField(scp, 'get-brightness')).toMatchObject({ level: 0x64, levelName: 'high' });
  });

  it('keeps written bytes as-is while they mean what the firmware holds (D-15)', () => {
    const { fw, scp } = device();
    write(scp, 'set-brightness', { fields: { level: 0x50 } });
    expect(fw.state.settings.chargerBrightness).toBe(30);
    expect(readField(scp, 'get-brightness')).toMatchObject({ level: 0x50, levelName: 'low' });
    fw.input({ type: 'setting', name: 'chargerBrightness', value: 100 }, 0);
    expect(readField(scp, 'get-brightness')).toMatchObject({ level: 0x64 });
    write(scp, 'set-flexbattery', { fields: { mode: 7 } });
    expect(fw.state.settings.flexBattery).toBe('performance');
    expect(readField(scp, 'get-flexbattery')).toMatchObject({ mode: 7 });
  });

  it('vibration flags (S 0x8C)', () => {
    const { fw, scp } = device();
    write(scp, 'set-vibration', { args: ['heating-start,manually-terminated'] });
    expect(fw.state.settings.vibration).toMatchObject({
      heatingStart: true,
      startingToUse: false,
      puffEnd: false,
      manuallyTerminated: true,
    });
    expect(readField(scp, 'get-vibration')).toMatchObject({
      recordByte: 0x10,
      heatingStart: true,
      startingToUse: false,
      puffEnd: false,
      manuallyTerminated: true,
    });
    write(scp, 'set-vibration', { args: ['none'] });
    expect(readField(scp, 'get-vibration')).toMatchObject({ startFlags: 0, endFlags: 0 });
  });

  it('lock and unlock (S 0x10, P§7.2 recipe)', () => {
    const { fw, scp } = device();
    write(scp, 'set-lock', { args: ['lock'] });
    expect(fw.state.settings.lock).toBe(true);
    expect(readField(scp, 'get-lock')).toMatchObject({ state: 2, mask: 0xff, locked: true });
    // The recipe's "confirmation" read of S 0x01 (correct-CRC form).
    expect(ask(scp, hexBytes('C0 01 00 15')).command).toBe('get-device-info');
    write(scp, 'set-lock', { args: ['unlock'] });
    expect(fw.state.settings.lock).toBe(false);
    expect(readField(scp, 'get-lock')).toMatchObject({ state: 0, mask: 0, locked: false });
  });

  it('Auto Start, Pause Mode, Smart Gesture (S 0x93)', () => {
    const { fw, scp } = device();
    write(scp, 'set-auto-start', { args: ['off'] });
    expect(fw.state.settings.autoStart).toBe(false);
    expect(readField(scp, 'get-auto-start')).toMatchObject({ selector: 1, enabled: false });
    write(scp, 'set-pause-mode', { args: ['on'] });
    expect(fw.state.settings.pauseMode).toBe(true);
    expect(readField(scp, 'get-pause-mode')).toMatchObject({ selector: 2, enabled: true });
    write(scp, 'set-smart-gesture', { args: ['off'] });
    expect(fw.state.settings.smartGesture).toBe(false);
    expect(readField(scp, 'get-smart-gesture')).toMatchObject({ selector: 4, enabled: false });
    expect(readField(scp, 'get-smart-gesture-record')).toMatchObject({ value: 0, smartGesture: false });
  });

  it('Smart Gesture through the S 0x14 record (P§7.3 captured ILUMA i sequence)', () => {
    const { fw, scp } = device('iluma-i', { initial: { settings: { smartGesture: false } } });
    const frames = [
      '00 C9 48 05 3C 05 01 00 00 01 00 FF FF FF FF FF FF 00 C0',
      '00 C9 44 05 00 FF FF 00 C3',
    ].map((hex) => hexBytes(hex).subarray(1));
    for (const frame of frames) expect(scp.handleFrame(frame, 0)).toHaveLength(1);
    expect(fw.state.settings.smartGesture).toBe(true);
    expect(ask(scp, hexBytes('C9 04 05 05 01 00 00 6C')).fields).toMatchObject({
      keyHex: '05 01 00 00',
      smartGesture: true,
    });
    expect(readField(scp, 'get-smart-gesture')).toMatchObject({ enabled: true });
    expect(scp.diag.innerCheckMismatch).toBe(0);
  });

  it('FlexPuff on D2 and C9, FlexBattery (S 0x89, S 0x94)', () => {
    const { fw, scp } = device();
    write(scp, 'set-flexpuff', { unit: 'flexpuff', args: ['off'] });
    expect(fw.state.settings.flexPuff).toBe(false);
    expect(readField(scp, 'get-flexpuff', { unit: 'flexpuff' })).toMatchObject({
      selector: 3,
      enabled: false,
    });
    expect(readField(scp, 'get-flexpuff', { unit: 'holder' })).toMatchObject({ enabled: false });
    write(scp, 'set-flexpuff', { unit: 'flexpuff', args: ['on'] });
    expect(fw.state.settings.flexPuff).toBe(true);
    write(scp, 'set-flexbattery', { args: ['eco'] });
    expect(fw.state.settings.flexBattery).toBe('eco');
    expect(readField(scp, 'get-flexbattery')).toMatchObject({ mode: 1, modeName: 'eco' });
  });

  it('charge-start vibration records (S 0x13, P§7.3)', () => {
    const { fw, scp } = device();
    const ids = ['req-chargevib-off-record1', 'req-chargevib-off-record2', 'req-chargevib-commit'];
    for (const id of ids)
      expect(scp.handleFrame(logical(VECTORS.find((v) => v.id === id) as Vector), 0)).toHaveLength(1);
    expect(fw.state.settings.vibration.chargeStart).toBe(false);
    expect(readField(scp, 'get-charge-start-vibration')).toMatchObject({
      value: 9,
      chargeStartVibration: false,
    });
    expect(ask(scp, short('holder', 0x13, [5, 0, 0, 0])).fields).toMatchObject({ selector: 5, value: 9 });
    write(scp, 'write-charge-start-record', { args: ['04', 'on'] });
    expect(fw.state.settings.vibration.chargeStart).toBe(true);
  });

  it('Find My starts and stops the firmware vibration (D-29)', () => {
    const { fw, scp } = device();
    write(scp, 'find-my', { args: ['start'] });
    expect(fw.state.findMyUntilMs).toBeGreaterThan(0);
    write(scp, 'find-my', { args: ['stop'] });
    expect(fw.state.findMyUntilMs).toBe(-1);
    // Ignored, but echoed, on ILUMA i ONE.
    const one = device('iluma-i-one');
    write(one.scp, 'find-my', { args: ['start'] });
    expect(one.fw.state.findMyUntilMs).toBe(-1);
  });

  it('write replies follow D-1 (echo / none / ack)', () => {
    const frame = req('set-brightness', { args: ['low'] });
    const none = device('iluma-i', {}, { writeReply: 'none' });
    expect(none.scp.handleFrame(frame, 0)).toEqual([]);
    expect(none.fw.state.settings.chargerBrightness).toBe(30);
    expect(none.scp.diag.accepted).toBe(1);
    const ack = device('iluma-i', {}, { writeReply: 'ack' });
    expect(toHex(ack.scp.handleFrame(frame, 0)[0] ?? new Uint8Array(0))).toBe(
      toHex(
        encodeShortFrame({
          node: 0xc0,
          address: 0x8e,
          response: true,
          write: true,
          payload: new Uint8Array(4),
        }),
      ),
    );
  });

  it('a model without the feature does not know the write (P§1.3, D-3)', () => {
    const { fw, scp } = device('iluma');
    expect(scp.handleFrame(req('set-flexbattery', { args: ['eco'] }), 0)).toEqual([]);
    expect(scp.handleFrame(req('get-flexbattery'), 0)).toEqual([]);
    expect(fw.state.settings.flexBattery).toBe('performance');
    expect(scp.diag.unknownRegister).toBe(2);
  });
});

describe('clock (P§8)', () => {
  it('counts on from the written seconds', () => {
    const { fw, scp } = device();
    const seconds = 473_385_600; // 2025-01-01T00:00:00Z
    const ack = scp.handleFrame(hexBytes('C0 50 06 00 04 80 4A 37 1C C1 7B'), 1000);
    expect(ack.map((f) => toHex(f))).toEqual([
      toHex(encodeLongFrame({ node: 0xc0, table: 4, response: true, write: true })),
    ]);
    expect(toHex(ack[0]?.subarray(1, 5) ?? new Uint8Array(0))).toBe('D0 02 00 04');
    // P§4.6 synthetic reply example: read at the time of the write.
    expect(toHex(scp.handleFrame(long('charger', 4), 1000)[0] ?? new Uint8Array(0))).toBe(
      'C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9',
    );
    expect(ask(scp, long('charger', 4), 13_345).fields).toMatchObject({ seconds: seconds + 12 });
    expect(ask(scp, req('get-rtc'), 61_000).fields).toMatchObject({ seconds: seconds + 60 });
    // P§8.1: the holder keeps its own clock; the case's write does not set it (it started at 0).
    expect(ask(scp, long('holder', 4), 61_999).fields).toMatchObject({ seconds: 61 });
    expect(ask(scp, req('get-rtc', { unit: 'holder' }), 61_999).fields).toMatchObject({ seconds: 61 });
    expect(fw.rtcSeconds()).toBe(seconds + 60);
  });

  it('the holder clock is read-only (D-14)', () => {
    const { scp } = device();
    const write = encodeLongFrame({ node: 0xc9, table: 4, write: true, data: new Uint8Array(4) });
    expect(scp.handleFrame(write, 0)).toEqual([]);
    expect(scp.diag.readOnlyWrite).toBe(1);
  });
});

describe('usage counters (P§9)', () => {
  it('a completed stick adds one to 8E and 20 (holder) and 1E (case)', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    const scp = new ScpResponder({ firmware: fw, identity: () => generateIdentity(fw.profile, 3) });
    const blocks = (unit: Unit, t: number) =>
      (ask(scp, long(unit, 0x0101), t).fields.blocks as { tag: number; value: number; index: number }[]).map(
        (b) => [b.tag.toString(16).toUpperCase(), b.value] as const,
      );
    const before = blocks('charger', 0);
    expect(before.map(([tag]) => tag)).toEqual(['1E', '1D', '17', '18', '14']);
    // D-13: the holder is out of the case, so C9 is silent.
    expect(scp.handleFrame(long('holder', 0x0101), 0)).toEqual([]);
    expect(scp.diag.holderUnreachable).toBe(1);

    fw.input({ type: 'stick', action: 'insert' }, 1000);
    fw.advanceTo(401_000);
    fw.input({ type: 'dock' }, 402_000);

    const charger = new Map(blocks('charger', 403_000));
    expect(charger.get('1E')).toBe((new Map(before).get('1E') ?? 0) + 1);
    const holder = blocks('holder', 403_000);
    expect(holder.map(([tag]) => tag)).toEqual(['8E', '20', '17', '18']);
    expect(new Map(holder).get('8E')).toBe(1);
    expect(new Map(holder).get('20')).toBe(1);
    // The short registers of the USB clients agree (P§9.4).
    expect(ask(scp, req('get-usage-totals'), 403_000).fields).toMatchObject({
      sticks: 1,
      usageQuarterSeconds: fw.state.counters.lifetimeUsageQuarterSeconds,
      puffs: fw.state.counters.lifetimePuffs,
    });
    const session = ask(scp, req('get-last-session'), 403_000).fields;
    expect(session.durationQuarterSeconds).toBe(fw.state.counters.lastSessionQuarterSeconds);
    expect(Number(session.durationQuarterSeconds)).toBeGreaterThan(0);
  });

  it('the one-piece unit answers its block set on C0 (L = 0x22)', () => {
    const { scp } = device('iluma-i-one');
    const frame = scp.handleFrame(long('charger', 0x0101), 0)[0] as Uint8Array;
    expect(frame[2]).toBe(0x22);
    const tags = (decoded(frame).fields.blocks as { tag: number }[]).map((b) => b.tag);
    expect(tags).toEqual([0x8e, 0x1d, 0x17, 0x18]);
  });
});

describe('acceptance rules (P§4.7, D-3…D-16)', () => {
  it('drops unknown registers, unserved nodes and read-only writes silently, and counts them', () => {
    const { fw, scp } = device('iluma');
    const before = fw.snapshot();
    expect(scp.handleFrame(short('charger', 0x3ff), 0)).toEqual([]); // D-3
    expect(scp.handleFrame(short('holder', 0x93, [9, 0, 0, 0]), 0)).toEqual([]); // D-3 selector
    expect(scp.handleFrame(req('get-flexpuff', { unit: 'flexpuff' }), 0)).toEqual([]); // D-12
    expect(
      scp.handleFrame(
        encodeShortFrame({ node: 0xc0, address: 0x0c, write: true, payload: new Uint8Array(4) }),
        0,
      ),
    ).toEqual([]); // D-14
    expect(scp.handleFrame(encodeLongFrame({ node: 0xc0, table: 0x0101, write: true }), 0)).toEqual([]); // D-14
    expect(scp.handleFrame(hexBytes('C0 02'), 0)).toEqual([]); // D-6 too short
    const cut = Uint8Array.of(0xc0, 0x06, 0x23, crc8(Uint8Array.of(0x06, 0x23)));
    expect(scp.handleFrame(cut, 0)).toEqual([]); // D-6 payload shorter than its length code
    const reply = encodeShortFrame({ node: 0xc0, address: 0x8e, response: true, payload: new Uint8Array(4) });
    expect(scp.handleFrame(reply, 0)).toEqual([]); // a reply frame sent to the device
    expect(scp.diag).toMatchObject({
      unknownRegister: 2,
      unknownNode: 1,
      readOnlyWrite: 2,
      malformed: 3,
      accepted: 0,
    });
    expect(fw.snapshot().state.settings).toEqual(before.state.settings);
  });

  it('answers unknown registers with zeros when configured (D-3 alternative)', () => {
    const { scp } = device('iluma-i', {}, { unknownRegister: 'zeros' });
    const reply = ask(scp, short('charger', 0x3ff));
    expect([reply.register, reply.payloadHex]).toEqual([0x3ff, '00 00 00 00']);
  });

  it('accepts the 7-byte and 6-byte firmware reads and counts them as oversize (D-7)', () => {
    const { scp } = device();
    expect(ask(scp, hexBytes('C0 00 00 00 00 00')).command).toBe('get-firmware');
    expect(ask(scp, hexBytes('C0 00 00 01 07')).fields).toMatchObject({ version: '135.5.0.33' });
    expect(scp.diag.oversize).toBe(2);
  });

  it('legacy models answer no SCP at all', () => {
    const { scp } = device('iqos-3');
    expect(scp.handleFrame(short('charger', 0x8e), 0)).toEqual([]);
    expect(scp.diag.unknownNode).toBe(1);
  });

  it('counts inner-check mismatches and drops them only when validating (D-16)', () => {
    // The captured enable record with its inner check byte zeroed (the frame CRC is right).
    const bad = encodeShortFrame({
      node: 0xc9,
      address: 0x14,
      write: true,
      payload: hexBytes('00 05 01 00 00 01 00 FF FF FF FF FF FF 00'),
    });
    const lax = device('iluma-i', { initial: { settings: { smartGesture: false } } });
    expect(lax.scp.handleFrame(bad, 0)).toHaveLength(1);
    expect(lax.fw.state.settings.smartGesture).toBe(true);
    expect(lax.scp.diag.innerCheckMismatch).toBe(1);
    const strict = device(
      'iluma-i',
      { initial: { settings: { smartGesture: false } } },
      { validateInnerCheck: true },
    );
    expect(strict.scp.handleFrame(bad, 0)).toEqual([]);
    expect(strict.fw.state.settings.smartGesture).toBe(false);
    expect(strict.scp.diag.innerCheckMismatch).toBe(1);
  });

  it('the register store round-trips through toJSON / load', () => {
    const a = device();
    a.scp.handleFrame(req('set-brightness', { fields: { level: 0x50 } }), 0);
    a.scp.registers.set('C0.0x01', hexBytes('01 00 02 00 03 00 04 00 05 00 06 00 07 00'));
    const json = JSON.parse(JSON.stringify(a.scp.registers)) as Record<string, string>;
    expect(json).toMatchObject({ 'C0.0x8E': '50 00 00 00' });
    const b = new ScpResponder({
      firmware: new Firmware('iluma-i', { snapshot: a.fw.snapshot() }),
      identity: () => generateIdentity(a.fw.profile, 7),
      registers: json,
    });
    expect(ask(b, req('get-brightness')).fields).toMatchObject({ level: 0x50 });
    expect(ask(b, req('get-device-info')).fields).toMatchObject({ word0: 1, word6: 7 });
  });
});
