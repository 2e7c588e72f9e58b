/**
 * Heating cost (issue #3 item 6). What is measured, one JSON line per metric:
 * - `ns-per-control-tick`: `HeaterLoop.run` alone, driven like a real session (preheat, a 2 s puff
 *   every 30 s from ready, each detected puff stopping the loop early, a fresh `start` every 6 min);
 *   28 timed sessions (≈ 10 M ticks) after warm-up, median over the sessions.
 * - `session-wall-ms`: one whole 6-minute session through the public `Firmware` API ('iluma-i'
 *   undocked: construction, stick insert, a puff every 30 s from ready, `advanceTo(400 s)`), median of
 *   30 runs after warm-up; `session-realtime-ratio` is the 400 virtual seconds over that wall time.
 *   Every run must end the session normally (end of profile or puff limit, holder idle) or the bench throws.
 * - `ticks-per-session`: control ticks in that session, to relate the two figures above.
 * - `gc-runs-per-10M-ticks`: GC runs observed while ticking 28 sessions (≈ 10 M ticks) through
 *   `HeaterLoop.run`: 0 proves nothing is allocated per tick.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { do_not_optimize } from 'mitata';
import {
  Firmware,
  type FirmwareEvent,
  getProfile,
  HeaterLoop,
  HeaterStop,
  nominalSessionEnergyJ,
  resolveParams,
} from '../firmware-model/index.js';
import type { BenchLine } from './codec.js';

const MODEL = 'iluma-i';
const PARAMS = resolveParams(getProfile(MODEL));
const AMBIENT_C = PARAMS.environment.ambientC;
const SESSION_MS = PARAMS.session.maxSeconds * 1000;
const READY_MS = PARAMS.session.preheatSeconds * 1000;
const PUFF_EVERY_MS = 30_000;
const PUFF_MS = PARAMS.heater.defaultPuffMs;
const PUFF_FLOW = PARAMS.heater.defaultPuffFlowMlS;
const BATTERY_J = 2 * nominalSessionEnergyJ(PARAMS, AMBIENT_C);
const TICKS_PER_LOOP_SESSION = (SESSION_MS * PARAMS.heater.tickHz) / 1000;
/** Sessions of `HeaterLoop.run` per measurement: the first count of 6-minute sessions reaching 10 M ticks. */
const LOOP_SESSIONS = Math.ceil(10_000_000 / TICKS_PER_LOOP_SESSION);
const FIRMWARE_END_MS = 400_000;
const FIRMWARE_RUNS = 30;

/** Runs `loop` until `untilMs`, resuming after each detected puff; returns how many puffs it detected. */
function runTo(loop: HeaterLoop, untilMs: number): number {
  let puffs = 0;
  for (;;) {
    const stop = loop.run(untilMs);
    if (stop === HeaterStop.reached) return puffs;
    if (stop !== HeaterStop.puffDetected) throw new Error(`heater loop stopped with code ${stop}`);
    puffs++;
  }
}

/**
 * One 6-minute session of the bare control loop from `t0`; returns the injected puffs it detected. A
 * detection during preheat is not counted, as the firmware does not count it (the loop reports one
 * 200 ms after the ramp ends, where the proportional controller still lags the set-point).
 */
function loopSession(loop: HeaterLoop, t0: number): number {
  loop.start(t0, AMBIENT_C, AMBIENT_C, BATTERY_J, 0);
  runTo(loop, t0 + READY_MS);
  let puffs = 0;
  for (let at = t0 + READY_MS; at < t0 + SESSION_MS; at += PUFF_EVERY_MS) {
    loop.puff(at, PUFF_MS, PUFF_FLOW);
    if (runTo(loop, Math.min(at + PUFF_EVERY_MS, t0 + SESSION_MS)) === 1) puffs++;
  }
  return puffs;
}

/** `LOOP_SESSIONS` sessions back to back, `ns` per tick of each pushed to `perTick` when given. */
function loopSessions(loop: HeaterLoop, perTick?: number[]): number {
  let puffs = 0;
  for (let i = 0; i < LOOP_SESSIONS; i++) {
    const begin = perTick ? performance.now() : 0;
    puffs += loopSession(loop, i * SESSION_MS);
    if (perTick) perTick.push(((performance.now() - begin) * 1e6) / TICKS_PER_LOOP_SESSION);
  }
  const injected = LOOP_SESSIONS * Math.ceil((SESSION_MS - READY_MS) / PUFF_EVERY_MS);
  if (puffs !== injected) throw new Error(`heater loop detected ${puffs} of ${injected} puffs once each`);
  return puffs;
}

/** GC runs while ticking `LOOP_SESSIONS` sessions (`loop` already warm): 0 means nothing was allocated per tick. */
async function gcEventsDuring(loop: HeaterLoop): Promise<number> {
  await new Promise((r) => setTimeout(r, 50));
  let events = 0;
  const observer = new PerformanceObserver((list) => {
    events += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  do_not_optimize(loopSessions(loop));
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  return events;
}

interface FirmwareRun {
  wallMs: number;
  ticks: number;
}

/** One session through the public Firmware API, checked to have ended normally. */
function firmwareSession(): FirmwareRun {
  const begin = performance.now();
  const fw = new Firmware(MODEL, { initial: { docked: false } });
  fw.input({ type: 'stick', action: 'insert' }, 0);
  const session = fw.state.session;
  if (!session) throw new Error(`stick insertion did not start a session (holder ${fw.state.holder.state})`);
  for (let at = session.readyAtMs; at < session.endAtMs; at += PUFF_EVERY_MS) fw.input({ type: 'puff' }, at);
  fw.advanceTo(FIRMWARE_END_MS);
  const wallMs = performance.now() - begin;

  const { state, lastExperience } = fw.state.holder;
  if (state !== 'IDLE_READY' && state !== 'IDLE_EMPTY')
    throw new Error(`session did not end: holder ${state} at ${FIRMWARE_END_MS} ms`);
  if (lastExperience.reason !== 2 && lastExperience.reason !== 8)
    throw new Error(`session ended with reason ${lastExperience.reason}, expected 2 or 8`);
  const events = fw.drainEvents();
  const phase = (p: string) =>
    events.find(
      (e): e is Extract<FirmwareEvent, { type: 'session' }> => e.type === 'session' && e.phase === p,
    );
  const start = phase('start');
  const end = phase('end');
  if (!start || !end) throw new Error('session start or end event missing');
  return { wallMs, ticks: ((end.atMs - start.atMs) * PARAMS.heater.tickHz) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runHeatingBench(): Promise<BenchLine[]> {
  const loop = new HeaterLoop(PARAMS.heater);
  for (let i = 0; i < 2; i++) do_not_optimize(loopSessions(loop));
  const gcRuns = await gcEventsDuring(loop);
  const perTick: number[] = [];
  do_not_optimize(loopSessions(loop, perTick));

  for (let i = 0; i < 5; i++) firmwareSession();
  const runs: FirmwareRun[] = [];
  for (let i = 0; i < FIRMWARE_RUNS; i++) runs.push(firmwareSession());
  const wallMs = median(runs.map((r) => r.wallMs));
  const ticks = (runs[0] as FirmwareRun).ticks;

  const line = (metric: string, value: number, unit: string, digits = 0): BenchLine => ({
    bench: 'heating',
    metric,
    value: Number(value.toFixed(digits)),
    unit,
  });
  return [
    line('ns-per-control-tick', median(perTick), 'ns', 2),
    line('session-wall-ms', wallMs, 'ms', 2),
    line('session-realtime-ratio', FIRMWARE_END_MS / wallMs, 'virtual s/wall s'),
    line('ticks-per-session', ticks, 'ticks'),
    line('gc-runs-per-10M-ticks', gcRuns, 'gc runs'),
  ];
}
