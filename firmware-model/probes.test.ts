/**
 * Firmware probes (docs/traces.md "From the library"): `advanceTo` stops at each probe instant on
 * its way, with the values of that instant, and a probed firmware runs exactly as an unprobed one.
 */
import { describe, expect, it } from 'vitest';
import { FirmwareError } from './errors.js';
import { Firmware, type FirmwareProbe } from './firmware.js';

interface Seen {
  atMs: number;
  tempC: number;
  holderPct: number;
  state: string;
}

/** A probe every `periodMs` from `fromMs`, keeping what it saw. */
function everyMs(periodMs: number, fromMs = 0): FirmwareProbe & { seen: Seen[] } {
  const seen: Seen[] = [];
  let dueMs = fromMs;
  return {
    seen,
    get dueMs() {
      return dueMs;
    },
    sample(firmware, atMs) {
      const read = { heaterC: 0, heaterW: 0, puffFlowMlS: 0, holderPct: 0, chargerPct: 0 };
      firmware.readAt(atMs, read);
      seen.push({
        atMs,
        tempC: read.heaterC,
        holderPct: read.holderPct,
        state: firmware.state.holder.state,
      });
      dueMs = atMs + periodMs;
    },
  };
}

/** Out of the case, a stick in, a puff at 30 s, advanced in the given strides. */
function session(strides: number[], probe?: FirmwareProbe): Firmware {
  const fw = new Firmware('iluma-i', { initial: { docked: false } });
  if (probe) fw.addProbe(probe);
  fw.input({ type: 'stick', action: 'insert' }, 0);
  let now = 0;
  for (const stride of strides) {
    now += stride;
    fw.advanceTo(now);
    if (now === 30_000) fw.input({ type: 'puff' }, now);
  }
  return fw;
}

describe('firmware probes', () => {
  it('see each instant as a firmware advanced to it sees it, and change nothing at all', () => {
    const probe = everyMs(100);
    const probed = session([30_000, 30_000], probe);
    expect(probe.seen).toHaveLength(601);
    // The same session advanced to every instant in turn.
    const stepped = everyMs(1_000_000);
    const reference = new Firmware('iluma-i', { initial: { docked: false } });
    reference.input({ type: 'stick', action: 'insert' }, 0);
    // (At 0 the probe ran before the stick went in: an instant's probe comes before its inputs.)
    expect(probe.seen[0]?.state).toBe('IDLE_READY');
    for (const seen of probe.seen.filter((s) => s.atMs > 0 && s.atMs % 5_000 === 0)) {
      reference.advanceTo(seen.atMs);
      expect(reference.heaterTempC(), `at ${seen.atMs}`).toBe(seen.tempC);
      expect(reference.state.holder.state).toBe(seen.state);
      // Levels agree to rounding: the reference integrated them in other steps.
      expect(reference.state.holder.levelPercent).toBeCloseTo(seen.holderPct, 6);
      if (seen.atMs === 30_000) reference.input({ type: 'puff' }, 30_000);
    }
    expect(stepped.seen).toEqual([]);
    const plain = session([30_000, 30_000]);
    expect(probed.snapshot()).toEqual(plain.snapshot());
  });

  it('at an instant, run after the timers due then and before the inputs given then', () => {
    const start = (): Firmware => {
      const fw = new Firmware('iluma-i', { initial: { docked: false } });
      fw.input({ type: 'stick', action: 'insert' }, 0);
      return fw;
    };
    // The instant of the timer that ends the pre-heat: walk the deadlines until the state changes.
    const walk = start();
    let preheatEndsAt = 0;
    while (walk.state.holder.state === 'PREHEAT') {
      preheatEndsAt = walk.nextDeadline() as number;
      walk.advanceTo(preheatEndsAt);
    }
    const fw = start();
    fw.advanceTo(preheatEndsAt - 1);
    expect(fw.state.holder.state).toBe('PREHEAT');
    const probe = everyMs(1_000, preheatEndsAt);
    fw.addProbe(probe);
    fw.advanceTo(preheatEndsAt);
    expect(probe.seen[0]).toMatchObject({ atMs: preheatEndsAt });
    expect(probe.seen[0]?.state).not.toBe('PREHEAT');
    const sessionState = probe.seen[0]?.state;
    const next = everyMs(1_000, preheatEndsAt + 10);
    fw.addProbe(next);
    fw.input({ type: 'stick', action: 'remove' }, preheatEndsAt + 10);
    expect(next.seen[0]).toMatchObject({ atMs: preheatEndsAt + 10, state: sessionState });
    expect(fw.state.holder.state).not.toBe(sessionState);
  });

  it('are not deadlines, stop when removed, and must move forward', () => {
    const fw = new Firmware('iluma-i');
    const probe = everyMs(100);
    const remove = fw.addProbe(probe);
    expect(fw.nextDeadline()).not.toBe(0);
    fw.advanceTo(1_000);
    expect(probe.seen.map((s) => s.atMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
    remove();
    fw.advanceTo(2_000);
    expect(probe.seen).toHaveLength(11);
    expect(() => fw.addProbe(everyMs(100, 1_999))).toThrowError(FirmwareError);
    fw.addProbe({ dueMs: 2_500, sample: () => {} });
    expect(() => fw.advanceTo(3_000)).toThrowError(/asked for 2500 next/);
  });
});

describe('probeUntil', () => {
  it('samples an idle firmware in place, and declines while heating or with a timer due', () => {
    // Out of its case the holder idles towards sleep: a timer some seconds ahead.
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    const plain = new Firmware('iluma-i', { initial: { docked: false } });
    const probe = everyMs(250);
    fw.addProbe(probe);
    const timerAt = fw.nextDeadline() as number;
    expect(timerAt).toBeGreaterThan(1_000);
    expect(fw.probeUntil(1_100)).toBe(true);
    expect(fw.nowMs).toBe(0);
    expect(probe.seen.map((s) => s.atMs)).toEqual([0, 250, 500, 750, 1_000]);
    expect(fw.probeUntil(timerAt)).toBe(false);
    fw.advanceTo(timerAt + 60_000);
    plain.advanceTo(timerAt + 60_000);
    expect(fw.snapshot()).toEqual(plain.snapshot());
    const out = new Firmware('iluma-i', { initial: { docked: false } });
    out.input({ type: 'stick', action: 'insert' }, 0);
    out.addProbe(everyMs(100));
    expect(out.heating()).toBe(true);
    expect(out.probeUntil(50)).toBe(false);
  });
});
