/** The clock pump's speed (`iqsim fleet --speed`): virtual time runs `speed` times real time. */
import { describe, expect, it } from 'vitest';
import { SimulatorError, VirtualClock } from '../simulator/index.js';
import { startClockPump } from './clock-pump.js';

describe('startClockPump speed', () => {
  it('moves the clock speed × the real time elapsed', () => {
    let realMs = 1000;
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.schedule(40, (t) => fired.push(t));
    const pump = startClockPump(clock, { speed: 10, realNowMs: () => realMs });
    realMs += 5;
    expect(pump.now()).toBe(50);
    expect(fired).toEqual([40]);
    realMs += 0.25;
    expect(pump.now()).toBe(52);
    pump.stop();
  });

  it('refuses a speed that is not a finite number above 0', () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => startClockPump(new VirtualClock(0), { speed })).toThrow(SimulatorError);
  });
});
