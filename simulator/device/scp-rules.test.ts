/**
 * The SCP responder's clock (docs/protocol.md §8), usage counters (docs/protocol.md §9) and acceptance rules
 * (docs/protocol.md §4.7, D-3…D-16), split from scp.test.ts. Replies are checked by decoding them with the
 * protocol layer.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from '../../firmware-model/index.js';
import { crc8, encodeLongFrame, encodeShortFrame, hexBytes, toHex, type Unit } from '../../protocol/index.js';
import { ask, decoded, device, long, req, short } from '../../test/helpers/scp.js';
import { generateIdentity } from './identity.js';
import { ScpResponder } from './scp.js';

describe('clock (docs/protocol.md §8)', () => {
  it('counts on from the written seconds', () => {
    const { fw, scp } = device();
    const seconds = 473_385_600; // 2025-01-01T00:00:00Z
    const ack = scp.handleFrame(hexBytes('C0 50 06 00 04 80 4A 37 1C C1 7B'), 1000);
    expect(ack.map((f) => toHex(f))).toEqual([
      toHex(encodeLongFrame({ node: 0xc0, table: 4, response: true, write: true })),
    ]);
    expect(toHex(ack[0]?.subarray(1, 5) ?? new Uint8Array(0))).toBe('D0 02 00 04');
    // docs/protocol.md §4.6 synthetic reply example: read at the time of the write.
    expect(toHex(scp.handleFrame(long('charger', 4), 1000)[0] ?? new Uint8Array(0))).toBe(
      'C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9',
    );
    expect(ask(scp, long('charger', 4), 13_345).fields).toMatchObject({ seconds: seconds + 12 });
    expect(ask(scp, req('get-rtc'), 61_000).fields).toMatchObject({ seconds: seconds + 60 });
    // docs/protocol.md §8.1: the holder keeps its own clock; the case's write does not set it (it started at
    // 0).
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

describe('usage counters (docs/protocol.md §9)', () => {
  it('a completed stick adds one to 8E and 20 (holder) and 1E (case)', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    const scp = new ScpResponder({ firmware: () => fw, identity: () => generateIdentity(fw.profile, 3) });
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
    // The short registers of the USB clients agree (docs/protocol.md §9.4).
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

describe('acceptance rules (docs/protocol.md §4.7, D-3…D-16)', () => {
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
    const restored = new Firmware('iluma-i', { snapshot: a.fw.snapshot() });
    const b = new ScpResponder({
      firmware: () => restored,
      identity: () => generateIdentity(a.fw.profile, 7),
      registers: json,
    });
    expect(ask(b, req('get-brightness')).fields).toMatchObject({ level: 0x50 });
    expect(ask(b, req('get-device-info')).fields).toMatchObject({ word0: 1, word6: 7 });
  });
});
