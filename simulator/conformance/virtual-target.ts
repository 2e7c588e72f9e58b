/**
 * A virtual device as a conformance target, in virtual time (docs/conformance.md "Targets"): links
 * are `InMemoryLink`s on one `VirtualClock`, `settle` advances that clock timer to timer, so the whole
 * suite takes virtual seconds and real milliseconds. Besides the link a real unit has, it can open a
 * new link (another MTU, the other channel), apply firmware inputs (the "on change" stimuli) and show
 * its advertising.
 */
import { getModel } from '../../protocol/index.js';
import type { VirtualClock } from '../clock.js';
import { createVirtualDevice, type VirtualDevice } from '../device/device.js';
import { InMemoryLink, runUntilSettled, type Transport } from '../link.js';
import type { ConformanceTarget, LinkChannel } from './types.js';

export interface VirtualTargetOptions {
  readonly device: VirtualDevice;
  readonly clock: VirtualClock;
  /** The channel the suite starts on (default ble). */
  readonly channel?: LinkChannel;
  /** A report label (default `sim:<model>`). */
  readonly name?: string;
  /** One-way link latency, ms (default 0). */
  readonly latencyMs?: number;
  /**
   * What the client side sees of each new link: the link itself by default; a test returns a
   * wrapper that rewrites, drops or delays, or attaches a fault injector first.
   */
  readonly wrap?: (link: InMemoryLink) => Transport;
}

export function virtualTarget(options: VirtualTargetOptions): ConformanceTarget {
  const { device, clock } = options;
  const channel = options.channel ?? 'ble';
  let link: InMemoryLink | undefined;
  const open = (on: LinkChannel): Transport => {
    if (link?.open) link.close();
    // Over USB nothing connects: a BLE central would stop the device advertising (D-21).
    link = new InMemoryLink(clock, device, {
      connect: on === 'ble',
      ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    });
    return options.wrap ? options.wrap(link) : link;
  };
  return {
    name: options.name ?? `sim:${device.model}`,
    model: getModel(device.model),
    transport: open(channel),
    channel,
    scheduler: clock,
    settle: (promise) => runUntilSettled(clock, promise),
    reopen: open,
    stimulate: (input) => device.input(input, clock.now()),
    // Advertising stops while a central is connected (D-21): a copy of the device, not connected,
    // shows what it would send now.
    advertising: () =>
      createVirtualDevice({ model: device.model, snapshot: device.snapshot() }).advertising(),
  };
}
