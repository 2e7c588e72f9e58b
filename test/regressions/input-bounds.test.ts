/**
 * Issue 10 "bounds everywhere": out-of-range numbers are refused at the call that passes them, with a
 * code, and never thrown later from inside the clock. Each of these threw PROTOCOL_RANGE out of the
 * clock (or hung) before the fix.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from '../../firmware-model/index.js';
import { createVirtualDevice, FaultInjector, VirtualClock } from '../../simulator/index.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('firmware inputs out of range are refused at the call', () => {
  it.each([
    [{ type: 'ambient', tempC: 256 }],
    [{ type: 'ambient', tempC: -41 }],
    [{ type: 'fault', fault: 'holderError', bits: 256 }],
    [{ type: 'fault', fault: 'chargerError', bits: 1.5 }],
    [{ type: 'clearFault', fault: 'holderWarning', bits: -1 }],
    [{ type: 'level', unit: 'holder', percent: 101 }],
    [{ type: 'counter', unit: 'holder', tag: '8E', value: 0x100_0000 }],
    [{ type: 'counter', unit: 'holder', tag: 'XYZ', value: 1 }],
    [{ type: 'connection', value: 4 }],
    [{ type: 'puff', durationMs: 1e9 }],
    [{ type: 'puff', flowMlS: 0 }],
  ])('%j: FIRMWARE_INPUT, and the device goes on working', (input) => {
    const device = createVirtualDevice({ model: 'iluma-i' });
    expect(codeOf(() => device.input(input as never, 10))).toBe('FIRMWARE_INPUT');
    // Before: the value was stored and building the battery or status record threw PROTOCOL_RANGE.
    expect(() => device.handleTimeout(120_000)).not.toThrow();
    expect(device.firmware.state.environment.ambientC).toBe(22);
    expect(device.firmware.state.holder.errorBits).toBe(0);
  });

  it('the edges themselves are accepted', () => {
    const device = createVirtualDevice({ model: 'iluma-i' });
    device.input({ type: 'ambient', tempC: 85 }, 0);
    device.input({ type: 'ambient', tempC: -40 }, 1);
    device.input({ type: 'fault', fault: 'holderWarning', bits: 255 }, 2);
    expect(() => device.handleTimeout(60_000)).not.toThrow();
  });

  it('a fault injected for later with bits 256 or an ambient of 300 °C is refused when scheduled', () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const faults = new FaultInjector({ clock, device, seed: 1 });
    expect(codeOf(() => faults.at(1000).inject('F-08', { bits: 256 }))).toBe('SIM_BAD_INPUT');
    expect(codeOf(() => faults.at(1000).inject('F-01', { tempC: 300 }))).toBe('SIM_BAD_INPUT');
    expect(codeOf(() => faults.inject('F-12', { bits: 0x1ff }))).toBe('SIM_BAD_INPUT');
    expect(codeOf(() => faults.inject('F-11', { value: 9 }))).toBe('SIM_BAD_INPUT');
    expect(codeOf(() => faults.at(1000).inject('F-07', { count: 1e8 }))).toBe('SIM_BAD_INPUT');
    expect(codeOf(() => faults.at(1000).inject('F-08', { bitz: 1 } as never))).toBe('SIM_BAD_INPUT');
    expect(device.firmware.state.holder.errorBits).toBe(0);
  });
});

describe('parameters and initial conditions out of range', () => {
  it.each([
    [{ heater: { tickHz: 1e9 } }],
    [{ heater: { tickHz: 0 } }],
    [{ heater: { reportEveryMs: 1e-6 } }],
    [{ holder: { recheckSeconds: 1e-9 } }],
    [{ environment: { ambientC: 300 } }],
    [{ session: { maxPuffs: Number.NaN } }],
  ])('params %j: FIRMWARE_PARAM', (params) => {
    expect(codeOf(() => new Firmware('iluma-i', { params: params as never }))).toBe('FIRMWARE_PARAM');
  });

  it.each([
    [{ ambientC: 300 }],
    [{ chargerPercent: 150 }],
    [{ rtcSeconds: -1 }],
    [{ rtcSeconds: 2 ** 32 }],
  ])('initial %j: FIRMWARE_PARAM', (initial) => {
    expect(codeOf(() => new Firmware('iluma-i', { initial }))).toBe('FIRMWARE_PARAM');
  });
});
