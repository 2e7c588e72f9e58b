/**
 * Issue 10 "Why": a second, poll-based event queue was on by default and grew for as long as nobody
 * read it; events carried no values (a notify event had no battery level, nothing carried the heater
 * temperature).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/clock.js';
import { createVirtualDevice, type DeviceEvent } from '../../simulator/device/device.js';

function session(device: ReturnType<typeof createVirtualDevice>, clock: VirtualClock): void {
  device.input({ type: 'undock' }, clock.now());
  device.input({ type: 'stick', action: 'insert' }, clock.now());
  clock.advanceBy(20_000);
  for (let i = 0; i < 4; i++) {
    device.input({ type: 'puff', durationMs: 1_500 + i * 100 }, clock.now());
    clock.advanceBy(30_000);
  }
}

describe('one event bus with values', () => {
  it('keeps no poll queue unless asked: pollEvent says how to get one', () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    clock.follow(device);
    session(device, clock);
    expect(() => device.pollEvent()).toThrow(expect.objectContaining({ code: 'SIM_BAD_INPUT' }));
  });

  it('with eventQueue: true, pollEvent returns what events$ carried, in order', () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i', eventQueue: true });
    const seen: DeviceEvent[] = [];
    device.events$.subscribe((e) => seen.push(e));
    clock.follow(device);
    session(device, clock);
    const polled: DeviceEvent[] = [];
    for (let e = device.pollEvent(); e; e = device.pollEvent()) polled.push(e);
    expect(polled).toEqual(seen);
    expect(polled.length).toBeGreaterThan(50);
  });

  it('heater, puff, battery and notify events carry their values, as JSON', () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const events: DeviceEvent[] = [];
    device.events$.subscribe((e) => events.push(JSON.parse(JSON.stringify(e))));
    clock.follow(device);
    device.connect(0);
    session(device, clock);
    const heater = events.filter((e) => e.type === 'heater');
    // 1 Hz while heating (the loop itself runs at 1 kHz and emits nothing).
    expect(heater.length).toBeGreaterThan(100);
    expect(heater.length).toBeLessThanOrEqual(141);
    for (let i = 1; i < heater.length; i++)
      expect((heater[i]?.atMs ?? 0) - (heater[i - 1]?.atMs ?? 0)).toBe(1000);
    const hot = heater.at(-1);
    expect(hot).toMatchObject({ tempC: expect.any(Number), powerW: expect.any(Number) });
    expect(hot?.type === 'heater' && hot.tempC).toBeGreaterThan(200);
    expect(heater.some((e) => e.type === 'heater' && e.powerW > 0)).toBe(true);
    const puffs = events.filter((e) => e.type === 'puff' && e.counted);
    expect(puffs.map((e) => e.type === 'puff' && [e.puffs, e.durationMs])).toEqual([
      [1, 1500],
      [2, 1600],
      [3, 1700],
      [4, 1800],
    ]);
    const battery = events.filter((e) => e.type === 'battery');
    expect(battery.length).toBeGreaterThan(0);
    expect(battery[0]).toMatchObject({ chargerPct: expect.any(Number), holderPct: expect.any(Number) });
    const notify = events.find((e) => e.type === 'notify' && e.characteristic === 'battery');
    expect(notify).toMatchObject({
      hex: expect.stringMatching(/^[0-9A-F ]+$/),
      chargerPct: expect.any(Number),
    });
    const status = events.find((e) => e.type === 'notify' && e.characteristic === 'status');
    expect(status).toMatchObject({ hex: expect.stringMatching(/^[0-9A-F ]+$/) });
  });
});
