/** Buttons (docs/device.md §3.3): hold times, pairing gesture, reset; one-piece devices have one button. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

function hold(fw: Firmware, unit: 'charger' | 'holder', atMs: number, ms: number) {
  fw.input({ type: 'button', unit, action: 'press' }, atMs);
  fw.input({ type: 'button', unit, action: 'release' }, atMs + ms);
}

describe('buttons', () => {
  it('the charger powers off on release after a 4 s hold and on again at 4 s held', () => {
    const fw = new Firmware('iluma-i');
    hold(fw, 'charger', 0, 5_000);
    expect(fw.state.charger.state).toBe('OFF');
    fw.input({ type: 'button', unit: 'charger', action: 'press' }, 10_000);
    fw.advanceTo(14_000);
    expect(fw.state.charger.state).not.toBe('OFF');
    fw.input({ type: 'button', unit: 'charger', action: 'release' }, 14_100);
  });

  it('three quick presses enter pairing mode (SCP models)', () => {
    const fw = new Firmware('iluma-i');
    for (const t of [0, 300, 600]) hold(fw, 'charger', t, 100);
    expect(fw.state.charger.pairing).toBe(true);
    expect(fw.drainEvents()).toContainEqual(expect.objectContaining({ type: 'pairing' }));
  });

  it('a 1 s holder hold starts heating with a stick in', () => {
    const fw = new Firmware('iqos-3-duo', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'button', unit: 'holder', action: 'press' }, 100);
    fw.advanceTo(1_100);
    expect(fw.state.holder.state).toBe('PREHEAT');
  });

  it('a 10 s charger hold resets an ERROR', () => {
    const fw = new Firmware('iluma-i');
    fw.input({ type: 'fault', fault: 'chargerError', bits: 4 }, 0);
    hold(fw, 'charger', 1_000, 10_500);
    fw.advanceTo(20_000);
    expect(fw.state.charger.state).not.toBe('ERROR');
  });
});
