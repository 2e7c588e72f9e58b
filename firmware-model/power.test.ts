/** Power off and reset (docs/device.md §11.2, §12.2): what a reset clears and what it keeps. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

describe('reset', () => {
  it('clears errors, keeps counters, settings, the lock and both clocks', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 1_000, settings: { lock: true } } });
    fw.input({ type: 'counter', unit: 'holder', tag: '8E', value: 7 }, 0);
    fw.input({ type: 'fault', fault: 'holderError', bits: 1 }, 0);
    fw.input({ type: 'fault', fault: 'chargerError', bits: 4 }, 0);
    fw.input({ type: 'reset' }, 1_000);
    expect(fw.state.charger.state).toBe('RESETTING');
    fw.advanceTo(1_000 + fw.params.reset.durationSeconds * 1000);
    expect(fw.state.charger.state).toBe('STANDBY');
    expect(fw.state.holder.state).not.toBe('ERROR');
    expect(fw.state).toMatchObject({ errorCode: 0, settings: { lock: true } });
    expect(fw.state.holder.errorBits | fw.state.charger.errorBits).toBe(0);
    expect(fw.counters().holder['8E']).toBe(7);
    expect(fw.rtcSeconds('charger')).toBe(1_003);
    expect(fw.rtcSeconds('holder')).toBe(1_003);
  });

  it('an undocked holder keeps heating through a charger reset', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'reset' }, 1_000);
    expect(fw.state.holder.state).toBe('PREHEAT');
  });
});

describe('power', () => {
  it('a charger switched off on USB stays charging, then goes off on unplug', () => {
    const fw = new Firmware('iqos-3-duo', { initial: { usb: 'normal', chargerPercent: 50 } });
    fw.input({ type: 'button', unit: 'charger', action: 'press' }, 0);
    fw.input({ type: 'button', unit: 'charger', action: 'release' }, 5_000);
    expect(fw.state.charger.state).toBe('USB_CHARGING');
    fw.input({ type: 'usb', power: 'none' }, 6_000);
    expect(fw.state.charger.state).toBe('OFF');
  });
});
