/**
 * `iqsim/testing`: helpers for tests of apps and flows against a virtual device (docs/architecture.md house
 * rule 10: test helpers have their own entry). A rig is one clock, one device, one in-memory link and one
 * client, all in virtual time; assertions throw `SimulatorError` with code `SIM_ASSERTION`, so they work in
 * any test runner.
 */
import type { Observable } from 'rxjs';
import type {
  DeepPartial,
  FirmwareInput,
  FirmwareParams,
  InitialConditions,
  Light,
} from '../firmware-model/index.js';
import {
  type CaptureSink,
  createVirtualDevice,
  type DeviceEvent,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  SimulatorError,
  TRACE_DEFAULT_RATE_HZ,
  TraceSampler,
  type TraceSink,
  VirtualClock,
  type VirtualDevice,
} from '../simulator/index.js';
import type { Condition } from './conditions.js';
import { hostTurn } from './host-turn.js';

export {
  type CompanionServer,
  type CompanionServerOptions,
  startCompanionServer,
} from './companion.js';
export {
  batteryAtLeast,
  batteryAtMost,
  type Condition,
  event,
  puffs,
  state,
  when,
} from './conditions.js';
export {
  FleetRegistryDriver,
  type FleetRegistryReport,
  type StepCount,
} from './fleet-registry.js';
export { hostTurn } from './host-turn.js';
export {
  type ApiResponse,
  createRegistry,
  type DeviceView,
  type RegistrationOut,
  type Registry,
  RegistryApiError,
  RegistryClient,
  type RegistryUser,
  readDeviceId,
} from './registry.js';
export type { RegistryServerHandle, RegistryServerOptions } from './registry-types.js';

export interface RigOptions {
  model: string;
  seed?: number;
  initial?: InitialConditions;
  params?: DeepPartial<FirmwareParams>;
  /** Register overrides, key → hex reply payload (docs/simulator.md "Register overrides"). */
  overrides?: Record<string, string>;
  /** Connect a client over BLE (default) or USB, or none. */
  client?: 'ble' | 'usb' | false;
  latencyMs?: number;
  requestTimeoutMs?: number;
  /**
   * Records the device's capture stream from the start, connection included: to a sink, or to a file
   * (`.btsnoop`, `.pcapng`, else JSON lines) complete once `close()` resolves (docs/captures.md
   * "Recording a link").
   */
  capture?: CaptureSink | string;
  /**
   * Records a trace from the start (docs/traces.md "From the library"): samples at `rateHz` (default
   * 10) to a sink, or to a file (`.csv`, else JSON lines) complete once `close()` resolves. While it
   * runs the clock always has a next sample due, so `until` ends at its limit, not at "nothing left".
   */
  trace?: { to: TraceSink | string; rateHz?: number };
}

export interface Rig {
  readonly clock: VirtualClock;
  readonly device: VirtualDevice;
  readonly link: InMemoryLink;
  readonly client: IqosClient | undefined;
  /** Every device event since the rig was made. */
  readonly events: DeviceEvent[];
  /** Applies a firmware input now. */
  input(input: FirmwareInput): void;
  /** Advances virtual time. */
  advance(ms: number): void;
  /**
   * Runs virtual time until `condition` yields (`state('SESSION_ACTIVE')`, `batteryAtMost(20)`,
   * `puffs(3)`, any `Observable`), timer to timer; resolves with its first value. Rejects with
   * SIM_ASSERTION when it is not reached within `limitMs` of virtual time (default one hour) or
   * nothing is left to happen.
   */
  until<T>(condition: Condition<T> | Observable<T>, limitMs?: number): Promise<T>;
  /** Advances in `stepMs` steps (default 100) until `predicate` holds; returns the time it held (SIM_ASSERTION past `limitMs`). */
  advanceUntil(predicate: () => boolean, limitMs?: number, stepMs?: number): number;
  /** Runs a client call (any promise) to completion in virtual time. */
  run<T>(promise: Promise<T>): Promise<T>;
  expectState(unit: 'holder' | 'charger', state: string): void;
  expectLight(unit: 'holder' | 'charger', light: Partial<Light>): void;
  /** Vibrations since `sinceMs` (default: the rig's start), optionally of one reason. */
  vibrations(reason?: string, sinceMs?: number): DeviceEvent[];
  /** The trace sampler of the `trace` option (for its rate and next instant), else undefined. */
  readonly sampler: TraceSampler | undefined;
  /** Closes the link and ends the capture and trace; resolves once their files are written. */
  close(): Promise<void>;
}

export async function createRig(options: RigOptions): Promise<Rig> {
  // The host's turn makes `run` and `until` exact about pending promise work (VirtualClock docs).
  const clock = new VirtualClock(0, { hostTurn });
  const device = createVirtualDevice({
    model: options.model,
    seed: options.seed ?? 1,
    firmware: {
      ...(options.initial ? { initial: options.initial } : {}),
      ...(options.params ? { params: options.params } : {}),
    },
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  // Loaded only for a capture file: iqsim/testing alone loads no transport (test/pack-imports.test.ts).
  const file =
    typeof options.capture === 'string'
      ? (await import('../transports/index.js')).openCaptureFile(options.capture)
      : undefined;
  device.captureTo(typeof options.capture === 'string' ? file : options.capture);
  const traceTo = options.trace?.to;
  const traceFile =
    typeof traceTo === 'string' ? (await import('../transports/index.js')).openTraceFile(traceTo) : undefined;
  const sampler =
    traceTo === undefined
      ? undefined
      : new TraceSampler(device, {
          rateHz: options.trace?.rateHz ?? TRACE_DEFAULT_RATE_HZ,
          sink: traceFile ?? (traceTo as TraceSink),
          clock,
        });
  const events: DeviceEvent[] = [];
  const subscription = device.events$.subscribe((e) => events.push(e));
  const mode = options.client ?? 'ble';
  const link = new InMemoryLink(clock, device, {
    latencyMs: options.latencyMs ?? 0,
    connect: mode === 'ble',
  });
  const client =
    mode === false
      ? undefined
      : await runUntilSettled(
          clock,
          IqosClient.connect(link, {
            scheduler: clock,
            channel: mode,
            ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
          }),
        );
  const fail = (message: string): never => {
    throw new SimulatorError('SIM_ASSERTION', message);
  };
  const rig: Rig = {
    clock,
    device,
    link,
    client,
    events,
    sampler,
    input: (input) => device.input(input, clock.now()),
    advance: (ms) => clock.advanceBy(ms),
    until: (condition, limitMs = 3_600_000) => waitFor(clock, device, condition, limitMs),
    advanceUntil: (predicate, limitMs = 3_600_000, stepMs = 100) => {
      const end = clock.now() + limitMs;
      while (!predicate()) {
        if (clock.now() >= end) fail(`condition not reached within ${limitMs} ms`);
        clock.advanceBy(stepMs);
      }
      return clock.now();
    },
    run: (promise) => runUntilSettled(clock, promise),
    expectState: (unit, state) => {
      const actual = device.firmware.state[unit].state;
      if (actual !== state) fail(`${unit} state: expected ${state}, got ${actual}`);
    },
    expectLight: (unit, light) => {
      const actual = device.firmware.state[unit].light;
      for (const [key, value] of Object.entries(light))
        if (actual[key as keyof Light] !== value)
          fail(`${unit} light: expected ${JSON.stringify(light)}, got ${JSON.stringify(actual)}`);
    },
    vibrations: (reason, sinceMs = 0) =>
      events.filter(
        (e) => e.type === 'vibration' && e.atMs >= sinceMs && (reason === undefined || e.reason === reason),
      ),
    close: async () => {
      subscription.unsubscribe();
      link.close();
      device.captureTo(undefined);
      sampler?.close();
      traceFile?.close();
      await file?.finish();
    },
  };
  return rig;
}

/** Subscribes to the condition and runs the clock until its first value; unsubscribes either way. */
async function waitFor<T>(
  clock: VirtualClock,
  device: VirtualDevice,
  condition: Condition<T> | Observable<T>,
  limitMs: number,
): Promise<T> {
  const source: unknown = typeof condition === 'function' ? condition(device) : condition;
  if (typeof (source as Observable<T> | undefined)?.subscribe !== 'function')
    throw new SimulatorError(
      'SIM_BAD_INPUT',
      'until() takes a condition (state(…), puffs(…), when(…)) or an Observable; for a plain predicate use when(() => …) or advanceUntil',
    );
  const what = typeof condition === 'function' ? condition.description : 'the observable';
  let subscription: { unsubscribe(): void } | undefined;
  const reached = new Promise<T>((resolve, reject) => {
    subscription = (source as Observable<T>).subscribe({
      next: resolve,
      error: reject,
      complete: () => reject(new SimulatorError('SIM_ASSERTION', `${what}: completed without a value`)),
    });
  });
  try {
    return await runUntilSettled(clock, reached, limitMs);
  } catch (error) {
    if ((error as { code?: string }).code !== 'SIM_TIMEOUT') throw error;
    throw new SimulatorError(
      'SIM_ASSERTION',
      `${what} not reached at ${clock.now()} ms: ${(error as Error).message}`,
    );
  } finally {
    subscription?.unsubscribe();
  }
}
