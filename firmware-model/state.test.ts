/**
 * Initial state (docs/device.md §10, §14) and snapshots: a restored device continues exactly; bad snapshots
 * are refused.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

describe('initial state', () => {
  it('takes the initial conditions and the model defaults', () => {
    const fw = new Firmware('iqos-3-duo', {
      initial: { chargerPercent: 55, holderPercent: 50, docked: false },
    });
    expect(fw.state.charger.levelPercent).toBe(55);
    expect(fw.state.holder).toMatchObject({
      levelPercent: 50,
      usesLeft: 1,
      docked: false,
      state: 'IDLE_READY',
    });
    expect(fw.state.settings).toMatchObject({ chargerBrightness: 100, autoStart: true, lock: false });
  });

  it('one-piece devices have one battery and one counter set', () => {
    const fw = new Firmware('iluma-i-one', { initial: { chargerPercent: 40 } });
    expect(fw.state.holder.levelPercent).toBe(40);
    expect(Object.keys(fw.counters().holder)).toEqual([]);
    expect(Object.keys(fw.counters().charger).sort()).toEqual(['17', '18', '1D', '8E']);
  });
});

describe('snapshots', () => {
  it('a restored device continues exactly as the original, mid-session', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'puff' }, 30_000);
    fw.advanceTo(31_000);
    const copy = new Firmware('iluma-i', { snapshot: JSON.parse(JSON.stringify(fw.snapshot())) });
    fw.drainEvents();
    fw.advanceTo(400_000);
    copy.advanceTo(400_000);
    expect(copy.snapshot()).toEqual(fw.snapshot());
    expect(copy.drainEvents()).toEqual(fw.drainEvents());
  });

  it.each([
    ['another format', (s: Record<string, unknown>) => ({ ...s, format: 'x' })],
    [
      'another model',
      (s: Record<string, unknown>) => ({ ...s, state: { ...(s.state as object), modelId: 'iqos-3' } }),
    ],
    [
      'no clock',
      (s: Record<string, unknown>) => {
        const { rtc: _, ...state } = s.state as Record<string, unknown>;
        return { ...s, state };
      },
    ],
  ])('refuses %s with FIRMWARE_SNAPSHOT', (_, edit) => {
    const snapshot = new Firmware('iluma-i').snapshot() as unknown as Record<string, unknown>;
    expect(() => new Firmware('iluma-i', { snapshot: edit(snapshot) as never })).toThrow(
      expect.objectContaining({ code: 'FIRMWARE_SNAPSHOT' }),
    );
  });
});
