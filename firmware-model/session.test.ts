/** Heating sessions (docs/device.md §2.2, §11.2): limits, warnings, refusals, records and counters. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';
import { END_REASON, type FirmwareEvent } from './types.js';

function heating(model = 'iluma-i', settings = {}) {
  const fw = new Firmware(model, { initial: { docked: false, settings } });
  fw.input({ type: 'stick', action: 'insert' }, 0);
  return fw;
}
const sessionEvents = (fw: Firmware) =>
  fw.drainEvents().filter((e): e is Extract<FirmwareEvent, { type: 'session' }> => e.type === 'session');

describe('session', () => {
  it('runs pre-heat, ready, warning, end of profile at the 6-minute limit', () => {
    const fw = heating();
    fw.advanceTo(400_000);
    expect(sessionEvents(fw).map((e) => e.phase)).toEqual(['start', 'ready', 'warning', 'end']);
    expect(fw.state.holder.lastExperience).toMatchObject({ reason: END_REASON.endOfProfile, puffs: 0 });
    expect(fw.state.counters.holder['8E']).toBe(1);
    expect(fw.state.counters.lastSessionQuarterSeconds).toBeGreaterThan(0);
  });

  it('ends at the puff limit (14 + FlexPuff 2) with reason 8', () => {
    const fw = heating('iluma-i');
    const ready = fw.params.session.preheatSeconds * 1000;
    for (let i = 0; i < 16; i++) fw.input({ type: 'puff' }, ready + 1000 + i * 12_000);
    fw.advanceTo(ready + 1000 + 16 * 12_000);
    expect(fw.state.holder.lastExperience).toMatchObject({ reason: END_REASON.puffLimit, puffs: 16 });
  });

  it('refuses a locked device and one without a stick', () => {
    const locked = new Firmware('iluma-i', { initial: { docked: false, settings: { lock: true } } });
    locked.input({ type: 'stick', action: 'insert' }, 0);
    expect(locked.drainEvents()).toContainEqual(
      expect.objectContaining({ type: 'rejected', reason: 'locked' }),
    );
    const empty = new Firmware('iqos-3-duo', { initial: { docked: false } });
    empty.input({ type: 'button', unit: 'holder', action: 'press' }, 0);
    empty.advanceTo(2_000);
    expect(empty.drainEvents()).toContainEqual(
      expect.objectContaining({ type: 'rejected', reason: 'no stick inserted' }),
    );
  });

  it('removing the stick ends the session with reason 3 and takes a use', () => {
    const fw = heating();
    const uses = fw.state.holder.usesLeft;
    fw.input({ type: 'stick', action: 'remove' }, 30_000);
    expect(fw.state.holder.lastExperience.reason).toBe(END_REASON.userAction);
    expect(fw.state.holder.usesLeft).toBe(uses - 1);
    expect(fw.state.holder.state).not.toBe('SESSION_ACTIVE');
  });

  it('a session ended in pre-heat counts no stick', () => {
    const fw = heating();
    fw.input({ type: 'stick', action: 'remove' }, 5_000);
    expect(fw.state.counters.holder['8E']).toBe(0);
  });
});
