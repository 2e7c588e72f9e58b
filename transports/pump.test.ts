/** The real-time pump under fake timers: virtual time follows the (injected) real clock. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVirtualDevice, type DeviceEvent, SimulatorError } from '../simulator/index.js';
import { type PumpedDevice, startRealTimePump } from './pump.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The fake clock as the pump's real clock (Date is faked with the timers). */
const realNowMs = () => Date.now();

function device(startMs = 0) {
  const d = createVirtualDevice({ model: 'iluma-i', startMs });
  const events: DeviceEvent[] = [];
  d.events$.subscribe((e) => events.push(e));
  return { d, events };
}

describe('startRealTimePump', () => {
  it('maps real time to virtual time at the given speed and keeps the device up to date', () => {
    const { d } = device(5000);
    const pump = startRealTimePump(d, { speed: 10, realNowMs });
    expect(pump.nowMs()).toBe(5000);
    vi.advanceTimersByTime(1000);
    expect(pump.nowMs()).toBe(15_000);
    expect(d.now).toBe(15_000); // the last wake-up falls exactly on the 1000 ms mark (100 ms cap)
    pump.stop();
  });

  it('stamps inputs with the current virtual time; firmware timers fire at their exact virtual times', () => {
    const { d, events } = device();
    const pump = startRealTimePump(d, { speed: 50, realNowMs });
    vi.advanceTimersByTime(7);
    pump.input({ type: 'undock' });
    pump.input({ type: 'stick', action: 'insert' });
    vi.advanceTimersByTime(1000); // 50 s virtual: past the 20 s pre-heat
    pump.stop();
    const states = events.filter((e) => e.type === 'state').map((e) => [e.atMs, e.to]);
    expect(states).toEqual([
      [350, 'IDLE_READY'],
      [350, 'PREHEAT'],
      [20_350, 'SESSION_ACTIVE'],
    ]);
  });

  it('wakes at least every maxWaitMs (a live view refreshes) and ticks with the virtual time', () => {
    const { d } = device();
    const ticks: number[] = [];
    const pump = startRealTimePump(d, { realNowMs, maxWaitMs: 100, onTick: (t) => ticks.push(t) });
    vi.advanceTimersByTime(1000);
    pump.stop();
    expect(ticks.slice(0, 10)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('stop advances once more, clears its timer and refuses inputs', () => {
    const { d } = device();
    let ticks = 0;
    const pump = startRealTimePump(d, { realNowMs, onTick: () => ticks++ });
    vi.advanceTimersByTime(150);
    pump.stop();
    expect(d.now).toBe(150);
    expect(pump.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const before = ticks;
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(before);
    expect(() => pump.input({ type: 'puff' })).toThrow(SimulatorError);
    pump.stop(); // idempotent
  });

  it('a refused input throws to the caller and the pump runs on', () => {
    const { d } = device();
    const pump = startRealTimePump(d, { realNowMs });
    expect(() => pump.input({ type: 'nonsense' } as never)).toThrow(/unknown firmware input/);
    expect(pump.running).toBe(true);
    pump.stop();
  });

  it('a step that throws stops the pump and goes to onError', () => {
    const failing: PumpedDevice = {
      now: 0,
      input: () => {},
      nextDeadline: () => 10,
      handleTimeout: () => {
        throw new Error('boom');
      },
      pollTransmit: () => undefined,
    };
    const errors: unknown[] = [];
    const pump = startRealTimePump(failing, { realNowMs, onError: (e) => errors.push(e) });
    vi.advanceTimersByTime(50);
    expect(errors).toHaveLength(1);
    expect(pump.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drains transmitted packets to onTransmit so due packets cannot spin the loop', () => {
    const packets = [{ channel: 'usb' as const, bytes: new Uint8Array([1]) }];
    const fake: PumpedDevice = {
      now: 0,
      input: () => {},
      nextDeadline: () => (packets.length > 0 ? 0 : undefined),
      handleTimeout: () => {},
      pollTransmit: () => packets.shift(),
    };
    const sent: unknown[] = [];
    const pump = startRealTimePump(fake, { realNowMs, onTransmit: (p) => sent.push(p) });
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
    pump.stop();
  });

  it('rejects a speed that is not a positive finite number', () => {
    const { d } = device();
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => startRealTimePump(d, { speed })).toThrow(
        expect.objectContaining({ code: 'SIM_BAD_INPUT' }),
      );
  });
});
