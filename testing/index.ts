/**
 * `iqsim/testing`: helpers for tests of apps and flows against a virtual device (house rule 10: test
 * helpers have their own entry). A rig is one clock, one device, one in-memory link and one client,
 * all in virtual time; assertions throw `SimulatorError` with code `SIM_ASSERTION`, so they work in
 * any test runner.
 */
import type {
  DeepPartial,
  FirmwareInput,
  FirmwareParams,
  InitialConditions,
  Light,
} from '../firmware-model/index.js';
import {
  createVirtualDevice,
  type DeviceEvent,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  SimulatorError,
  VirtualClock,
  type VirtualDevice,
} from '../simulator/index.js';

export {
  type ApiResponse,
  createRegistry,
  type RegistrationOut,
  type Registry,
  RegistryApiError,
  RegistryClient,
  readDeviceId,
} from './registry.js';

export interface RigOptions {
  model: string;
  seed?: number;
  initial?: InitialConditions;
  params?: DeepPartial<FirmwareParams>;
  /** Connect a client over BLE (default) or USB, or none. */
  client?: 'ble' | 'usb' | false;
  latencyMs?: number;
  requestTimeoutMs?: number;
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
  /** Advances in `stepMs` steps until `predicate` holds; returns the time it held. */
  until(predicate: () => boolean, limitMs?: number, stepMs?: number): number;
  /** Runs a client call (any promise) to completion in virtual time. */
  run<T>(promise: Promise<T>): Promise<T>;
  expectState(unit: 'holder' | 'charger', state: string): void;
  expectLight(unit: 'holder' | 'charger', light: Partial<Light>): void;
  /** Vibrations since `sinceMs` (default: the rig's start), optionally of one reason. */
  vibrations(reason?: string, sinceMs?: number): DeviceEvent[];
  close(): void;
}

export async function createRig(options: RigOptions): Promise<Rig> {
  const clock = new VirtualClock();
  const device = createVirtualDevice({
    model: options.model,
    seed: options.seed ?? 1,
    firmware: {
      ...(options.initial ? { initial: options.initial } : {}),
      ...(options.params ? { params: options.params } : {}),
    },
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
    input: (input) => device.input(input, clock.now()),
    advance: (ms) => clock.advanceBy(ms),
    until: (predicate, limitMs = 3_600_000, stepMs = 100) => {
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
    close: () => {
      subscription.unsubscribe();
      link.close();
    },
  };
  return rig;
}
