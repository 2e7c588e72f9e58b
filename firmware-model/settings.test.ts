/** Settings (docs/device.md §7): applied where the model has the feature, refused with a reason otherwise. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

const reasons = (fw: Firmware) => fw.drainEvents().flatMap((e) => (e.type === 'rejected' ? [e.reason] : []));

describe('settings', () => {
  it('applies a setting the model has', () => {
    const fw = new Firmware('iluma-i');
    fw.input({ type: 'setting', name: 'flexBattery', value: 'eco' }, 0);
    fw.input({ type: 'setting', name: 'vibration.puffEnd', value: false }, 0);
    fw.input({ type: 'setting', name: 'holderBrightness', value: 30 }, 0);
    expect(fw.state.settings).toMatchObject({ flexBattery: 'eco', holderBrightness: 30 });
    expect(fw.state.settings.vibration.puffEnd).toBe(false);
  });

  it('refuses a feature the model lacks and a value of the wrong kind', () => {
    const fw = new Firmware('iqos-3-duo');
    fw.drainEvents();
    fw.input({ type: 'setting', name: 'flexPuff', value: true }, 0);
    fw.input({ type: 'setting', name: 'chargerBrightness', value: 'bright' }, 0);
    const got = reasons(fw);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatch(/has no/);
  });

  it('a lock set during a session ends it (reason 3)', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'setting', name: 'lock', value: true }, 5_000);
    expect(fw.state.holder.lastExperience.reason).toBe(3);
  });
});
