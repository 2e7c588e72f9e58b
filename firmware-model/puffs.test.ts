/** Every injected puff ends in a `puff` event (detected) or a `puffIgnored` event with its reason. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';
import type { FirmwareEvent } from './types.js';

/** An undocked ILUMA i heating from t = 0 (Auto Start on stick insertion). */
function heating(settings: { pauseMode?: boolean } = {}) {
  const fw = new Firmware('iluma-i', { initial: { docked: false, settings } });
  fw.input({ type: 'stick', action: 'insert' }, 0);
  fw.drainEvents();
  return fw;
}
const readyAt = (fw: Firmware) => fw.params.session.preheatSeconds * 1000;
const outcomes = (fw: Firmware, untilMs: number): FirmwareEvent[] => {
  fw.advanceTo(untilMs);
  return fw
    .drainEvents()
    .filter((e) => e.type === 'puff' || e.type === 'puffIgnored' || e.type === 'rejected');
};

describe('injected puffs', () => {
  it('while not heating: ignored at once, reason notHeating', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'puff', durationMs: 1500 }, 1000);
    expect(outcomes(fw, 1000)).toEqual([
      {
        type: 'puffIgnored',
        atMs: 1000,
        reason: 'notHeating',
        injectedAtMs: 1000,
        durationMs: 1500,
        flowMlS: 27.5,
      },
    ]);
  });

  it('early in pre-heat, before detection arms: heaterSettling', () => {
    const fw = heating();
    fw.input({ type: 'puff' }, 1000);
    expect(outcomes(fw, 5000)).toMatchObject([
      { type: 'puffIgnored', reason: 'heaterSettling', injectedAtMs: 1000 },
    ]);
  });

  it('detected late in pre-heat: a puff event, not counted, reason preheat', () => {
    const fw = heating();
    const at = readyAt(fw) - 2500;
    fw.input({ type: 'puff' }, at);
    expect(outcomes(fw, at + 3000)).toMatchObject([{ type: 'puff', counted: false, reason: 'preheat' }]);
  });

  it('in session: counted, and nothing ignored', () => {
    const fw = heating();
    fw.input({ type: 'puff' }, readyAt(fw) + 5000);
    expect(outcomes(fw, readyAt(fw) + 10_000)).toMatchObject([{ type: 'puff', counted: true, puffs: 1 }]);
  });

  it('too weak an airflow: belowThreshold once its window passed', () => {
    const fw = heating();
    const at = readyAt(fw) + 5000;
    fw.input({ type: 'puff', flowMlS: 1 }, at);
    const events = outcomes(fw, at + 5000);
    expect(events).toMatchObject([{ type: 'puffIgnored', reason: 'belowThreshold', flowMlS: 1 }]);
    expect(events[0]?.atMs).toBe(at + 2000 + fw.params.heater.puffDetectMs + 50);
  });

  it('a second puff before the first registered: the first is merged', () => {
    const fw = heating();
    const at = readyAt(fw) + 5000;
    fw.input({ type: 'puff' }, at);
    fw.input({ type: 'puff' }, at + 100);
    expect(outcomes(fw, at + 5000)).toMatchObject([
      { type: 'puffIgnored', reason: 'merged', injectedAtMs: at },
      { type: 'puff', counted: true },
    ]);
  });

  it('paused: ignored at once; a pending puff when the pause starts is ignored too', () => {
    const fw = heating({ pauseMode: true });
    const at = readyAt(fw) + 5000;
    fw.input({ type: 'puff' }, at);
    fw.input({ type: 'button', unit: 'holder', action: 'press' }, at + 100);
    fw.input({ type: 'button', unit: 'holder', action: 'release' }, at + 200);
    expect(fw.state.holder.state).toBe('PAUSED');
    fw.input({ type: 'puff' }, at + 1000);
    expect(outcomes(fw, at + 5000)).toMatchObject([
      { type: 'puffIgnored', reason: 'paused', injectedAtMs: at, atMs: at + 100 },
      { type: 'puffIgnored', reason: 'paused', injectedAtMs: at + 1000 },
    ]);
  });

  it('the session ends first: sessionEnded', () => {
    const fw = heating();
    const at = readyAt(fw) + 5000;
    fw.input({ type: 'puff' }, at);
    fw.input({ type: 'stick', action: 'remove' }, at + 100);
    expect(outcomes(fw, at + 5000)).toMatchObject([
      { type: 'puffIgnored', reason: 'sessionEnded', atMs: at + 100 },
    ]);
  });

  it('a pending puff survives a snapshot', () => {
    const fw = heating();
    const at = readyAt(fw) + 5000;
    fw.input({ type: 'puff', flowMlS: 1 }, at);
    const copy = new Firmware('iluma-i', { snapshot: fw.snapshot() });
    expect(outcomes(copy, at + 5000)).toMatchObject([{ type: 'puffIgnored', reason: 'belowThreshold' }]);
  });
});
