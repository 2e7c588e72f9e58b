/**
 * Batteries between events (docs/device.md §4.2): exact integration, boundaries as deadlines, charge
 * ceilings.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

describe('batteries', () => {
  it('USB charges the charger to full in fullChargeMinutes, with the full level as a deadline', () => {
    const fw = new Firmware('iluma-i', { initial: { chargerPercent: 10, usb: 'normal', docked: false } });
    const deadline = fw.nextDeadline();
    expect(deadline).toBeGreaterThan(0);
    fw.advanceTo(fw.profile.fullChargeMinutes * 60_000 + 60_000);
    // Full a minute ago; self-discharge (0.3 %/day) has taken a sliver since.
    expect(fw.state.charger.levelPercent).toBeGreaterThan(99.99);
    expect(fw.state.charger.state).toBe('USB_CHARGED');
  });

  it('Eco FlexBattery stops charging at the ceiling (docs/device.md §7)', () => {
    const fw = new Firmware('iluma-i', {
      initial: { chargerPercent: 10, usb: 'normal', docked: false, settings: { flexBattery: 'eco' } },
    });
    fw.advanceTo(4 * 3_600_000);
    // At the ceiling, then only self-discharge (0.3 %/day): within 0.1 % of it hours later.
    expect(Math.abs(fw.state.charger.levelPercent - fw.params.flexBattery.ecoCeilingPercent)).toBeLessThan(
      0.1,
    );
  });

  it('a docked holder charges from the charger and the ledger balances', () => {
    const fw = new Firmware('iqos-3-duo', { initial: { holderPercent: 0, chargerPercent: 80 } });
    fw.advanceTo(10 * 60_000);
    const s = fw.state;
    expect(s.holder.levelPercent).toBe(100);
    expect(s.charger.levelPercent).toBeLessThan(80);
    expect(s.ledger.chargerStartPercent + s.ledger.chargerInPercent - s.ledger.chargerOutPercent).toBeCloseTo(
      s.charger.levelPercent,
      9,
    );
  });

  it('a session draws the heating battery and uses left follow the energy', () => {
    const fw = new Firmware('iqos-3-duo', { initial: { docked: false, holderPercent: 100 } });
    expect(fw.state.holder.usesLeft).toBe(2);
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'button', unit: 'holder', action: 'press' }, 0);
    fw.advanceTo(400_000);
    expect(fw.state.holder.levelPercent).toBeLessThan(60);
    expect(fw.state.holder.usesLeft).toBe(1);
  });

  it('self-discharge and idle drain are exact whatever the step', () => {
    const a = new Firmware('iluma-i', { initial: { docked: false } });
    const b = new Firmware('iluma-i', { initial: { docked: false } });
    a.advanceTo(7_200_000);
    for (let t = 600_000; t <= 7_200_000; t += 600_000) b.advanceTo(t);
    expect(b.state.holder.levelPercent).toBeCloseTo(a.state.holder.levelPercent, 5);
    expect(b.state.charger.levelPercent).toBeCloseTo(a.state.charger.levelPercent, 5);
  });
});
