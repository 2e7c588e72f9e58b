/**
 * Register overrides (overrides.ts, docs/simulator.md): for every register family the device
 * computes, an override is answered byte for byte over BLE and over USB, wins over values clients
 * wrote, survives a snapshot, and bad override sets are refused with SIM_OVERRIDES.
 */
import { describe, expect, it } from 'vitest';
import { allProfiles } from '../../firmware-model/index.js';
import {
  COMMANDS,
  encodeLongFrame,
  encodeShortFrame,
  hexBytes,
  REQUEST_NODE,
  toHex,
  type Unit,
} from '../../protocol/index.js';
import { runExchange } from '../client/exchange.js';
import { SimulatorError } from '../errors.js';
import { createVirtualDevice } from './device.js';
import { canonicalOverrideKey, checkOverrides, parseOverrides } from './overrides.js';
import { registerKey, tableKey } from './scp-store.js';

const short = (unit: Unit, address: number, argument?: number[]) =>
  encodeShortFrame({
    node: REQUEST_NODE[unit],
    address,
    ...(argument ? { payload: Uint8Array.from(argument) } : {}),
  });
const long = (unit: Unit, table: number) => encodeLongFrame({ node: REQUEST_NODE[unit], table });
const sel = (s: number) => [s, 0, 0, 0];

/** Payload of a short reply (after node, type, register; before the CRC) or data of a long one. */
function payloadOf(replyHex: string): string {
  const bytes = hexBytes(replyHex);
  const long = ((bytes[1] ?? 0) & 0x10) !== 0;
  return toHex(long ? bytes.subarray(5, bytes.length - 2) : bytes.subarray(3, bytes.length - 1));
}

async function answer(
  model: string,
  frame: Uint8Array,
  transport: 'ble' | 'usb',
  overrides?: Record<string, string>,
): Promise<string | undefined> {
  const [exchange] = await runExchange([frame], {
    model,
    transport,
    device: overrides ? { overrides } : {},
  });
  const reply = exchange?.replies[0];
  return reply === undefined ? undefined : payloadOf(reply);
}

const bytes24 = (first: number) => Array.from({ length: 24 }, (_, i) => (first + i) & 0xff);
const hex = (values: number[]) => toHex(Uint8Array.from(values));

/** One row per register family the device computes: model, request, override key, pinned payload. */
const FAMILIES: readonly { family: string; model: string; frame: Uint8Array; key: string; value: string }[] =
  [
    {
      family: 'battery: C0 S 0x90 %',
      model: 'iluma-i-one',
      frame: short('charger', 0x90),
      key: 'C0.0x90',
      value: '38 00 00 00',
    },
    {
      family: 'battery: C0 S 0x181 indicator',
      model: 'iluma-i-one',
      frame: short('charger', 0x181),
      key: 'C0.0x181',
      value: '21 00 34 12',
    },
    {
      family: 'battery: C9 S 0x83 voltage',
      model: 'iluma-i-one',
      frame: short('holder', 0x83),
      key: 'C9.0x83',
      value: 'A0 0F 00 00',
    },
    {
      family: 'battery: C9 S 0x84 holder mV',
      model: 'iluma-i',
      frame: short('holder', 0x84),
      key: 'C9.0x84',
      value: '74 0E 00 00',
    },
    {
      family: 'thermal: C0 S 0x84',
      model: 'iluma-i-one',
      frame: short('charger', 0x84),
      key: 'C0.0x84',
      value: 'FF 05 00 00',
    },
    {
      family: 'selector: D2 S 0x89 FlexPuff',
      model: 'iluma-i',
      frame: short('flexpuff', 0x89, sel(3)),
      key: 'D2.0x89.03',
      value: '03 00 00 00',
    },
    {
      family: 'selector: C9 S 0x89 sel 03',
      model: 'iluma-i-one',
      frame: short('holder', 0x89, sel(3)),
      key: 'C9.0x89.03',
      value: '03 01 00 00',
    },
    {
      family: 'selector: C9 S 0x14 Smart Gesture',
      model: 'iluma-i',
      frame: short('holder', 0x14, [5, 1, 0, 0]),
      key: 'C9.0x14.05',
      value: hex([5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    },
    {
      family: 'selector: C0 S 0x14 (one-piece)',
      model: 'iluma-i-one',
      frame: short('charger', 0x14, [5, 1, 0, 0]),
      key: 'C0.0x14',
      value: hex([5, 1, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9]),
    },
    {
      family: 'selector: C9 S 0x93 Auto Start',
      model: 'iluma-i',
      frame: short('holder', 0x93, sel(1)),
      key: 'C9.0x93.01',
      value: '01 00 00 00',
    },
    {
      family: 'selector: C9 S 0x93 Pause Mode',
      model: 'iluma-i',
      frame: short('holder', 0x93, sel(2)),
      key: 'C9.0x93.02',
      value: '02 01 00 00',
    },
    {
      family: 'selector: C9 S 0x13 charge-start',
      model: 'iluma-i',
      frame: short('holder', 0x13, sel(4)),
      key: 'C9.0x13.04',
      value: hex([4, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]),
    },
    {
      family: 'setting: C0 S 0x8E brightness',
      model: 'iluma-i',
      frame: short('charger', 0x8e),
      key: 'C0.0x8E',
      value: '50 00 00 00',
    },
    {
      family: 'setting: C9 S 0x90 brightness',
      model: 'iluma-i',
      frame: short('holder', 0x90),
      key: 'C9.0x90',
      value: '1E 00 00 00',
    },
    {
      family: 'setting: C9 S 0x10 lock',
      model: 'iluma-i',
      frame: short('holder', 0x10),
      key: 'C9.0x10',
      value: '02 FF 00 00',
    },
    {
      family: 'setting: C9 S 0x8C vibration',
      model: 'iluma-i',
      frame: short('holder', 0x8c),
      key: 'C9.0x8C',
      value: '03 00 10 01',
    },
    {
      family: 'setting: C9 S 0x94 FlexBattery',
      model: 'iluma-i',
      frame: short('holder', 0x94),
      key: 'C9.0x94',
      value: '01 00 00 00',
    },
    {
      family: 'counters: C9 S 0x86 totals',
      model: 'iluma-i-one',
      frame: short('holder', 0x86),
      key: 'C9.0x86',
      value: hex(bytes24(0x10)),
    },
    {
      family: 'counters: C9 S 0x85 last session',
      model: 'iluma-i-one',
      frame: short('holder', 0x85),
      key: 'C9.0x85',
      value: hex(bytes24(0x40)),
    },
    {
      family: 'counters: C0 table 01 01',
      model: 'iluma-i',
      frame: long('charger', 0x0101),
      key: 'C0.table.0101',
      value: '00 00 00 00 05 00 00 1E 01 00 00 00 07 00 00 17',
    },
    {
      family: 'counters: C9 table 01 01',
      model: 'iluma-i',
      frame: long('holder', 0x0101),
      key: 'C9.table.0101',
      value: '00 00 00 00 2A 00 00 8E',
    },
    {
      family: 'clock: C0 S 0x04',
      model: 'iluma-i',
      frame: short('charger', 0x04),
      key: 'C0.0x04',
      value: '80 4A 37 1C',
    },
    {
      family: 'clock: C9 S 0x04',
      model: 'iluma-i',
      frame: short('holder', 0x04),
      key: 'C9.0x04',
      value: '00 10 37 1C',
    },
    {
      family: 'clock: C0 table 00 04',
      model: 'iluma-i',
      frame: long('charger', 0x0004),
      key: 'C0.table.0004',
      value: 'DA 07 01 01 80 4A 37 1C',
    },
    {
      family: 'clock: C9 table 00 04',
      model: 'iluma-i',
      frame: long('holder', 0x0004),
      key: 'C9.table.0004',
      value: 'DA 07 01 01 01 00 00 00',
    },
    {
      family: 'errors: C0 S 0x03 error-log date',
      model: 'iluma-i-one',
      frame: short('charger', 0x03),
      key: 'C0.0x03',
      value: 'E9 07 06 0A',
    },
    {
      family: 'errors: C0 S 0x82 error state',
      model: 'iluma-i-one',
      frame: short('charger', 0x82),
      key: 'C0.0x82',
      value: '01 02 00 00',
    },
    {
      family: 'stick: C0 S 0x81',
      model: 'iluma-i-one',
      frame: short('charger', 0x81),
      key: 'C0.0x81',
      value: '16 00 00 00',
    },
    {
      family: 'identity: C0 S 0x00 firmware',
      model: 'iluma-i',
      frame: short('charger', 0x00),
      key: 'C0.0x00',
      value: hex([0x10, 0, 136, 1, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8]),
    },
    {
      family: 'identity: C9 S 0x0C product number',
      model: 'iluma-i',
      frame: short('holder', 0x0c),
      key: 'C9.0x0C',
      value: toHex(new TextEncoder().encode('TABCDEFGHIJKLM')),
    },
    {
      family: 'identity: C9 S 0x88 model code',
      model: 'iluma-i-one',
      frame: short('holder', 0x88),
      key: 'C9.0x88',
      value: toHex(new TextEncoder().encode('M0099\0\0\0\0\0\0\0\0\0')),
    },
    {
      family: 'opaque: C0 S 0x01 device info',
      model: 'iluma-i',
      frame: short('charger', 0x01),
      key: 'C0.0x01',
      value: hex(Array.from({ length: 14 }, (_, i) => i)),
    },
    {
      family: 'opaque: C0 table 00 02',
      model: 'iluma-i',
      frame: long('charger', 0x0002),
      key: 'C0.table.0002',
      value: '01 02 03',
    },
  ];

describe('register overrides win byte for byte', () => {
  for (const row of FAMILIES)
    for (const transport of ['ble', 'usb'] as const)
      it(`${row.family} over ${transport}`, async () => {
        const computed = await answer(row.model, row.frame, transport);
        expect(computed, 'the register is answered without an override').toBeDefined();
        expect(computed).not.toBe(row.value);
        expect(await answer(row.model, row.frame, transport, { [row.key]: row.value })).toBe(row.value);
      });

  it('makes a register the model lacks answer (S 0x181 on a two-piece ILUMA i)', async () => {
    const frame = short('charger', 0x181);
    expect(await answer('iluma-i', frame, 'ble')).toBeUndefined();
    expect(await answer('iluma-i', frame, 'ble', { 'C0.0x181': '40 00 00 00' })).toBe('40 00 00 00');
  });

  it('a selector override wins over the register-wide one; other selectors keep the register-wide one', async () => {
    const overrides = { 'C9.0x93': '09 09 00 00', 'c9.0X93.1': '01 00 00 00' };
    expect(await answer('iluma-i', short('holder', 0x93, sel(1)), 'ble', overrides)).toBe('01 00 00 00');
    expect(await answer('iluma-i', short('holder', 0x93, sel(2)), 'ble', overrides)).toBe('09 09 00 00');
  });

  it('wins over a value a client wrote, while the write still reaches the firmware', async () => {
    const write = encodeShortFrame({
      node: 0xc0,
      address: 0x8e,
      write: true,
      payload: hexBytes('1E 00 00 00'),
    });
    const device = createVirtualDevice({ model: 'iluma-i', overrides: { 'C0.0x8E': '64 00 00 00' } });
    const [, read] = await runExchange([write, short('charger', 0x8e)], {
      model: 'iluma-i',
      device: { overrides: { 'C0.0x8E': '64 00 00 00' } },
    });
    expect(payloadOf(read?.replies[0] ?? '')).toBe('64 00 00 00');
    device.scp.handleFrame(write, 0);
    expect(device.firmware.state.settings.chargerBrightness).toBe(30);
  });

  it('survives a snapshot and a factory reset', () => {
    const device = createVirtualDevice({ model: 'iluma-i-one', overrides: { 'C0.0x90': '11 00 00 00' } });
    const restored = createVirtualDevice({ model: 'iluma-i-one', snapshot: device.snapshot() });
    const read = () => toHex(restored.scp.handleFrame(short('charger', 0x90), 0)[0] ?? new Uint8Array(0));
    expect(read()).toContain('11 00 00 00');
    restored.factoryReset(0);
    expect(read()).toContain('11 00 00 00');
  });
});

describe('every catalogue register any model answers can be pinned', () => {
  const CATALOGUE_ADDRESSES = [
    ...new Set(COMMANDS.flatMap((c) => (c.address === undefined ? [] : [c.address]))),
  ].sort((x, y) => x - y);
  const ARGUMENTS: (number[] | undefined)[] = [
    undefined,
    ...[0, 1, 2, 3, 4, 5, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f].map(sel),
    [5, 1, 0, 0],
  ];
  for (const profile of allProfiles().filter((p) => p.info.scp))
    it(`${profile.id}: each answered register and table returns its override byte for byte`, () => {
      const device = createVirtualDevice({ model: profile.id });
      device.input({ type: 'dock' }, 0); // C9 answers only with the holder in its case (D-13)
      const scp = device.scp;
      const probes: { frame: Uint8Array; key: string; size: number }[] = [];
      for (const unit of profile.info.units) {
        for (const address of CATALOGUE_ADDRESSES)
          for (const argument of ARGUMENTS) {
            const frame = short(unit, address, argument);
            const [reply] = scp.handleFrame(frame, 0);
            if (!reply) continue;
            const key = registerKey(unit, address, argument?.[0]);
            probes.push({ frame, key, size: reply.length - 4 });
          }
        for (const table of [0x0000, 0x0001, 0x0002, 0x0004, 0x0100, 0x0101]) {
          const frame = long(unit, table);
          if (scp.handleFrame(frame, 0).length === 0) continue;
          probes.push({ frame, key: tableKey(unit, table), size: 9 });
        }
      }
      expect(probes.length).toBeGreaterThan(20);
      const pinned = Object.fromEntries(
        probes.map((p, i) => [p.key, hex(Array.from({ length: p.size }, (_, j) => (i * 7 + j + 1) & 0xff))]),
      );
      scp.setOverrides(pinned);
      for (const p of probes) {
        const [reply] = scp.handleFrame(p.frame, 0);
        expect(payloadOf(toHex(reply ?? new Uint8Array(0))), p.key).toBe(pinned[p.key]);
      }
    });
});

describe('override keys and values', () => {
  it('canonicalises keys', () => {
    expect(canonicalOverrideKey('c0.0x8e')).toBe('C0.0x8E');
    expect(canonicalOverrideKey('C9.0x93.1')).toBe('C9.0x93.01');
    expect(canonicalOverrideKey('c0.TABLE.4')).toBe('C0.table.0004');
    expect(canonicalOverrideKey('C0.0x181')).toBe('C0.0x181');
  });

  it.each([
    [{ 'C1.0x90': '00 00 00 00' }, 'C0, C9 or D2'],
    [{ 'C0.90': '00 00 00 00' }, 'not <node>'],
    [{ 'C0.0x400': '00 00 00 00' }, '0x3FF'],
    [{ 'C0.0x90': '00 00 00' }, '4, 14 or 24'],
    [{ 'C0.0x90': 'zz' }, 'not hex'],
    [{ 'C0.0x90': 5 }, 'hex string'],
    [{ 'C0.table.0002': '00 '.repeat(56) }, 'at most 55'],
    [{ 'C0.0x90': '00 00 00 00', 'c0.0x90': '01 00 00 00' }, 'repeats'],
  ])('refuses %j with SIM_OVERRIDES', (registers, message) => {
    expect(() => checkOverrides(registers)).toThrow(message);
    try {
      checkOverrides(registers);
    } catch (error) {
      expect((error as SimulatorError).code).toBe('SIM_OVERRIDES');
    }
  });

  it('reads the file form and a bare map; refuses other formats and fields', () => {
    const registers = { 'C0.0x90': '38 00 00 00' };
    expect(parseOverrides({ format: 'iqsim-overrides', version: 1, registers })).toEqual(registers);
    expect(parseOverrides(registers)).toEqual(registers);
    expect(() => parseOverrides({ format: 'iqsim-device', version: 1 })).toThrow(SimulatorError);
    expect(() => parseOverrides({ format: 'iqsim-overrides', version: 1, registers, extra: 1 })).toThrow(
      "unknown field 'extra'",
    );
    expect(() => parseOverrides([])).toThrow('JSON object');
  });

  it('a bad set leaves the device unchanged', () => {
    const device = createVirtualDevice({ model: 'iluma-i', overrides: { 'C0.0x8E': '64 00 00 00' } });
    expect(() => device.scp.setOverrides({ 'C0.0x8E': '1' })).toThrow(SimulatorError);
    expect(device.scp.overrides.toJSON()).toEqual({ 'C0.0x8E': '64 00 00 00' });
  });
});
