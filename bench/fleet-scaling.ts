/**
 * Scheduling cost as the fleet grows (issue 19 item 1). N virtual ILUMA i holders on one `VirtualClock`,
 * each followed by the clock as a deadline source (`clock.follow(device)`), with a usage mix fixed by
 * the device's index:
 * - 1 in 10 heats: taken out of the case and a stick inserted at 0, a puff every 30 s from an offset
 *   in [2 s, 32 s) (the clock's own timers play the user), so heating devices are at every phase;
 * - 1 in 20 idles out of the case (idle → sleep);
 * - the rest idle in the charger, holder levels 60–100 % (some charging, some full).
 *
 * One JSON line per N with the metric `cost-per-device-second-us` and the field `n`: wall µs spent in
 * `clock.advanceTo` per device per simulated second (setup not counted); `heap-bytes-per-device` and
 * `simulated-s` give the fleet's memory after setup and the span that was run (`SPAN_MS`, the same
 * for every N). N = 100 reports the best of five runs, N = 1,000 the best of three. Target: flat in N (an idle
 * device costs nothing per tick; the clock's work per event is O(log N)).
 */
import { performance } from 'node:perf_hooks';
import { createVirtualDevice, type VirtualDevice } from '../index.js';
import { VirtualClock } from '../simulator/index.js';
import type { BenchLine } from './codec.js';

const MODEL = 'iluma-i';
const PUFF_EVERY_MS = 30_000;

/**
 * Fleet sizes, and the simulated span each runs: the same 20 s for every N (pre-heat, the first puffs),
 * so the figures differ by N alone; the whole bench takes about a minute on an idle core.
 */
export const FLEET_SIZES: readonly number[] = [100, 1_000, 10_000, 100_000];
export const SPAN_MS = 20_000;

export type FleetRole = 'heating' | 'undocked' | 'docked';

export function roleOf(index: number): FleetRole {
  if (index % 10 === 0) return 'heating';
  if (index % 20 === 1) return 'undocked';
  return 'docked';
}

function makeDevice(index: number): VirtualDevice {
  const role = roleOf(index);
  const holderPercent = role === 'docked' ? 60 + ((index * 37) % 41) : 100;
  return createVirtualDevice({
    model: MODEL,
    seed: index,
    firmware: { initial: { docked: role === 'docked', holderPercent, chargerPercent: 80 } },
  });
}

/** A user who puffs every 30 s from `firstPuffMs` on, as clock timers. */
function schedulePuffs(clock: VirtualClock, device: VirtualDevice, firstPuffMs: number, endMs: number): void {
  const puff = (atMs: number): void => {
    device.input({ type: 'puff' }, atMs);
    if (atMs + PUFF_EVERY_MS <= endMs) clock.schedule(atMs + PUFF_EVERY_MS, puff);
  };
  clock.schedule(firstPuffMs, puff);
}

export interface FleetRun {
  readonly n: number;
  readonly spanMs: number;
  readonly wallMs: number;
  readonly costUsPerDeviceSecond: number;
  readonly heapBytesPerDevice: number;
  /** Heating devices still in a session at the end (a sanity check that the mix ran). */
  readonly heatingAtEnd: number;
}

/** Builds the fleet, then times `advanceTo(spanMs)`. */
export function runFleet(n: number, spanMs: number): FleetRun {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const clock = new VirtualClock();
  const devices: VirtualDevice[] = [];
  for (let i = 0; i < n; i++) {
    const device = makeDevice(i);
    devices.push(device);
    clock.follow(device);
    if (roleOf(i) === 'heating') {
      device.input({ type: 'stick', action: 'insert' }, 0);
      schedulePuffs(clock, device, 2_000 + ((i * 7_919) % PUFF_EVERY_MS), spanMs);
    }
  }
  gc?.();
  const heapBytesPerDevice = (process.memoryUsage().heapUsed - heapBefore) / n;
  const started = performance.now();
  clock.advanceTo(spanMs);
  const wallMs = performance.now() - started;
  const heatingAtEnd = devices.filter((d) => d.firmware.heating()).length;
  if (heatingAtEnd === 0) throw new Error(`no device was heating at ${spanMs} ms: the mix did not run`);
  return {
    n,
    spanMs,
    wallMs,
    costUsPerDeviceSecond: (wallMs * 1000) / (n * (spanMs / 1000)),
    heapBytesPerDevice,
    heatingAtEnd,
  };
}

export async function runFleetScalingBench(): Promise<BenchLine[]> {
  // Warm-up: the first fleet pays for compilation (a span with puffs, so every path is compiled).
  runFleet(1_000, 20_000);
  const lines: BenchLine[] = [];
  for (const n of FLEET_SIZES) {
    const spanMs = SPAN_MS;
    // Small fleets run in a fraction of a second: the best of a few runs is less at the mercy of the load.
    const runs = Array.from({ length: n <= 100 ? 5 : n <= 1_000 ? 3 : 1 }, () => runFleet(n, spanMs));
    const run = runs.reduce((best, r) => (r.costUsPerDeviceSecond < best.costUsPerDeviceSecond ? r : best));
    const line = (metric: string, value: number, unit: string): BenchLine => ({
      bench: 'fleet-scaling',
      metric,
      value,
      unit,
      n,
    });
    lines.push(
      line('cost-per-device-second-us', Math.round(run.costUsPerDeviceSecond * 100) / 100, 'µs'),
      line('heap-bytes-per-device', Math.round(run.heapBytesPerDevice), 'bytes'),
      line('simulated-s', spanMs / 1000, 's'),
    );
  }
  return lines;
}
