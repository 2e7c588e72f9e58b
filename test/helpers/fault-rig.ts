/** The fault-injection test rig shared by simulator/faults*.test.ts. */
import { expect } from 'vitest';
import type { DeepPartial, FirmwareParams, InitialConditions, Light } from '../../firmware-model/index.js';
import { IqosClient } from '../../simulator/client/client.js';
import { VirtualClock } from '../../simulator/clock.js';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from '../../simulator/device/device.js';
import { FaultInjector } from '../../simulator/faults/faults.js';
import { InMemoryLink, runUntilSettled } from '../../simulator/link.js';

export interface DeviceOptions {
  model?: string;
  seed?: number;
  initial?: InitialConditions;
  params?: DeepPartial<FirmwareParams>;
  bondedOnly?: boolean;
}

export interface Rig {
  readonly clock: VirtualClock;
  readonly device: VirtualDevice;
  readonly faults: FaultInjector;
  readonly events: DeviceEvent[];
}

export interface LinkRig extends Rig {
  link: InMemoryLink;
  client: IqosClient;
  readonly mtu: number;
}

export function deviceRig(o: DeviceOptions = {}): Rig & { link: InMemoryLink } {
  const clock = new VirtualClock();
  const device = createVirtualDevice({
    model: o.model ?? 'iluma-i',
    seed: o.seed ?? 1,
    bondedOnly: o.bondedOnly ?? false,
    firmware: { ...(o.initial ? { initial: o.initial } : {}), ...(o.params ? { params: o.params } : {}) },
  });
  const events: DeviceEvent[] = [];
  device.events$.subscribe((e) => events.push(e));
  // Not connected: the link only follows the device, so its timers run with the clock.
  const link = new InMemoryLink(clock, device, { connect: false });
  return { clock, device, link, events, faults: new FaultInjector({ clock, device, seed: o.seed ?? 1 }) };
}

export async function linkRig(o: DeviceOptions & { mtu?: number } = {}): Promise<LinkRig> {
  const base = deviceRig(o);
  base.link.close();
  const rig = { ...base, mtu: o.mtu ?? 247 } as LinkRig;
  await connect(rig);
  return rig;
}

/** A new link and client (after a fault killed or confused the old ones); the injector follows. */
export async function connect(r: LinkRig): Promise<void> {
  r.link = new InMemoryLink(r.clock, r.device);
  r.faults.attach(r.link);
  r.client = await run(
    r,
    IqosClient.connect(r.link, { scheduler: r.clock, requestTimeoutMs: 200, mtu: r.mtu }),
  );
}

export async function reconnect(r: LinkRig): Promise<void> {
  r.client.close();
  await connect(r);
}

export const run = <T>(r: Rig, promise: Promise<T>): Promise<T> => runUntilSettled(r.clock, promise);

/** 'ok' or the SimulatorError code the call rejected with. */
export async function outcome(r: Rig, promise: Promise<unknown>): Promise<string> {
  try {
    await run(r, promise);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Out of the case with a stick in, through pre-heat (20 s) into SESSION_ACTIVE. */
export function startSession(r: Rig): void {
  if (r.device.firmware.state.holder.docked) r.device.input({ type: 'undock' }, r.clock.now());
  r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
  r.clock.advanceBy(21_000);
  expect(r.device.firmware.state.holder.state).toBe('SESSION_ACTIVE');
}

export const holder = (r: Rig) => r.device.firmware.state.holder;
export const charger = (r: Rig) => r.device.firmware.state.charger;
export const status = (r: Rig) => r.device.firmware.status();
export const light = (pattern: Light['pattern'], colour: Light['colour'], count = 1): Light => ({
  pattern,
  colour,
  count,
});
export const OFF = light('off', 'none', 0);

/** The snapshot survives a JSON round trip into a fresh device unchanged (no NaN, no broken state). */
export function expectConsistent(device: VirtualDevice): void {
  const snapshot = device.snapshot();
  const restored = createVirtualDevice({
    model: device.model,
    snapshot: JSON.parse(JSON.stringify(snapshot)),
  });
  expect(restored.snapshot()).toEqual(snapshot);
}
