/**
 * The one real-time pump (architecture "core contracts"): drives a sans-IO `VirtualDevice` from the
 * process clock. Virtual time is the device's time when the pump starts plus the real time elapsed
 * since, times `speed`, floored to whole ms and never going back. The pump sleeps with `setTimeout`
 * until the device's next deadline, but never longer than `maxWaitMs`, so a live view redraws (and
 * level integration shows) even when nothing is due for hours.
 */
import { performance } from 'node:perf_hooks';
import type { FirmwareInput } from '../firmware-model/index.js';
import { SimulatorError, type VirtualDevice, type WirePacket } from '../simulator/index.js';

/** What the pump needs of a device (a `VirtualDevice` has all of it). */
export type PumpedDevice = Pick<
  VirtualDevice,
  'now' | 'input' | 'nextDeadline' | 'handleTimeout' | 'pollTransmit'
>;

export interface RealTimePumpOptions {
  /** Virtual ms per real ms (default 1; 50 runs a 6-minute session in 7.2 s). Finite and > 0. */
  speed?: number;
  /** Longest sleep between wake-ups, real ms (default 100). */
  maxWaitMs?: number;
  /** Called after every wake-up and input with the virtual time reached (a live view redraws here). */
  onTick?: (nowMs: number) => void;
  /**
   * Packets the device sends; drained after every step. Without it they are dropped, so a due
   * packet cannot keep the deadline in the past and spin the loop.
   */
  onTransmit?: (packet: WirePacket) => void;
  /** Called when a step throws (the pump has stopped by then); without it the error is rethrown. */
  onError?: (error: unknown) => void;
  /** Real clock, ms (default `performance.now`); tests inject one together with fake timers. */
  realNowMs?: () => number;
}

export interface RealTimePump {
  /** Current virtual time, ms (what an input would be stamped with now). */
  nowMs(): number;
  /**
   * Applies a firmware input at the current virtual time and reschedules (the input may arm a sooner
   * timer). Errors of the input itself go to the caller and leave the pump running.
   */
  input(input: FirmwareInput): void;
  /** Advances the device to now once more, then clears the timer. Idempotent. */
  stop(): void;
  readonly running: boolean;
}

const DEFAULT_MAX_WAIT_MS = 100;

export function startRealTimePump(device: PumpedDevice, options: RealTimePumpOptions = {}): RealTimePump {
  const speed = options.speed ?? 1;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (!(Number.isFinite(speed) && speed > 0))
    throw new SimulatorError('SIM_BAD_INPUT', `pump speed must be a finite number > 0, got ${speed}`);
  if (!(Number.isFinite(maxWaitMs) && maxWaitMs >= 0))
    throw new SimulatorError(
      'SIM_BAD_INPUT',
      `pump maxWaitMs must be a finite number >= 0, got ${maxWaitMs}`,
    );
  const realNowMs = options.realNowMs ?? (() => performance.now());
  const realStartMs = realNowMs();
  const virtualStartMs = device.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = true;

  const nowMs = (): number =>
    Math.max(device.now, virtualStartMs + Math.floor((realNowMs() - realStartMs) * speed));

  const drain = (): void => {
    for (let packet = device.pollTransmit(); packet; packet = device.pollTransmit())
      options.onTransmit?.(packet);
  };

  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    const deadline = device.nextDeadline();
    const untilDeadlineMs = deadline === undefined ? maxWaitMs : Math.max(0, (deadline - nowMs()) / speed);
    timer = setTimeout(wake, Math.min(maxWaitMs, Math.ceil(untilDeadlineMs)));
  };

  /** Runs `step` at the current virtual time; a throw stops the pump and goes to `onError`. */
  const guarded = (step: (atMs: number) => void): void => {
    try {
      const atMs = nowMs();
      step(atMs);
      drain();
      options.onTick?.(atMs);
    } catch (error) {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (options.onError) options.onError(error);
      else throw error;
    }
  };

  function wake(): void {
    timer = undefined;
    if (!running) return;
    guarded((atMs) => device.handleTimeout(atMs));
    schedule();
  }

  schedule();
  return {
    nowMs,
    input(input) {
      if (!running) throw new SimulatorError('SIM_BAD_INPUT', 'the real-time pump has stopped');
      // A refused input (FIRMWARE_INPUT) throws to the caller before touching the state; the pump runs on.
      device.input(input, nowMs());
      guarded(() => {});
      schedule();
    },
    stop() {
      if (!running) return;
      guarded((atMs) => device.handleTimeout(atMs));
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    get running() {
      return running;
    },
  };
}
