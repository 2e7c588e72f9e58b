/**
 * The SCP responder against the public record: every request vector gets a well-formed reply (or,
 * with a bad CRC, none), the official-app session of docs/protocol.md §11 is answered on every ILUMA model,
 * and writes read back and reach the firmware (clock, counters and acceptance rules: scp-rules.test.ts).
 * Replies are checked by decoding them with the protocol layer.
 */
import { describe, expect, it } from 'vitest';
import { type EncodeOptions, encodeShortFrame, hexBytes, REPLY_NODE, toHex } from '../../protocol/index.js';
import { VECTORS, type Vector } from '../../test/fixtures/vectors.js';
import { ask, decoded, device, logical, long, req, short } from '../../test/helpers/scp.js';
import type { ScpResponder } from './scp.js';

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

/**
 * docs/protocol.md §11, rows 1–40, block 2 (41–66 = 12–37) and the idle poll, plus the ILUMA i holder reads.
 */
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

/**
 * Reply type and register bytes of docs/protocol.md §7.1 for the registers of the session (two-piece /
 * one-piece).
 */
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

describe('official-app session (docs/protocol.md §11)', () => {
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
        // docs/protocol.md §11: S 0x181 is absent on the two-piece ILUMA i (silent, D-3).
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
        // docs/protocol.md §8.2: read reply type 90; the time-sync write gets the bodiless D0 ACK (D-2).
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

  it('lock and unlock (S 0x10, docs/protocol.md §7.2 recipe)', () => {
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

  it('Smart Gesture through the S 0x14 record (docs/protocol.md §7.3 captured ILUMA i sequence)', () => {
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

  it('charge-start vibration records (S 0x13, docs/protocol.md §7.3)', () => {
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

  it('a model without the feature does not know the write (docs/protocol.md §1.3, D-3)', () => {
    const { fw, scp } = device('iluma');
    expect(scp.handleFrame(req('set-flexbattery', { args: ['eco'] }), 0)).toEqual([]);
    expect(scp.handleFrame(req('get-flexbattery'), 0)).toEqual([]);
    expect(fw.state.settings.flexBattery).toBe('performance');
    expect(scp.diag.unknownRegister).toBe(2);
  });
});
