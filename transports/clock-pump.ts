/**
 * Real time for in-process virtual devices (the `sim:` transport, the Web Bluetooth hub, the noble
 * bindings): a pump that makes a `VirtualClock` follow the process clock, and a real-time
 * `Scheduler` for clients of real links (serial, BLE), whose request timeouts are wall-clock ones.
 *
 * Virtual time is the clock's time when the pump starts plus the real time elapsed since times
 * `speed` (default 1), floored to whole ms; if someone else advances the clock further, the pump carries on from there (time never
 * goes back). The pump sleeps until `clock.nextAt()`, capped at `maxWaitMs` (50), and runs on the
 * next turn of the event loop after `kick()` (call it after every write into a link), so a reply does
 * not wait for the next timer. It never advances from inside a clock callback. Its timers keep the
 * process alive, as an open connection does; `stop()` clears them.
 */
import { performance } from 'node:perf_hooks';
import { DEVICE_EPOCH_UNIX_S } from '../protocol/index.js';
import { type Scheduler, SimulatorError, type VirtualClock } from '../simulator/index.js';

export interface ClockPumpOptions {
  /** Longest sleep between wake-ups, real ms (default 50). */
  maxWaitMs?: number;
  /** Real clock, ms (default `performance.now`). */
  realNowMs?: () => number;
  /** Virtual ms per real ms (default 1): `iqsim fleet --speed`. Finite and > 0. */
  speed?: number;
  /** Called when an advance throws (the pump has stopped by then); without it the error is rethrown. */
  onError?: (error: unknown) => void;
}

export interface ClockPump {
  readonly clock: VirtualClock;
  /**
   * Virtual time now, ms: advances the clock to the real time first, except from inside a clock
   * callback (the clock refuses nested advances), where it is the callback's time. Stamp inputs to a
   * connected device with it (`device.input(input, pump.now())`).
   */
  now(): number;
  /** Runs the clock on the next turn of the event loop. Cheap to repeat. */
  kick(): void;
  /** Advances once more to now, then clears the timers. Idempotent. */
  stop(): void;
  readonly running: boolean;
}

const DEFAULT_MAX_WAIT_MS = 50;

export function startClockPump(clock: VirtualClock, options: ClockPumpOptions = {}): ClockPump {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const speed = options.speed ?? 1;
  if (!(Number.isFinite(speed) && speed > 0))
    throw new SimulatorError('SIM_BAD_INPUT', `pump speed must be a finite number > 0, got ${speed}`);
  const realNowMs = options.realNowMs ?? (() => performance.now());
  /** Real time scaled to virtual ms: the pump's one notion of "now". */
  const scaledNowMs = (): number => realNowMs() * speed;
  let offsetMs = clock.now() - scaledNowMs();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let running = true;
  /** True while `advanceTo` runs: callbacks that read `now()` must not advance again. */
  let advancing = false;

  const targetMs = (): number => {
    const realMs = scaledNowMs();
    const target = Math.floor(realMs + offsetMs);
    if (target >= clock.now()) return target;
    offsetMs = clock.now() - realMs;
    return clock.now();
  };

  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  const advance = (): void => {
    if (advancing || !running) return;
    advancing = true;
    try {
      clock.advanceTo(targetMs());
    } catch (error) {
      running = false;
      clear();
      if (options.onError) options.onError(error);
      else throw error;
    } finally {
      advancing = false;
    }
  };

  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    const next = clock.nextAt();
    const waitMs =
      next === undefined
        ? maxWaitMs
        : Math.min(maxWaitMs, Math.max(0, Math.ceil((next - targetMs()) / speed)));
    timer = setTimeout(run, waitMs);
  };

  function run(): void {
    clear();
    advance();
    schedule();
  }

  schedule();
  return {
    clock,
    now() {
      advance();
      return clock.now();
    },
    kick() {
      if (running && immediate === undefined) immediate = setImmediate(run);
    },
    stop() {
      if (!running) return;
      advance();
      running = false;
      clear();
    },
    get running() {
      return running;
    },
  };
}

/** A `Scheduler` on the process clock (ms since it was made), for clients of real links. */
export function realTimeScheduler(realNowMs: () => number = () => performance.now()): Scheduler {
  return {
    now: realNowMs,
    schedule(atMs, callback) {
      const timer = setTimeout(() => callback(realNowMs()), Math.max(0, Math.ceil(atMs - realNowMs())));
      return { cancel: () => clearTimeout(timer) };
    },
  };
}

/**
 * The host clock in device seconds (since 2010-01-01 UTC, docs/protocol.md §8.1): where a device started in
 * real time sets its RTC (docs/protocol.md D-27 `rtc.start = "host"`). Virtual-time devices start at 0 for
 * determinism.
 */
export function hostRtcSeconds(unixMs: number = Date.now()): number {
  return Math.max(0, Math.floor(unixMs / 1000) - DEVICE_EPOCH_UNIX_S);
}
