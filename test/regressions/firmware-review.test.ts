/**
 * Regressions from the review of the firmware model (one test per defect found): each failed before
 * its fix.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from '../../firmware-model/index.js';
import { Driver } from '../helpers/firmware-driver.js';

describe('firmware regressions', () => {
  it('battery drain does not depend on how finely time is advanced', () => {
    const levels = [3_600_000, 60_000, 1_000].map((step) => {
      const fw = new Firmware('iluma-i', {
        initial: { docked: false, holderPercent: 100, chargerPercent: 80 },
      });
      for (let t = step; t <= 3_600_000; t += step) fw.advanceTo(t);
      return [fw.state.holder.levelPercent, fw.state.charger.levelPercent];
    });
    for (const [holder, charger] of levels) {
      expect(holder).toBeCloseTo(99, 6);
      expect(charger).toBeCloseTo(80 - 0.3 / 24, 6);
    }
  });

  it('a holder error during cleaning stays an error until a reset, and a holder in error never heats', () => {
    const d = new Driver('iqos-3', { initial: { docked: true, holderPercent: 100 } });
    d.send({ type: 'cleanButton' });
    expect(d.holder.state).toBe('CLEANING');
    d.send({ type: 'fault', fault: 'holderError', bits: 1 }, 1000);
    d.wait(30_000);
    expect(d.holder.state).toBe('ERROR');
    d.undock();
    d.startSession();
    expect(d.holder.state).toBe('ERROR');
  });

  it('a 4 s hold does not take the charger out of ERROR', () => {
    const d = new Driver('iluma-i', { initial: { docked: true } });
    d.send({ type: 'fault', fault: 'chargerError', bits: 4 }, 1000);
    d.hold('charger', 4500);
    expect(d.charger.state).toBe('ERROR');
    expect(d.charger.light).toMatchObject({ pattern: 'blink', colour: 'red' });
  });

  it('a charger reset leaves the session of an undocked holder alone', () => {
    const d = new Driver('iqos-3-duo', { initial: { docked: false } });
    d.startSession();
    d.wait(30_000);
    d.hold('charger', 10_500);
    expect(d.holder.state).toBe('SESSION_ACTIVE');
  });

  it('resuming from a pause counts no puff of its own and detects the puffs after the re-heat', () => {
    const d = new Driver('iluma-i', { initial: { docked: false, settings: { pauseMode: true } } });
    d.startSession();
    d.wait(40_000);
    const press = () =>
      d
        .send({ type: 'button', unit: 'holder', action: 'press' })
        .send({ type: 'button', unit: 'holder', action: 'release' }, 100);
    press();
    expect(d.holder.state).toBe('PAUSED');
    d.wait(60_000);
    press();
    const resumedAt = d.t;
    d.wait(5_000);
    expect(d.events.filter((e) => e.type === 'puff' && e.atMs >= resumedAt && e.counted)).toHaveLength(0);
    d.wait(15_000);
    d.send({ type: 'puff' });
    d.wait(3_000);
    expect(d.events.filter((e) => e.type === 'puff' && e.atMs >= resumedAt && e.counted)).toHaveLength(1);
  });

  it('a holder that starts out of its case falls asleep after holder.idleSleepSeconds', () => {
    const d = new Driver('iluma-i', { initial: { docked: false } });
    d.wait(61_000);
    expect(d.holder.state).toBe('SLEEP');
  });

  it('a weak USB source charges slowly without a charging-timeout error (F-17)', () => {
    const d = new Driver('iluma-i', {
      initial: { docked: true, chargerPercent: 3, holderPercent: 0, usb: 'weak' },
    });
    d.wait(300 * 60_000);
    expect(d.charger.errorBits).toBe(0);
    expect(d.charger.state).not.toBe('ERROR');
  });

  it('events are never stamped before the input that caused them (fractional times)', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 1000);
    fw.advanceTo(5000.5);
    fw.input({ type: 'fault', fault: 'heaterPower' }, 5000.5);
    fw.advanceTo(6000);
    const times = fw.drainEvents().map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('malformed inputs and parameters are refused before any state changes', () => {
    const fw = new Firmware('iluma-i');
    const before = JSON.stringify(fw.snapshot());
    expect(() => fw.input({ type: 'ambient', tempC: Number.NaN }, 10)).toThrow(
      expect.objectContaining({ code: 'FIRMWARE_INPUT' }),
    );
    expect(() => fw.input({ type: 'button', unit: 'x' as 'holder', action: 'press' }, 10)).toThrow(
      expect.objectContaining({ code: 'FIRMWARE_INPUT' }),
    );
    expect(JSON.stringify(fw.snapshot())).toBe(before);
    expect(() => new Firmware('iluma-i', { params: { heater: { tickHz: 0 } } })).toThrow(
      expect.objectContaining({ code: 'FIRMWARE_PARAM' }),
    );
  });
});
