/**
 * The heater loop on its own (docs/device.md §2): ramp to the plateau, puff detection, protections, faults.
 */
import { describe, expect, it } from 'vitest';
import { HeaterFault, HeaterLoop, HeaterStop, nominalSessionEnergyJ } from './heater.js';
import { DEFAULT_PARAMS } from './params.js';

const h = DEFAULT_PARAMS.heater;
const plenty = 1e6;

function started(startMs = 0): HeaterLoop {
  const loop = new HeaterLoop(h);
  loop.start(startMs, 22, 22, plenty, 0);
  return loop;
}

describe('HeaterLoop', () => {
  it('ramps from ambient to the plateau within the ramp and holds it', () => {
    const loop = started();
    expect(loop.run((h.rampSeconds / 2) * 1000)).toBe(HeaterStop.reached);
    expect(loop.tempC).toBeGreaterThan(100);
    expect(loop.tempC).toBeLessThan(h.plateauC);
    expect(loop.run((h.rampSeconds + 5) * 1000)).toBe(HeaterStop.reached);
    expect(loop.tempC).toBeCloseTo(h.plateauC, 0);
    expect(loop.powerW).toBeGreaterThan(0);
    expect(loop.energyJ).toBeGreaterThan(0);
  });

  it('detects a puff from the deficit it leaves, once detection armed', () => {
    const loop = started();
    const at = (h.rampSeconds + 5) * 1000;
    loop.run(at);
    loop.puff(at, 2000, 27.5);
    expect(loop.run(at + 3000)).toBe(HeaterStop.puffDetected);
    const detectedAt = loop.timeMs;
    expect(detectedAt - at).toBeGreaterThan(h.puffDetectMs);
    expect(detectedAt - at).toBeLessThan(2000);
  });

  it('is blind to puffs before it arms (ramp + settle)', () => {
    const loop = started();
    expect(loop.detectArmsAtMs).toBe(h.rampSeconds * 1000 + 2000);
    loop.puff(1000, 2000, 27.5);
    expect(loop.run(6000)).toBe(HeaterStop.reached);
  });

  it('a runaway heater (F-02) trips the over-temperature protection', () => {
    const loop = started();
    loop.setFault(HeaterFault.runaway);
    expect(loop.run(120_000)).toBe(HeaterStop.overTemp);
    expect(loop.tempC).toBeGreaterThan(h.overTempC);
  });

  it('an open heater (F-03) and erratic readings (F-04) stop at once', () => {
    const open = started();
    open.setFault(HeaterFault.open);
    expect(open.run(10)).toBe(HeaterStop.powerOutOfRange);
    const noisy = started();
    noisy.setFault(HeaterFault.noisy);
    expect(noisy.run(10)).toBe(HeaterStop.measurementVariation);
  });

  it('stops at the battery cut-off', () => {
    const loop = new HeaterLoop(h);
    loop.start(0, 22, 22, 50, 40);
    expect(loop.run(60_000)).toBe(HeaterStop.batteryCutoff);
    expect(loop.batteryJ).toBeLessThan(40);
  });

  it('paused (off) cools towards ambient and draws nothing', () => {
    const loop = started();
    loop.run(20_000);
    loop.setOn(false);
    const battery = loop.batteryJ;
    loop.run(80_000);
    expect(loop.tempC).toBeLessThan(h.plateauC - 50);
    expect(loop.batteryJ).toBe(battery);
  });

  it('restores its registers from a copy', () => {
    const loop = started();
    loop.run(7_000);
    const copy = new HeaterLoop(h);
    copy.load(Array.from(loop.regs));
    loop.run(9_000);
    copy.run(9_000);
    expect(copy.tempC).toBe(loop.tempC);
  });
});

describe('nominalSessionEnergyJ', () => {
  it('is positive and grows with a colder ambient', () => {
    expect(nominalSessionEnergyJ(DEFAULT_PARAMS, 22)).toBeGreaterThan(0);
    expect(nominalSessionEnergyJ(DEFAULT_PARAMS, 0)).toBeGreaterThan(
      nominalSessionEnergyJ(DEFAULT_PARAMS, 22),
    );
  });
});
