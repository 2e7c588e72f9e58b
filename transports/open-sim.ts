/** `sim:<model>` (and `replay:`): an in-process virtual device over the in-memory link, its clock pumped in real time. */
import {
  type CaptureSink,
  createVirtualDevice,
  InMemoryLink,
  SimulatorError,
  type Transport,
  VirtualClock,
  type VirtualDevice,
} from '../simulator/index.js';
import { type ClockPump, hostRtcSeconds, startClockPump } from './clock-pump.js';
import type { RawOpen } from './opened.js';
import { loadOverridesFile } from './overrides-file.js';
import { loadSnapshot } from './persistence.js';
import type { SimSpec } from './spec.js';

/**
 * The device a spec names: restored from `snapshot=` (its own clock and state) or fresh with the RTC
 * at the host clock (D-27), with `overrides=` on top. Bad files are SIM_SNAPSHOT / SIM_OVERRIDES.
 */
export function simDevice(spec: SimSpec): VirtualDevice {
  const overrides = spec.overrides === undefined ? undefined : loadOverridesFile(spec.overrides);
  if (spec.snapshot === undefined)
    return createVirtualDevice({
      model: spec.model,
      seed: spec.seed,
      firmware: { initial: { rtcSeconds: hostRtcSeconds() } },
      ...(overrides ? { overrides } : {}),
    });
  const snapshot = loadSnapshot(spec.snapshot);
  if (snapshot.model !== spec.model)
    throw new SimulatorError(
      'SIM_SNAPSHOT',
      `${spec.snapshot} holds model ${snapshot.model}, not ${spec.model}`,
    );
  return createVirtualDevice({ model: spec.model, snapshot, ...(overrides ? { overrides } : {}) });
}

export function openSim(spec: SimSpec, capture?: CaptureSink): RawOpen {
  return openDevice(simDevice(spec), spec.channel, capture);
}

/** Serves `device` in process over the in-memory link, its clock pumped in real time (`sim:`, `replay:`). */
export function openDevice(device: VirtualDevice, channel: 'ble' | 'usb', capture?: CaptureSink): RawOpen {
  // Attached before the link exists, so the capture starts with the advertisement and the connection.
  if (capture) device.captureTo(capture);
  // A restored device continues from its own virtual time.
  const clock = new VirtualClock(device.now);
  // Over USB nothing connects: a BLE central would make the device stop advertising.
  const link = new InMemoryLink(clock, device, { connect: channel === 'ble' });
  let pump: ClockPump | undefined;
  const transport: Transport = {
    write(packet) {
      link.write(packet);
      pump?.kick();
    },
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close() {
      link.close();
      pump?.stop();
    },
    get open() {
      return link.open;
    },
  };
  pump = startClockPump(clock, {
    onError: (error) => link.disconnect(`clock pump stopped: ${String(error)}`),
  });
  return {
    transport,
    channel,
    scheduler: clock,
    device,
    closed: async () => transport.close(),
  };
}
