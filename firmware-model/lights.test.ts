/** Lights as a function of state (docs/device.md §3.2), read through a device's state. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';
import { quartile } from './lights.js';

describe('lights', () => {
  it('the charger gauge has four quartiles (docs/device.md §4.1)', () => {
    expect([100, 76, 75, 51, 50, 26, 25, 0].map(quartile)).toEqual([4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('ILUMA: pulses white while heating, off after the session', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    expect(fw.state.holder.light).toMatchObject({ pattern: 'pulse', colour: 'white' });
    fw.input({ type: 'stick', action: 'remove' }, 5000);
    expect(fw.state.holder.light.pattern).toBe('off');
  });

  it('a holder error blinks red until a reset', () => {
    const fw = new Firmware('iqos-3-duo', { initial: { docked: false } });
    fw.input({ type: 'fault', fault: 'holderError', bits: 1 }, 0);
    expect(fw.state.holder.light).toMatchObject({ pattern: 'blink', colour: 'red' });
  });

  it('IQOS 2.4 speaks green and orange', () => {
    const fw = new Firmware('iqos-2.4-plus', { initial: { docked: true, holderPercent: 100 } });
    fw.advanceTo(10_000);
    expect(['green', 'orange', 'none']).toContain(fw.state.holder.light.colour);
    expect(fw.state.holder.light.colour).not.toBe('white');
  });
});
