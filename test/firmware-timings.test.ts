/**
 * Issue #3 acceptance: the documented timings of docs/device.md §1, §2, §3.3, §6, §11, §12 hold
 * within 1 % for every model, in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { allProfiles } from '../firmware-model/index.js';
import { Driver } from './helpers/firmware-driver.js';

const MODELS = allProfiles().map((p) => p.id);
const TWO_PIECE = allProfiles()
  .filter((p) => p.parts === 'holder+charger')
  .map((p) => p.id);
const within1 = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.01);

function heatingDriver(model: string, params = {}): Driver {
  const d = new Driver(model, { params, initial: { docked: false } });
  d.wait(1000);
  return d;
}

describe.each(MODELS)('%s session timings', (model) => {
  it('pre-heat lasts session.preheatSeconds (20 s) and ends with 2 vibrations', () => {
    const d = heatingDriver(model);
    const start = d.startSession();
    const ready = d.until(() => d.holder.state === 'SESSION_ACTIVE');
    within1((d.stateAt('holder', 'SESSION_ACTIVE', start) as number) - start, 20_000);
    expect(ready - start).toBeLessThan(20_200);
    const vib = d.firstAfter(start + 1, (e) => e.type === 'vibration' && e.reason === 'startingToUse');
    expect(vib).toMatchObject({ pulses: 2 });
  });

  it('ends at 360 s with reason 2 and warns 30 s before', () => {
    const d = heatingDriver(model);
    const start = d.startSession();
    d.wait(400_000);
    within1((d.stateAt('holder', 'SESSION_END', start) as number) - start, 360_000);
    within1((d.stateAt('holder', 'SESSION_WARNING', start) as number) - start, 330_000);
    expect(d.holder.lastExperience.reason).toBe(2);
  });

  it('ends at the 14th puff with reason 8 (FlexPuff off)', () => {
    const d = heatingDriver(model, {});
    if (d.fw.profile.capabilities.includes('flexPuff'))
      d.send({ type: 'setting', name: 'flexPuff', value: false });
    d.startSession();
    d.until(() => d.holder.state === 'SESSION_ACTIVE');
    for (let i = 0; i < 14; i++) d.send({ type: 'puff' }, 10_000);
    d.wait(5_000);
    expect(d.holder.lastExperience).toMatchObject({ reason: 8, puffs: 14 });
    expect(d.holder.state).not.toBe('SESSION_ACTIVE');
  });
});

describe('puff-based warning (ILUMA: 2 puffs left, docs/device.md §2.1)', () => {
  it.each(MODELS)('%s', (model) => {
    const d = heatingDriver(model);
    if (d.fw.profile.capabilities.includes('flexPuff'))
      d.send({ type: 'setting', name: 'flexPuff', value: false });
    d.startSession();
    d.until(() => d.holder.state === 'SESSION_ACTIVE');
    for (let i = 0; i < 12; i++) d.send({ type: 'puff' }, 10_000);
    d.wait(5_000);
    const ilumaFamily = d.fw.profile.heater === 'induction';
    expect(d.holder.state).toBe(ilumaFamily ? 'SESSION_WARNING' : 'SESSION_ACTIVE');
  });

  it('FlexPuff extends the puff limit by flexPuff.extraPuffs (ILUMA i)', () => {
    const d = heatingDriver('iluma-i');
    d.startSession();
    d.until(() => d.holder.state === 'SESSION_ACTIVE');
    for (let i = 0; i < 16; i++) d.send({ type: 'puff' }, 10_000);
    d.wait(5_000);
    expect(d.holder.lastExperience).toMatchObject({ reason: 8, puffs: 16 });
  });
});

describe('holder recharge (docs/device.md §1)', () => {
  const cases: [string, number[]][] = [
    ['iqos-3-duo', [110_000, 205_000]],
    ['iqos-3', [210_000]],
    ['iqos-2.4-plus', [250_000]],
    ['iluma-i', [110_000, 205_000]],
  ];
  it.each(cases)('%s recharges each use in the documented time', (model, steps) => {
    const d = new Driver(model, { initial: { docked: false, holderPercent: 0, chargerPercent: 100 } });
    d.wait(1000);
    expect(d.holder.usesLeft).toBe(0);
    d.dock();
    let from = d.t;
    for (const [i, expected] of steps.entries()) {
      const at = d.until(() => d.holder.usesLeft >= i + 1, 3_600_000, 50);
      within1(at - from, expected);
      from = at;
    }
    expect(d.holder.state).toBe('DOCKED_READY');
  });
});

describe('charger capacity (docs/device.md §1, §4.2)', () => {
  it.each(TWO_PIECE)('%s gives about 20 sessions per full charge', (model) => {
    const d = new Driver(model, { initial: { chargerPercent: 100 } });
    // The holder starts full: its first uses are not paid by this charger charge.
    let sessions = -d.holder.usesLeft;
    for (let guard = 0; guard < 60; guard++) {
      d.wait(1000);
      if (d.holder.state !== 'DOCKED_READY') {
        if (d.holder.state === 'CLEANING') d.until(() => d.holder.state !== 'CLEANING');
        else break;
      }
      while (d.holder.usesLeft > 0) {
        d.undock();
        d.startSession();
        d.until(() => d.holder.state === 'SESSION_ACTIVE');
        for (let i = 0; i < 11; i++) d.send({ type: 'puff' }, 30_000);
        d.until(() => d.holder.state === 'IDLE_READY' || d.holder.state === 'IDLE_EMPTY', 500_000, 1000);
        d.removeStick();
        sessions += 1;
      }
      d.dock();
      d.until(() => d.holder.state !== 'DOCKED_CHARGING', 3_600_000, 1000);
    }
    expect(sessions).toBeGreaterThanOrEqual(19);
    expect(sessions).toBeLessThanOrEqual(21);
  });

  it.each([
    ['iqos-3-multi', 10],
    ['iluma-one', 20],
    ['iluma-i-one', 20],
  ] as const)('%s gives its uses per charge', (model, uses) => {
    const d = new Driver(model, { initial: { chargerPercent: 100 } });
    let sessions = 0;
    while (d.holder.usesLeft > 0 && sessions < 50) {
      d.startSession();
      d.until(() => d.holder.state === 'IDLE_READY' || d.holder.state === 'IDLE_EMPTY', 500_000, 1000);
      expect(d.holder.lastExperience.reason).toBe(2);
      d.removeStick();
      sessions += 1;
    }
    expect(sessions).toBe(uses);
    expect(d.holder.state).toBe('IDLE_EMPTY');
  });

  it('full charge on USB takes the documented time (iqos-3: 120 min, linear to the knee then half rate)', () => {
    const d = new Driver('iqos-3', { initial: { chargerPercent: 0.5, docked: false } });
    d.send({ type: 'level', unit: 'charger', percent: 0 });
    d.send({ type: 'usb', power: 'normal' });
    const from = d.t;
    const at = d.until(() => d.charger.state === 'USB_CHARGED', 20_000_000, 10_000);
    within1(at - from, 120 * 60_000);
  });
});

describe('buttons (docs/device.md §3.3)', () => {
  it.each(MODELS)('%s: holding the charger button 4 s toggles power', (model) => {
    const d = new Driver(model);
    d.hold('charger', 4_000);
    expect(d.charger.state).toBe('OFF');
    expect(d.charger.bluetoothOn).toBe(false);
    d.send({ type: 'button', unit: 'charger', action: 'press' });
    d.wait(3_900);
    expect(d.charger.state).toBe('OFF');
    d.wait(100);
    expect(d.charger.state).not.toBe('OFF');
    d.send({ type: 'button', unit: 'charger', action: 'release' }, 500);
    expect(d.charger.state).not.toBe('OFF');
  });

  it.each(MODELS)('%s: a 10 s hold resets (not before)', (model) => {
    const d = new Driver(model);
    d.send({ type: 'button', unit: 'charger', action: 'press' });
    d.wait(9_900);
    expect(d.charger.state).not.toBe('RESETTING');
    d.wait(100);
    expect(d.charger.state).toBe('RESETTING');
    d.send({ type: 'button', unit: 'charger', action: 'release' }, 500);
    d.wait(3_000);
    expect(d.charger.state).toBe('STANDBY');
  });

  it('ILUMA ONE resets after 7 s where the market says so (buttons.resetHoldSeconds = 7)', () => {
    const d = new Driver('iluma-one', { params: { buttons: { resetHoldSeconds: 7 } } });
    d.send({ type: 'button', unit: 'charger', action: 'press' });
    d.wait(6_900);
    expect(d.charger.state).not.toBe('RESETTING');
    d.wait(100);
    expect(d.charger.state).toBe('RESETTING');
  });
});

describe('cleaning (docs/device.md §6)', () => {
  it.each(['iqos-2.4-plus', 'iqos-3'])('%s cleans automatically after 20 sticks, for 25 s', (model) => {
    const d = new Driver(model, { initial: { chargerPercent: 100, usb: 'normal' } });
    for (let i = 0; i < 20; i++) {
      d.undock();
      d.startSession();
      d.until(() => d.holder.state === 'IDLE_EMPTY' || d.holder.state === 'IDLE_READY', 500_000, 1000);
      d.removeStick();
      d.dock();
      if (i < 19) d.until(() => d.holder.state === 'DOCKED_READY', 600_000, 1000);
      expect(d.holder.state).not.toBe('CLEANING');
    }
    const start = d.until(() => d.holder.state === 'CLEANING', 600_000, 100);
    const end = d.until(() => d.holder.state !== 'CLEANING', 600_000, 100);
    within1(end - start, 25_000);
    expect(d.holder.sticksSinceClean).toBe(0);
    expect(d.fw.status().holderState).toBe(3);
  });

  it.each(['iqos-3-duo', 'iluma', 'iluma-i'])('%s never cleans automatically', (model) => {
    const d = new Driver(model, { initial: { chargerPercent: 100 } });
    d.send({ type: 'counter', unit: 'holder', tag: '8E', value: 0 });
    for (let i = 0; i < 21; i++) {
      d.undock();
      d.startSession();
      d.until(() => d.holder.state === 'IDLE_EMPTY' || d.holder.state === 'IDLE_READY', 500_000, 1000);
      d.removeStick();
      d.dock();
      d.until(() => d.holder.state === 'DOCKED_READY', 600_000, 1000);
    }
    expect(d.events.some((e) => e.type === 'state' && e.to === 'CLEANING')).toBe(false);
  });
});

describe('ambient out of range refuses heating (docs/device.md §3.2, docs/faults.md F-01)', () => {
  const expected: Record<string, object> = {
    'iqos-2.4-plus': { pattern: 'steady', colour: 'red' },
    'iqos-3': { pattern: 'blinkN', colour: 'white', count: 2 },
    'iluma-one': { pattern: 'blinkN', colour: 'white', count: 2 },
    iluma: { pattern: 'blinkN', colour: 'white', count: 2 },
  };
  it.each(MODELS)('%s', (model) => {
    const d = heatingDriver(model);
    const hot = d.fw.profile.ambientMaxC + 5;
    d.send({ type: 'ambient', tempC: hot });
    d.startSession();
    expect(d.holder.state).toBe('TEMP_OUT_OF_RANGE');
    expect(d.fw.status().ambient).toBe(2);
    const light = d.holder.light;
    const family = d.fw.profile.lightFamily;
    expect(light).toMatchObject(
      family === 'iqos-2.4'
        ? (expected['iqos-2.4-plus'] as object)
        : { pattern: 'blinkN', colour: 'white', count: 2 },
    );
    d.wait(3_000);
    expect(d.holder.state).toBe('IDLE_READY');
    expect(d.events.some((e) => e.type === 'state' && e.to === 'PREHEAT')).toBe(false);
    d.send({ type: 'ambient', tempC: d.fw.profile.ambientMinC - 5 });
    expect(d.fw.status().ambient).toBe(1);
  });
});
