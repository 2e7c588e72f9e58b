/**
 * Input handlers (docs/device.md §11.2, §12.2, docs/faults.md §15.1): what each does, what each refuses, and
 * malformed inputs.
 */
import { describe, expect, it } from 'vitest';
import { FirmwareError } from './errors.js';
import { Firmware } from './firmware.js';
import type { FirmwareInput } from './types.js';

const rejected = (fw: Firmware) => fw.drainEvents().filter((e) => e.type === 'rejected');

describe('inputs', () => {
  it('refuses what the device cannot do, with a reason, and changes nothing', () => {
    const one = new Firmware('iluma-i-one');
    one.input({ type: 'dock' }, 0);
    expect(rejected(one)).toMatchObject([{ input: 'dock', reason: expect.stringContaining('one-piece') }]);
    const fw = new Firmware('iluma-i', { initial: { docked: true } });
    fw.drainEvents();
    fw.input({ type: 'stick', action: 'insert' }, 0);
    expect(rejected(fw)).toMatchObject([{ reason: 'holder is in the charger' }]);
    fw.input({ type: 'dock' }, 0);
    expect(rejected(fw)).toMatchObject([{ reason: 'holder already docked' }]);
  });

  it('level, connection and counter are test controls', () => {
    const fw = new Firmware('iluma-i');
    fw.input({ type: 'level', unit: 'charger', percent: 33 }, 0);
    fw.input({ type: 'connection', value: 2 }, 0);
    fw.input({ type: 'counter', unit: 'holder', tag: '8e', value: 42 }, 0);
    expect(fw.state.charger.levelPercent).toBe(33);
    expect(fw.state.holder.connection).toBe(2);
    expect(fw.counters().holder['8E']).toBe(42);
  });

  it('an ambient temperature out of range during a session ends it with reason 9', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'ambient', tempC: 45 }, 5_000);
    expect(fw.state.holder.lastExperience.reason).toBe(9);
    expect(fw.status().ambient).toBe(2);
  });

  it('error faults put the unit in ERROR; clearing bits leaves ERROR to a reset', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'fault', fault: 'chargerError', bits: 4 }, 0);
    expect(fw.state.charger.state).toBe('ERROR');
    expect(fw.state.errorCode).toBe(0x0104);
    fw.input({ type: 'clearFault', fault: 'chargerError', bits: 4 }, 1_000);
    expect(fw.state.charger.errorBits).toBe(0);
  });

  it.each([
    [{ type: 'nope' }, 'unknown firmware input'],
    [{ type: 'toString' }, 'unknown firmware input'],
    [{ type: 'ambient' }, 'tempC is required'],
    [{ type: 'usb', power: 'strong' }, 'power must be one of'],
    [{ type: 'level', unit: 'case', percent: 5 }, 'unit'],
    [{ type: 'level', unit: 'charger', percent: 500 }, 'percent'],
    [{ type: 'counter', unit: 'holder', tag: 'XYZ', value: 1 }, 'tag'],
    [{ type: 'cycleCount', value: -1 }, 'value'],
  ])('throws FIRMWARE_INPUT for %j, before any change', (input, text) => {
    const fw = new Firmware('iluma-i');
    const before = JSON.stringify(fw.snapshot());
    expect(() => fw.input(input as unknown as FirmwareInput, 0)).toThrow(FirmwareError);
    expect(() => fw.input(input as unknown as FirmwareInput, 0)).toThrow(text);
    expect(JSON.stringify(fw.snapshot())).toBe(before);
  });
});
