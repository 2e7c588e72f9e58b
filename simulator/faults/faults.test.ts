/**
 * The fault injector against docs/faults.md §15: each device fault shows its lights, bits and end
 * reason; each link fault is survived by the client (a SIM_TIMEOUT, or a reconnect over a new link)
 * and leaves the device consistent; the triggers fire when told; one seed gives one run.
 */
import { describe, expect, it } from 'vitest';
import {
  charger,
  deviceRig,
  holder,
  light,
  linkRig,
  OFF,
  run,
  startSession,
  status,
} from '../../test/helpers/fault-rig.js';
import { DEVICE_FAULTS, FaultInjector, type FaultRef, LINK_FAULTS } from './faults.js';

describe('catalogue', () => {
  it('has one row per docs/faults.md §15 id, in order', () => {
    const ids = (rows: readonly { id: string }[]) => rows.map((f) => f.id);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `F-${String(from + i).padStart(2, '0')}`);
    expect(ids(DEVICE_FAULTS)).toEqual(range(1, 28));
    expect(ids(LINK_FAULTS)).toEqual(range(40, 57));
    for (const row of [...DEVICE_FAULTS, ...LINK_FAULTS])
      expect(row.name.length * row.applied.length).toBeGreaterThan(0);
  });

  it('every catalogue row can be injected (issue 9: none is "not applicable")', () => {
    for (const row of DEVICE_FAULTS) expect(row.steps, row.id).toBeDefined();
    for (const row of LINK_FAULTS) expect(row.supported, row.id).toBe(true);
  });
  it('rejects unknown ids, bad options and bad triggers', () => {
    const r = deviceRig();
    const bad = (f: () => unknown, text: RegExp) =>
      expect(f).toThrow(
        expect.objectContaining({ code: 'SIM_BAD_INPUT', message: expect.stringMatching(text) }),
      );
    // A JavaScript caller (or a cast) can pass anything; the id is checked at run time too.
    bad(() => r.faults.inject('F-99' as FaultRef), /unknown fault 'F-99' \(did you mean 'F-09'\?\)/);
    bad(() => r.faults.inject('heater-to-hot' as FaultRef), /did you mean 'heater-too-hot'/);
    bad(() => r.faults.inject('F-43'), /F-43 needs an open link/);
    bad(() => r.faults.inject('F-43', { count: 0 }), /F-43: options \/count: must be ≥ 1, not 0/);
    bad(() => r.faults.inject('F-44', { delayMs: Number.NaN }), /delayMs/);
    bad(() => r.faults.at(Number.NaN), /not a finite time/);
    bad(() => r.faults.onNthRequest(0), /onNthRequest\(0\)/);
    bad(() => r.faults.withProbability(1.5), /\[0, 1\]/);
    bad(() => r.faults.clear('F-05'), /F-05 cannot be cleared/);
    bad(() => new FaultInjector({ ...r, seed: 1, weakUsbDropoutMs: [10, 5] }), /weakUsbDropoutMs/);
  });
});

describe('device faults (docs/faults.md §15.1, ILUMA i unless named)', () => {
  it('F-01 too hot: charger out-of-range light, ambient bits 2, start refused with white blink × 2', () => {
    const r = deviceRig();
    r.faults.inject('F-01');
    expect(status(r).ambient).toBe(2);
    expect(charger(r).state).toBe('TEMP_OUT_OF_RANGE');
    expect(charger(r).light).toEqual(light('blink', 'red'));
    r.device.input({ type: 'undock' }, r.clock.now());
    r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
    expect(holder(r).state).toBe('TEMP_OUT_OF_RANGE');
    expect(holder(r).light).toEqual(light('blinkN', 'white', 2));
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: 'rejected', reason: expect.stringMatching(/ambient/) }),
    );
    r.faults.clear('F-01');
    expect(status(r).ambient).toBe(0);
  });

  it('F-01 too cold sets ambient bit 1; during a session heating ends with reason 9', () => {
    const cold = deviceRig();
    cold.faults.inject('F-01', { cold: true });
    expect(status(cold).ambient).toBe(1);
    const hot = deviceRig();
    startSession(hot);
    hot.faults.inject('F-01');
    expect(status(hot).endOfHeatReason).toBe(9);
    expect(holder(hot).light).toEqual(OFF);
  });

  it('F-02 heater over-temperature: heater off, reason 4, red blinking ERROR', () => {
    const r = deviceRig();
    startSession(r);
    r.clock.advanceBy(10_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    r.faults.inject('F-02');
    r.clock.advanceBy(10_000);
    expect(status(r)).toMatchObject({
      endOfHeatReason: 4,
      holderErrors: 0x01,
      holderDefect: true,
      holderSystemError: 4,
    });
    expect(holder(r).state).toBe('ERROR');
    expect(holder(r).light).toEqual(light('blink', 'red'));
    expect(r.device.firmware.state.heater).toBeNull();
  });

  it.each([
    ['F-03', 5],
    ['F-04', 10],
  ] as const)('%s during a session: reason %i, holder error 0x01, red blinking ERROR', (id, reason) => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject(id);
    r.clock.advanceBy(1000);
    expect(status(r)).toMatchObject({ endOfHeatReason: reason, holderErrors: 0x01, holderDefect: true });
    expect(holder(r).state).toBe('ERROR');
    expect(holder(r).light).toEqual(light('blink', 'red'));
  });

  it('F-02…F-04 outside a session change nothing until heating starts', () => {
    const r = deviceRig();
    const before = r.device.snapshot().firmware.state.holder;
    for (const id of ['F-02', 'F-03', 'F-04'] as const) r.faults.inject(id);
    expect(r.device.snapshot().firmware.state.holder).toEqual(before);
  });

  it('F-05 holder below cut-off mid-session: reason 6, lights off', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-05');
    expect(status(r).endOfHeatReason).toBe(6);
    expect(holder(r).light).toEqual(OFF);
    expect(holder(r).levelPercent).toBeCloseTo(1);
  });

  it('F-06 duty-cycle fault: flag on the session record, no light change', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-06');
    expect(holder(r).light).toEqual(light('steady', 'white'));
    r.faults.inject('F-19');
    expect(status(r)).toMatchObject({ dutyCycleFault: true, endOfHeatReason: 3 });
  });

  it('F-07 intensive puffing: puffs 4 s apart set the intensive-puffing flag', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-07');
    r.clock.advanceBy(16_000);
    r.faults.inject('F-19');
    expect(status(r)).toMatchObject({ intensivePuffing: true, puffs: 4, endOfHeatReason: 3 });
  });

  it('F-08 holder system defect: error 0x01, red blinking until reset', () => {
    const r = deviceRig();
    r.faults.inject('F-08');
    expect(status(r)).toMatchObject({ holderErrors: 0x01, holderDefect: true });
    expect(holder(r).light).toEqual(light('blink', 'red'));
    r.clock.advanceBy(600_000);
    expect(holder(r).state).toBe('ERROR');
  });

  it('F-09 holder charging timeout: keeps charging without gaining, then error 0x02', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(holder(r).state).toBe('DOCKED_CHARGING');
    r.faults.inject('F-09');
    const level = holder(r).levelPercent;
    r.clock.advanceBy(300_000);
    expect(holder(r).state).toBe('DOCKED_CHARGING');
    expect(holder(r).light.pattern).toBe('blink');
    expect(holder(r).levelPercent).toBe(level);
    r.clock.advanceBy(301_000);
    expect(status(r)).toMatchObject({ holderErrors: 0x02, holderDefect: true });
    expect(holder(r).light).toEqual(light('blink', 'red'));
  });

  it('F-10 holder identification failure: error 0x08, red, not charged', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.faults.inject('F-10');
    r.clock.advanceBy(60_000);
    expect(status(r).holderErrors).toBe(0x08);
    expect(holder(r).light).toEqual(light('blink', 'red'));
    expect(charger(r).chargingHolder).toBe(false);
    expect(holder(r).levelPercent).toBe(50);
  });

  it.each([
    ['iluma-i', light('steady', 'red')],
    ['iqos-2.4-plus', light('blink', 'orange')],
  ] as const)('F-11 contact fault on %s: connection field, its light, no charging', (model, expected) => {
    const r = deviceRig({ model, initial: { holderPercent: 50 } });
    r.faults.inject('F-11', { value: 2 });
    r.clock.advanceBy(10_000);
    expect(status(r).holderConnection).toBe(2);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
    expect(holder(r).light).toEqual(expected);
    expect(charger(r).chargingHolder).toBe(false);
    r.faults.clear('F-11');
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
  });

  it('F-12 aged holder battery: warning 0x08, lights unchanged', () => {
    const r = deviceRig();
    const before = holder(r).light;
    r.faults.inject('F-12');
    expect(status(r)).toMatchObject({ holderWarnings: 0x08, holderErrors: 0 });
    expect(holder(r).light).toEqual(before);
  });

  it('F-13 protocol not supported: warning 0x04, holder not charged', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.faults.inject('F-13');
    r.clock.advanceBy(10_000);
    expect(status(r).holderWarnings).toBe(0x04);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
    expect(holder(r).light).toEqual(light('blink', 'white'));
    expect(charger(r).chargingHolder).toBe(false);
  });

  it.each([
    [undefined, 0x04],
    [0x02, 0x02],
    [0x08, 0x08],
  ])('F-15 charger error (bits %s): charger error bits, red blinking charger light', (bits, expected) => {
    const r = deviceRig();
    r.faults.inject('F-15', bits === undefined ? {} : { bits });
    expect(status(r)).toMatchObject({ chargerErrors: expected, chargerDefect: true });
    expect(charger(r).state).toBe('ERROR');
    expect(charger(r).light).toEqual(light('blink', 'red'));
    r.faults.clear('F-15');
    expect(status(r).chargerErrors).toBe(0);
  });

  it('F-16 deeply discharged charger: no lights for 15 min after USB connect', () => {
    const r = deviceRig();
    r.faults.inject('F-16');
    expect(charger(r).state).toBe('DEEP_DISCHARGED');
    expect(charger(r).light).toEqual(OFF);
    r.device.input({ type: 'usb', power: 'normal' }, r.clock.now());
    r.clock.advanceBy(899_000);
    expect(charger(r).state).toBe('USB_CHARGING');
    expect(charger(r).light).toEqual(OFF);
    r.clock.advanceBy(1000);
    expect(charger(r).light).toMatchObject({ pattern: 'blink', colour: 'white' });
  });

  it('F-17 weak USB: half-rate charging and a seeded dropout every 120 s', () => {
    const normal = deviceRig({ initial: { chargerPercent: 50, usb: 'normal' } });
    const r = deviceRig({ initial: { chargerPercent: 50 } });
    r.faults.inject('F-17');
    expect(charger(r)).toMatchObject({ usbPower: 'weak', state: 'USB_CHARGING' });
    expect(charger(r).light).toMatchObject({ pattern: 'blink', colour: 'white' });
    expect(r.device.firmware.levelRates().charger).toBeCloseTo(
      normal.device.firmware.levelRates().charger / 2,
    );
    r.clock.advanceTo(119_999);
    expect(charger(r).usbPower).toBe('weak');
    r.clock.advanceTo(120_000);
    expect(charger(r)).toMatchObject({ usbPower: 'none', state: 'STANDBY', light: OFF });
    const first = Number(/dropout for (\d+) ms/.exec(r.faults.log.at(-1)?.detail ?? '')?.[1]);
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(5000);
    r.clock.advanceTo(120_000 + first);
    expect(charger(r)).toMatchObject({ usbPower: 'weak', state: 'USB_CHARGING' });
    r.clock.advanceTo(600_000);
    const dropouts = r.faults.log.filter((e) => e.id === 'F-17' && e.detail.startsWith('dropout'));
    expect(dropouts.map((e) => e.atMs)).toEqual([120_000, 240_000, 360_000, 480_000, 600_000]);
    r.clock.advanceBy(5000);
    r.faults.clear('F-17');
    expect(charger(r).usbPower).toBe('normal');
    r.clock.advanceBy(600_000);
    expect(r.faults.log.filter((e) => e.detail.startsWith('dropout'))).toHaveLength(5);
  });

  it('F-18 charger low battery: status bit, yellow × 3 on a press', () => {
    const r = deviceRig();
    r.faults.inject('F-18');
    expect(status(r).chargerLowBattery).toBe(true);
    r.device.input({ type: 'button', unit: 'charger', action: 'press' }, r.clock.now());
    r.device.input({ type: 'button', unit: 'charger', action: 'release' }, r.clock.now() + 100);
    expect(charger(r).state).toBe('SHOW_LEVEL');
    expect(charger(r).light).toEqual(light('blinkN', 'yellow', 3));
  });

  it.each(['removeStick', 'press'] as const)('F-19 (%s) mid-session: reason 3', (variant) => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-19', { variant });
    r.clock.advanceBy(1000);
    expect(status(r).endOfHeatReason).toBe(3);
    expect(holder(r).state).not.toBe('SESSION_ACTIVE');
  });

  it('F-20 used stick: the session runs normally, no error', () => {
    const r = deviceRig();
    r.device.input({ type: 'undock' }, 0);
    r.faults.inject('F-20');
    r.clock.advanceBy(21_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    expect(status(r)).toMatchObject({ holderErrors: 0, holderWarnings: 0, chargerErrors: 0 });
  });

  it('F-21 magnet near an ILUMA: red blinking, the session continues', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-21');
    r.clock.advanceBy(30_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    expect(holder(r).light).toEqual(light('blink', 'red'));
    r.faults.clear('F-21');
    expect(holder(r).light).toEqual(light('steady', 'white'));
  });

  it('F-22 locked: start refused until unlocked', () => {
    const r = deviceRig();
    r.device.input({ type: 'undock' }, 0);
    r.faults.inject('F-22');
    r.device.input({ type: 'stick', action: 'insert' }, 0);
    expect(holder(r).state).toBe('IDLE_READY');
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'rejected', reason: 'locked' }));
    r.faults.clear('F-22');
    r.device.input({ type: 'button', unit: 'holder', action: 'press' }, 0);
    r.clock.advanceBy(1500);
    expect(holder(r).state).toBe('PREHEAT');
  });

  it('F-23 undocked while charging stops charging; docked mid-session ends it with reason 3', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
    r.faults.inject('F-23');
    expect(holder(r).docked).toBe(false);
    expect(charger(r).chargingHolder).toBe(false);
    r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
    r.clock.advanceBy(21_000);
    r.faults.inject('F-23');
    expect(holder(r).docked).toBe(true);
    expect(status(r).endOfHeatReason).toBe(3);
  });

  it('F-24 RTC reset: the clock restarts from the epoch', () => {
    const r = deviceRig({ initial: { rtcSeconds: 500_000_000 } });
    const rtc = () => {
      r.device.handleTimeout(r.clock.now());
      return r.device.firmware.rtcSeconds();
    };
    r.clock.advanceBy(10_000);
    expect(rtc()).toBe(500_000_010);
    r.faults.inject('F-24');
    r.clock.advanceBy(3000);
    expect(rtc()).toBe(3);
  });

  it('F-26 counter anomaly: the usage-totals reply carries the injected value', async () => {
    const r = await linkRig();
    r.faults.inject('F-26', { value: 0xfffe });
    const totals = await run(r, r.client.call('get-usage-totals'));
    expect(totals.fields.sticks).toBe(0xfffe);
  });

  it('F-28 over-temperature while charging (IQOS 3, in its ambient range): holder charging suspended', () => {
    const r = deviceRig({ model: 'iqos-3', initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
    r.faults.inject('F-28');
    r.clock.advanceBy(10_000);
    expect(status(r).ambient).toBe(0);
    expect(charger(r).chargingHolder).toBe(false);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
  });
});
