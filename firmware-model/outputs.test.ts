/**
 * Clocks (docs/protocol.md §8.1: case and holder apart on two-piece devices) and tag 17
 * (docs/protocol.md D-28).
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

const DAY_S = 86_400;

describe('RTC per unit', () => {
  it('sets and reads the case and holder clocks separately on a two-piece device', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 100 } });
    fw.input({ type: 'clock', seconds: 5_000 }, 1_000);
    fw.input({ type: 'clock', unit: 'holder', seconds: 9_000 }, 2_000);
    fw.advanceTo(12_500);
    expect(fw.rtcSeconds()).toBe(5_011);
    expect(fw.rtcSeconds('charger')).toBe(5_011);
    expect(fw.rtcSeconds('holder')).toBe(9_010);
  });

  it('has one clock on a one-piece device, whichever unit is named', () => {
    const fw = new Firmware('iluma-i-one');
    fw.input({ type: 'clock', unit: 'holder', seconds: 777 }, 0);
    expect(fw.rtcSeconds('charger')).toBe(777);
    expect(fw.rtcSeconds('holder')).toBe(777);
  });

  it('F-24 and a deep discharge reset the case clock only', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 50_000 } });
    fw.input({ type: 'fault', fault: 'rtcReset' }, 2_000);
    expect(fw.rtcSeconds('charger')).toBe(0);
    expect(fw.rtcSeconds('holder')).toBe(50_002);
    fw.input({ type: 'clock', seconds: 40_000 }, 3_000);
    fw.input({ type: 'level', unit: 'charger', percent: 0 }, 4_000);
    fw.advanceTo(5_000);
    expect(fw.state.charger.state).toBe('DEEP_DISCHARGED');
    expect(fw.rtcSeconds('charger')).toBeLessThan(10);
    expect(fw.rtcSeconds('holder')).toBe(50_005);
  });

  it('refuses a clock input for an unknown unit', () => {
    const fw = new Firmware('iluma-i');
    expect(() => fw.input({ type: 'clock', seconds: 1, unit: 'case' as 'charger' }, 0)).toThrow('unit');
  });
});

describe('tag 17 (D-28)', () => {
  it('counts days from the first power-on day by default, on each unit’s clock', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 20 * DAY_S + 80_000 } });
    expect(fw.counters().charger['17']).toBe(0);
    fw.advanceTo(10_000_000); // 10 000 s later: past midnight of day 21
    expect(fw.counters().charger['17']).toBe(1);
    fw.input({ type: 'clock', unit: 'holder', seconds: 25 * DAY_S }, 10_000_000);
    expect(fw.counters().holder['17']).toBe(5);
    expect(fw.counters().charger['17']).toBe(1);
  });

  it('takes a configured day offset and never reads below 0', () => {
    const fw = new Firmware('iluma-i-one', {
      initial: { rtcSeconds: 5_700 * DAY_S },
      params: { counters: { dayOffset: 5_640 } },
    });
    expect(fw.counters().charger['17']).toBe(60);
    expect(fw.counters().holder).toEqual({});
    fw.input({ type: 'clock', seconds: 0 }, 0);
    expect(fw.counters().charger['17']).toBe(0);
  });

  it('a counter input for tag 17 moves the offset, so the value still follows the clock', () => {
    const fw = new Firmware('iluma-i');
    fw.input({ type: 'counter', unit: 'holder', tag: '17', value: 7 }, 0);
    expect(fw.counters().holder['17']).toBe(7);
    fw.advanceTo(DAY_S * 1000);
    expect(fw.counters().holder['17']).toBe(8);
    expect(fw.state.counters.holder).not.toHaveProperty('17');
  });

  it('survives a snapshot', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 3 * DAY_S } });
    fw.input({ type: 'clock', unit: 'holder', seconds: 9 * DAY_S }, 1_000);
    const copy = new Firmware('iluma-i', { snapshot: fw.snapshot() });
    expect(copy.counters()).toEqual(fw.counters());
    expect(copy.rtcSeconds('holder')).toBe(fw.rtcSeconds('holder'));
  });
});
