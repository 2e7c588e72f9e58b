/**
 * Issue #3 acceptance: a full day per model in virtual time — charge on USB, sessions ended by time
 * and by the user, dock and recharge, an injected holder fault, a reset by the 10 s hold, a locked
 * start — asserting states, lights, vibrations, counters and the last-experience record.
 */
import { describe, expect, it } from 'vitest';
import { allProfiles, type FirmwareEvent } from '../firmware-model/index.js';
import { Driver } from './helpers/firmware-driver.js';

const HOUR = 3_600_000;

function vibrations(d: Driver, fromMs: number, reason: string): FirmwareEvent[] {
  return d.events.filter((e) => e.atMs >= fromMs && e.type === 'vibration' && e.reason === reason);
}

/** Ends a running session the way a user would: waits out the profile. */
function finishSession(d: Driver): void {
  d.until(() => d.holder.state === 'IDLE_READY' || d.holder.state === 'IDLE_EMPTY', 500_000, 1000);
  d.removeStick();
}

function rechargeIfEmpty(d: Driver): void {
  if (d.holder.usesLeft > 0) return;
  if (d.onePiece) {
    d.send({ type: 'usb', power: 'normal' });
    d.until(() => d.charger.state === 'USB_CHARGED', 4 * HOUR, 60_000);
    d.send({ type: 'usb', power: 'none' });
    return;
  }
  d.dock();
  d.until(() => d.holder.state === 'DOCKED_READY', HOUR, 1000);
  d.undock();
}

describe.each(allProfiles().map((p) => p.id))('a day with %s', (model) => {
  it('charge, sessions, dock, fault, reset', () => {
    const d = new Driver(model, { initial: { chargerPercent: 30 }, startMs: 7 * HOUR });
    const profile = d.fw.profile;
    const legacy = profile.lightFamily === 'iqos-2.4';
    const stickTag = d.onePiece ? 'charger' : 'holder';

    // Morning: the charger charges on USB, then is unplugged.
    d.send({ type: 'usb', power: 'normal' }, 1000);
    expect(d.charger.state).toBe('USB_CHARGING');
    expect(d.charger.light).toMatchObject({ pattern: 'blink', colour: 'white', count: 2 });
    expect(d.fw.status().chargerState).toBe(1);
    d.until(() => d.charger.state === 'USB_CHARGED', 3 * HOUR, 60_000);
    expect(d.fw.battery().chargerPercent).toBe(100);
    d.send({ type: 'usb', power: 'none' });
    expect(d.charger.state).toBe('STANDBY');
    d.send({ type: 'clock', seconds: 500_000_000 });

    // Session 1 runs to the end of its profile with 10 puffs.
    d.undock();
    const start1 = d.startSession();
    expect(d.holder.state).toBe('PREHEAT');
    expect(d.holder.light).toMatchObject(
      legacy ? { pattern: 'blink', colour: 'green' } : { pattern: 'pulse', colour: 'white' },
    );
    expect(vibrations(d, start1, 'heatingStart')).toHaveLength(1);
    expect(d.holder.lastExperience.reason).toBe(1);
    d.until(() => d.holder.state === 'SESSION_ACTIVE');
    expect(vibrations(d, start1, 'startingToUse')[0]).toMatchObject({ pulses: 2 });
    for (let i = 0; i < 10; i++) d.send({ type: 'puff' }, 30_000);
    finishSession(d);
    expect(d.holder.lastExperience).toMatchObject({ reason: 2, puffs: 10, newInformationWasRead: false });
    expect(vibrations(d, start1, 'puffEnd')).toHaveLength(1);
    expect(d.fw.state.counters[stickTag]['8E']).toBe(1);
    d.send({ type: 'statusRead' });
    expect(d.fw.status().newInformationWasRead).toBe(true);

    // Session 2 is ended by the user after 3 puffs.
    rechargeIfEmpty(d);
    const start2 = d.startSession();
    d.until(() => d.holder.state === 'SESSION_ACTIVE');
    for (let i = 0; i < 3; i++) d.send({ type: 'puff' }, 20_000);
    d.send({ type: 'stick', action: 'remove' }, 5_000);
    expect(d.holder.lastExperience).toMatchObject({ reason: 3, puffs: 3 });
    expect(vibrations(d, start2, 'manuallyTerminated')).toHaveLength(1);
    expect(d.fw.state.counters[stickTag]['8E']).toBe(2);
    expect(d.fw.state.counters.lifetimePuffs).toBe(13);

    // Dock and recharge (two-piece) or top up on USB (one-piece).
    const dockAt = d.t;
    if (!d.onePiece) {
      d.dock();
      expect(d.holder.state).toBe('DOCKED_CHARGING');
      expect(d.holder.light.pattern).toBe('blink');
      expect(d.fw.status().holderState).toBe(1);
      expect(d.fw.battery().holderPresent).toBe(true);
      const chargeStart = vibrations(d, dockAt, 'chargeStart');
      expect(chargeStart).toHaveLength(profile.capabilities.includes('chargeStartVibration') ? 1 : 0);
      d.until(() => d.holder.state === 'DOCKED_READY', HOUR, 1000);
      expect(d.holder.usesLeft).toBe(profile.usesPerCharge);
      expect(d.holder.light).toMatchObject({ pattern: 'steady', count: profile.usesPerCharge });
      expect(d.fw.status().holderState).toBe(3);
    } else rechargeIfEmpty(d);

    // An injected holder defect (F-08): red blinking, error bits, starts refused.
    d.send({ type: 'fault', fault: 'holderError', bits: 0x01 }, HOUR);
    expect(d.holder.state).toBe('ERROR');
    expect(d.holder.light).toMatchObject({ pattern: 'blink', colour: 'red' });
    expect(d.fw.status()).toMatchObject({ holderErrors: 0x01, holderDefect: true });
    expect(d.fw.state.errorCode).toBe(0x0201);
    expect(d.fw.state.lastErrorRtc).toBeGreaterThan(500_000_000);

    // Reset by holding the charger button 10 s (the holder in its case on ILUMA).
    d.send({ type: 'button', unit: 'charger', action: 'press' });
    d.wait(10_000);
    expect(d.charger.state).toBe('RESETTING');
    expect(d.holder.state).toBe('RESETTING');
    expect(d.charger.light).toMatchObject({ pattern: 'blinkN', count: 2 });
    d.send({ type: 'button', unit: 'charger', action: 'release' }, 500);
    d.wait(2_000);
    expect(d.holder.state).not.toBe('ERROR');
    expect(d.fw.status()).toMatchObject({ holderErrors: 0, holderDefect: false });
    expect(vibrations(d, dockAt, 'reset')).toHaveLength(profile.heater === 'induction' ? 1 : 0);
    expect(d.fw.state.counters[stickTag]['8E']).toBe(2);

    // A locked device refuses to start (where the app can lock it), then session 3 after unlocking.
    d.undock();
    rechargeIfEmpty(d);
    if (profile.capabilities.includes('lock')) {
      d.send({ type: 'setting', name: 'lock', value: true });
      const lockedAt = d.t;
      d.startSession();
      expect(d.holder.state).not.toBe('PREHEAT');
      // One refusal per start attempt: stick insertion (ILUMA Auto Start) and the button hold.
      expect(vibrations(d, lockedAt, 'locked')).toHaveLength(profile.stickStarts ? 2 : 1);
      d.send({ type: 'setting', name: 'lock', value: false });
    }
    d.startSession();
    expect(d.holder.state).toBe('PREHEAT');
    finishSession(d);
    expect(d.holder.lastExperience).toMatchObject({ reason: 2, puffs: 0 });
    expect(d.fw.state.counters[stickTag]['8E']).toBe(3);
    // D-28: days since the first power-on day, from the RTC (which started at the epoch).
    expect(d.fw.counters().charger['17']).toBe(Math.floor(d.fw.rtcSeconds() / 86_400));
    // Every state change is an event with a non-decreasing timestamp.
    const times = d.events.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
